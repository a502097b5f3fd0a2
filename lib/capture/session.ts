/**
 * Capturing: `capture(...)` opens one connection per (route, chunk) of streams (plan.ts), each
 * kept alive by its link (link.ts: watchdog, reconnects with backoff, overlapping handovers),
 * journals every message to disk as it arrives (raw text plus receive time; frames that are not
 * messages become events), fetches REST depth snapshots for depth streams (the first, and a
 * fresh one after every gap: depth-resync.ts), and ends in a format-2 sample (or several, with
 * `rotate`) written by streaming. It ends when every stream
 * has its `count`, when `durationMs` has passed, when `signal` aborts, or when a connection
 * gives up after `maxReconnects` failed attempts (a `CONNECTION_LOST` that says what is
 * missing). Idle is never done: a silent live stream is a stall to repair, not the end.
 */
import * as fs from "fs";
import * as path from "path";
import { ConnectionError, InvalidArgumentError, excerpt } from "../errors";
import { isBinanceHost, isDiffDepthStream, parseStreamName, resolveEndpoints } from "../binance/endpoints";
import { BOOK_SNAPSHOT_LIMIT } from "../binance/book-sync";
import { CONTROL_ERROR_CODES } from "../binance/control";
import { recoverOrphanJournals } from "../store/orphans";
import { loadSample } from "../store/read";
import {
  LIBRARY,
  type CaptureEvent,
  type CaptureEventKind,
  type Sample,
  type SampleMeta,
  type StoredMessage,
} from "../store/sample-format";
import { DEFAULT_CAPTURE_DIR, filesOfName, sampleFileName, unusedSampleName } from "../store/write";
import { nowMs } from "./connection";
import { DepthResync, depthIdsOf } from "./depth-resync";
import { StreamLink, type LinkHost } from "./link";
import { resolveCaptureSettings, resolveCaptureStreams, type CaptureOptions, type CaptureProgress, type CaptureSettings } from "./options";
import { planConnections } from "./plan";
import { CaptureRecorder } from "./recorder";
import { startLongTimer, type LongTimer } from "./timers";

/** Why a capture ended. */
export type CaptureEnd = "count" | "duration" | "stopped" | "idle";

/** What `capture` resolves with. */
export interface CaptureResult {
  /** The sample file written (the last one, with `rotate`). */
  readonly file: string;
  /** Every sample file written, in order (one unless `rotate`). */
  readonly files: readonly string[];
  /** The metadata of `file`. */
  readonly meta: SampleMeta;
  /** Why it ended, and what is missing when some stream has fewer than `count` messages. */
  readonly ended: CaptureEnd;
  readonly missing: string | null;
  /** Samples finished from journals an earlier capture left in the folder. */
  readonly recovered: readonly string[];
}

/** What `capture` resolves with when `keepMessages` is true: the sample in memory too. */
export interface CaptureResultWithMessages extends CaptureResult {
  readonly sample: Sample;
  readonly messages: readonly StoredMessage[];
}

/**
 * Captures messages from Binance (or any server speaking its protocol) into a sample file.
 * Resolves when every stream has `count` messages, `durationMs` has passed, or `signal` aborts;
 * memory stays bounded (the journal is the store) unless `keepMessages` asks for the messages.
 * Rejects with a `ConnectionError` for refused first connections, fatal server errors, silent
 * streams and connections that could not be brought back; everything received before a failure
 * is still saved, in `error.sampleFile`.
 * @example const { file, meta } = await capture({ symbols: ["BTCUSDT"], types: ["trade", "depth"], count: 100 });
 */
export function capture(options: CaptureOptions & { keepMessages: true }): Promise<CaptureResultWithMessages>;
export function capture(options: CaptureOptions): Promise<CaptureResult>;
export function capture(options: CaptureOptions): Promise<CaptureResult> {
  const streams = resolveCaptureStreams(options);
  const settings = resolveCaptureSettings(options);
  const endpoints = resolveEndpoints({ wsBaseUrl: options.wsBaseUrl, restBaseUrl: options.restBaseUrl });
  const session = new CaptureSession(streams, endpoints.wsBaseUrl, endpoints.restBaseUrl, options, settings);
  return session.run();
}

class CaptureSession implements LinkHost {
  private readonly counts: Record<string, number> = {};
  private readonly lastAt = new Map<string, number>();
  private readonly done = new Set<string>();
  private readonly discarded = new Map<string, number>();
  private readonly unexpected = new Map<string, number>();
  private readonly depthResync: DepthResync;
  /** The diff-depth streams, whose frames the book resync watches. */
  private readonly diffDepthStreams: ReadonlySet<string>;
  private readonly links: StreamLink[];
  private readonly startedAt = nowMs();
  private readonly recorder: CaptureRecorder;
  private readonly recovered: string[] = [];
  private readonly rateSamples: { at: number; total: number }[] = [];
  private total = 0;
  private malformed = 0;
  private connectionGaps = 0;
  everConnected = false;
  private finished = false;
  /** Set when the capture starts ending: later frames are counted, not kept. */
  private ending = false;
  private durationTimer: LongTimer | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private lastProgressAt = 0;
  private settle!: { resolve(result: CaptureResult): void; reject(error: Error): void };

  constructor(
    private readonly streams: string[],
    wsBaseUrl: string,
    restBaseUrl: string,
    private readonly options: CaptureOptions,
    readonly settings: CaptureSettings,
  ) {
    for (const stream of streams) this.counts[stream] = 0;
    this.diffDepthStreams = new Set(streams.filter(isDiffDepthStream));
    const symbols = [...new Set(streams.flatMap((stream) => parseStreamName(stream).symbol ?? []))];
    const outDir = options.outDir ?? DEFAULT_CAPTURE_DIR;
    const name = options.name ?? unusedSampleName(outDir, sampleFileName(symbols, streams, new Date()));
    if (name !== path.basename(name) || name.startsWith(".") || name.length === 0) {
      throw new InvalidArgumentError("UNSAFE_FILE_NAME", `Unsafe sample name ${JSON.stringify(name)}: expected a plain file name.`);
    }
    for (const existing of filesOfName(outDir, name)) {
      if (fs.existsSync(existing)) {
        throw new InvalidArgumentError(
          "SAMPLE_EXISTS",
          `Sample ${existing} already exists: choose another name; captured data is never overwritten.`,
        );
      }
    }
    this.links = planConnections(wsBaseUrl, streams, {
      maxStreamsPerConnection: options.maxStreamsPerConnection,
      maxUrlLength: options.maxUrlLength,
      maxStreamsPerSubscribe: options.maxStreamsPerSubscribe,
    }).map((plan) => new StreamLink(plan, this));
    if (options.recoverJournals ?? true) {
      for (const outcome of recoverOrphanJournals(outDir)) if (outcome.result) this.recovered.push(outcome.result.file);
    }
    const isBinance = isBinanceHost(new URL(wsBaseUrl).hostname);
    this.depthResync = new DepthResync({
      restBaseUrl,
      limit: options.depthSnapshotLimit === undefined ? BOOK_SNAPSHOT_LIMIT : options.depthSnapshotLimit,
      now: nowMs,
      store: (snapshot) => {
        if (!this.finished) this.recorder.appendSnapshot(snapshot);
      },
      report: (kind, { localTimestamp, ...fields }) => this.event(kind, fields, localTimestamp),
    });
    this.recorder = new CaptureRecorder(
      outDir,
      name,
      {
        library: LIBRARY,
        source: { kind: options.sourceKind ?? (isBinance ? "live" : "replay"), wsBaseUrl, restBaseUrl },
        symbols,
        streams,
        startedAt: new Date().toISOString(),
      },
      options.rotate,
    );
  }

  run(): Promise<CaptureResult> {
    return new Promise<CaptureResult>((resolve, reject) => {
      this.settle = { resolve, reject };
      const { signal } = this.options;
      if (signal) {
        if (signal.aborted) return void this.finish("stopped", "stopped by the caller before it began");
        signal.addEventListener("abort", () => this.finish("stopped", "stopped by the caller"), { once: true });
      }
      if (this.options.durationMs !== undefined) {
        const durationMs = this.options.durationMs;
        this.durationTimer = startLongTimer(() => this.finish("duration", `duration of ${durationMs} ms reached`), durationMs);
      }
      this.tickTimer = setInterval(() => this.tick(), this.settings.watchdogTickMs);
      for (const link of this.links) link.start();
    });
  }

  // -------------------------------------------------------------------------------------------
  // What the links call (LinkHost)

  wants(stream: string): boolean {
    return !this.ending && this.counts[stream] !== undefined && !this.done.has(stream);
  }

  event(kind: CaptureEventKind, fields: Omit<CaptureEvent, "kind" | "localTimestamp"> = {}, localTimestamp = nowMs()): void {
    if (this.finished) return;
    if (kind === "malformed-frame") this.malformed++;
    if (kind === "gap") this.connectionGaps++;
    this.recorder.appendEvent({ localTimestamp, kind, ...fields });
  }

  store(stream: string, frame: Buffer, data: unknown, localTimestamp: number): void {
    if (this.finished) return;
    this.recorder.appendMessage(frame, stream, data, localTimestamp);
    const count = ++this.counts[stream];
    this.total++;
    this.lastAt.set(stream, localTimestamp);
    if (this.diffDepthStreams.has(stream)) this.depthResync.onFrame(stream, depthIdsOf(data), localTimestamp);
    if (this.options.count !== undefined && count >= this.options.count) {
      this.markDone(stream);
      if (this.done.size === this.streams.length) return this.finish("count", `${this.options.count} messages per stream received`);
    }
    this.reportProgress(false);
  }

  discard(stream: string): void {
    const into = this.counts[stream] === undefined ? this.unexpected : this.discarded;
    into.set(stream, (into.get(stream) ?? 0) + 1);
  }

  /** Binance's code 2 ("Invalid request") means a request of ours is wrong: retrying cannot help. Other error frames are recorded. */
  serverError(url: string, frame: { code: unknown; msg: unknown; id: unknown }, text: string): void {
    this.event("server-error", { url, detail: excerpt(text) });
    if (frame.code === CONTROL_ERROR_CODES.INVALID_REQUEST) {
      this.fail(new ConnectionError("SERVER_ERROR", `The server at ${url} sent error ${String(frame.code)}: ${String(frame.msg)}.`, url));
    }
  }

  gaveUp(link: StreamLink, error: Error): void {
    const missing = this.missing() ?? "nothing is missing";
    this.fail(
      new ConnectionError(
        "CONNECTION_LOST",
        `Gave up on the /${link.plan.route} connection after ${this.settings.maxReconnects} failed attempts in a row (last: ${error.message}) — ${missing}.`,
        link.plan.url,
        { cause: error },
      ),
    );
  }

  fail(error: Error): void {
    this.end("failed", null, error).catch((inner: Error) => this.settle.reject(inner));
  }

  // -------------------------------------------------------------------------------------------

  /** What some stream still lacks, e.g. `btcusdt@trade has 1500 of 5000 messages`; null when nothing is. */
  private missing(): string | null {
    const target = this.options.count;
    if (target === undefined) return null;
    const short = this.streams
      .filter((stream) => this.counts[stream] < target)
      .map((stream) => `${stream} has ${this.counts[stream]} of ${target} messages`);
    return short.length === 0 ? null : short.join(", ");
  }

  /** Marks a stream finished; a link whose streams are all finished closes its connection. */
  private markDone(stream: string): void {
    this.done.add(stream);
    if (this.done.size === this.streams.length) return;
    for (const link of this.links) if (link.streams.has(stream) && link.finished) void link.stop();
  }

  private tick(): void {
    if (this.ending) return;
    const now = nowMs();
    for (const link of this.links) if (!link.finished) link.tick(now);
    if (this.ending) return;
    this.recorder.maybeRotate();
    const idleMs = this.settings.idleTimeoutMs;
    if (idleMs !== null) {
      for (const stream of this.streams) {
        const last = this.lastAt.get(stream);
        if (this.done.has(stream) || last === undefined || now - last <= idleMs) continue;
        this.event("silent", {
          stream,
          detail: `No message for ${idleMs} ms after ${this.counts[stream]} messages; the source is taken to have ended for this stream.`,
        });
        this.markDone(stream);
      }
      if (this.done.size === this.streams.length) return this.finish("idle", "every stream finished or its source ended");
    }
    this.reportProgress(false);
  }

  private progress(final: boolean): CaptureProgress {
    const now = nowMs();
    this.rateSamples.push({ at: now, total: this.total });
    while (this.rateSamples.length > 2 && now - this.rateSamples[0].at > 5000) this.rateSamples.shift();
    const first = this.rateSamples[0];
    const seconds = (now - first.at) / 1000;
    const sum = (pick: (link: StreamLink) => number) => this.links.reduce((total, link) => total + pick(link), 0);
    return {
      counts: { ...this.counts },
      total: this.total,
      target: this.options.count ?? null,
      elapsedMs: now - this.startedAt,
      ratePerSecond: seconds > 0 ? (this.total - first.total) / seconds : 0,
      doneStreams: [...this.done],
      connections: this.links.filter((link) => !link.finished).length,
      reconnects: sum((link) => link.reconnects),
      stalls: sum((link) => link.stalls),
      handovers: sum((link) => link.handovers),
      gaps: this.recorder.gapCount + this.connectionGaps,
      malformedFrames: this.malformed,
      journalFile: this.recorder.journalFile,
      fileBytes: this.recorder.fileBytes,
      totalBytes: this.recorder.totalBytes,
      files: [...this.recorder.files],
      final,
    };
  }

  private reportProgress(final: boolean): void {
    const { onProgress } = this.options;
    if (!onProgress) return;
    const now = nowMs();
    if (!final && now - this.lastProgressAt < (this.options.progressIntervalMs ?? 250)) return;
    this.lastProgressAt = now;
    this.recorder.flush();
    onProgress(this.progress(final));
  }

  private summarizeDropped(): void {
    for (const [stream, n] of this.discarded) {
      this.event("stopped", {
        stream,
        detail: `${n} message(s) of ${stream} arrived after the capture had what it asked for and were not kept.`,
      });
    }
    for (const [stream, n] of this.unexpected) {
      this.event("malformed-frame", { stream, detail: `${n} message(s) of ${stream}, a stream that was not requested, were not kept.` });
    }
  }

  private async end(ended: CaptureEnd | "failed", reason: string | null, error: Error | null): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    this.durationTimer?.cancel();
    if (this.tickTimer) clearInterval(this.tickTimer);
    const closing = Promise.all(this.links.map((link) => link.stop()));
    if (error === null) await Promise.race([this.depthResync.idle(), new Promise((r) => setTimeout(r, 2000))]);
    this.depthResync.close();
    this.summarizeDropped();
    const missing = this.missing();
    const detail = error ? `Failed: ${error.message}` : `Finished: ${reason}.${missing ? ` Missing: ${missing}.` : ""}`;
    this.event("stopped", { detail });
    this.reportProgress(true);
    this.finished = true;
    await closing;
    if (error && this.recorder.discardIfEmpty()) {
      this.settle.reject(error); // nothing was received: no empty sample left behind
      return;
    }
    const { files, metas } = await this.recorder.finish(error === null);
    const file = files[files.length - 1];
    if (error) {
      if (error instanceof ConnectionError) error.sampleFile = file;
      this.settle.reject(error);
      return;
    }
    const result: CaptureResult = {
      file,
      files,
      meta: metas[metas.length - 1],
      ended: ended as CaptureEnd,
      missing,
      recovered: this.recovered,
    };
    if (this.options.keepMessages) {
      const sample = loadSample(file);
      this.settle.resolve({ ...result, sample, messages: sample.messages } as CaptureResultWithMessages);
      return;
    }
    this.settle.resolve(result);
  }

  private finish(ended: CaptureEnd, reason: string): void {
    this.end(ended, reason, null).catch((error: Error) => this.settle.reject(error));
  }
}
