/**
 * Capturing: `capture(...)` opens one combined-stream connection per route (`/public`,
 * `/market`), journals every frame to disk as it arrives (raw text plus receive time, no
 * parsing), watches for silent streams, reconnects after drops, fetches REST depth snapshots
 * for depth streams (the first, and a fresh one after every gap: depth-resync.ts), and ends in a
 * sample file written with one atomic rename.
 */
import * as fs from "fs";
import * as path from "path";
import { ConnectionError, InvalidArgumentError, excerpt } from "../errors";
import {
  type Route,
  combinedStreamUrl,
  groupStreamsByRoute,
  isBinanceHost,
  isDiffDepthStream,
  parseStreamName,
  resolveEndpoints,
} from "../binance/endpoints";
import { BOOK_SNAPSHOT_LIMIT } from "../binance/book-sync";
import { controlErrorOf } from "../binance/control";
import { StreamConnection, nowMs } from "./connection";
import { DepthResync } from "./depth-resync";
import { resolveCaptureStreams, type CaptureOptions } from "./options";
import { finishJournal } from "../store/finish";
import { JOURNAL_SUFFIX, JournalWriter, peekStreamName } from "../store/journal";
import { loadSample } from "../store/read";
import { LIBRARY, type CaptureEvent, type Sample, type StoredMessage } from "../store/sample-format";
import { DEFAULT_CAPTURE_DIR, sampleFileName, unusedSampleName } from "../store/write";

/** What `capture` resolves with. */
export interface CaptureResult {
  /** The sample file written. */
  readonly file: string;
  /** The sample as stored, messages in arrival order. */
  readonly sample: Sample;
  readonly messages: readonly StoredMessage[];
}

/**
 * Captures messages from Binance (or any server speaking its protocol) into a sample file.
 * Resolves when every stream has `count` messages, `durationMs` has passed, or `signal` aborts.
 * Rejects with a `ConnectionError` for refused connections, server errors and silent streams;
 * everything received before a failure is still saved, in `error.sampleFile`.
 * @example const { sample } = await capture({ symbols: ["BTCUSDT"], types: ["trade", "depth"], count: 100 });
 */
export function capture(options: CaptureOptions): Promise<CaptureResult> {
  const streams = resolveCaptureStreams(options);
  const endpoints = resolveEndpoints({ wsBaseUrl: options.wsBaseUrl, restBaseUrl: options.restBaseUrl });
  const session = new CaptureSession(streams, endpoints.wsBaseUrl, endpoints.restBaseUrl, options);
  return session.run();
}

class CaptureSession {
  private readonly counts: Record<string, number> = {};
  private readonly lastAt = new Map<string, number>();
  private readonly done = new Set<string>();
  private readonly discarded = new Map<string, number>();
  private readonly unexpected = new Map<string, number>();
  private readonly connections = new Map<Route, StreamConnection>();
  private readonly openedAt = new Map<Route, number>();
  private readonly reconnects = new Map<Route, number>();
  private readonly depthResync: DepthResync;
  private readonly groups: Map<Route, string[]>;
  private readonly startedAt = nowMs();
  private readonly journal: JournalWriter;
  private total = 0;
  private finished = false;
  /** Set when the capture starts ending: later frames are counted, not kept. */
  private ending = false;
  private timers: NodeJS.Timeout[] = [];
  private lastProgressAt = 0;
  private settle!: { resolve(result: CaptureResult): void; reject(error: Error): void };

  constructor(
    private readonly streams: string[],
    private readonly wsBaseUrl: string,
    restBaseUrl: string,
    private readonly options: CaptureOptions,
  ) {
    this.groups = groupStreamsByRoute(streams);
    for (const stream of streams) this.counts[stream] = 0;
    const symbols = [...new Set(streams.flatMap((stream) => parseStreamName(stream).symbol ?? []))];
    const outDir = options.outDir ?? DEFAULT_CAPTURE_DIR;
    const name = options.name ?? unusedSampleName(outDir, sampleFileName(symbols, streams, new Date()));
    if (name !== path.basename(name) || name.startsWith(".") || name.length === 0) {
      throw new InvalidArgumentError("UNSAFE_FILE_NAME", `Unsafe sample name ${JSON.stringify(name)}: expected a plain file name.`);
    }
    for (const existing of [`${name}.json`, `${name}${JOURNAL_SUFFIX}`]) {
      if (fs.existsSync(path.join(outDir, existing))) {
        throw new InvalidArgumentError("SAMPLE_EXISTS", `Sample ${path.join(outDir, existing)} already exists: choose another name; captured data is never overwritten.`);
      }
    }
    const isBinance = isBinanceHost(new URL(wsBaseUrl).hostname);
    const limit = options.depthSnapshotLimit === undefined ? BOOK_SNAPSHOT_LIMIT : options.depthSnapshotLimit;
    this.depthResync = new DepthResync({
      restBaseUrl,
      limit,
      now: nowMs,
      store: (snapshot) => {
        if (!this.finished) this.journal.appendSnapshot(snapshot);
      },
      report: (kind, { localTimestamp, ...fields }) => this.event(kind, fields, localTimestamp),
    });
    this.journal = JournalWriter.create(outDir, name, {
      library: LIBRARY,
      source: { kind: options.sourceKind ?? (isBinance ? "live" : "replay"), wsBaseUrl, restBaseUrl },
      symbols,
      streams,
      startedAt: new Date().toISOString(),
    });
  }

  run(): Promise<CaptureResult> {
    return new Promise<CaptureResult>((resolve, reject) => {
      this.settle = { resolve, reject };
      const { signal } = this.options;
      if (signal) {
        if (signal.aborted) return void this.finish("stopped by the caller before it began");
        signal.addEventListener("abort", () => this.finish("stopped by the caller"), { once: true });
      }
      if (this.options.durationMs !== undefined) {
        this.timers.push(setTimeout(() => this.finish(`duration of ${this.options.durationMs} ms reached`), this.options.durationMs));
      }
      this.timers.push(setInterval(() => this.checkSilence(), 250));
      for (const route of this.groups.keys()) void this.connect(route);
    });
  }

  private event(kind: CaptureEvent["kind"], fields: Omit<CaptureEvent, "kind" | "localTimestamp"> = {}, localTimestamp = nowMs()): void {
    if (this.finished) return;
    this.journal.appendEvent({ localTimestamp, kind, ...fields });
  }

  private async connect(route: Route): Promise<void> {
    const pending = (this.groups.get(route) ?? []).filter((stream) => !this.done.has(stream));
    if (pending.length === 0 || this.finished) return;
    const url = combinedStreamUrl(this.wsBaseUrl, route, pending);
    try {
      const connection = await StreamConnection.open(
        url,
        {
          onFrame: (text, localTimestamp) => this.receive(text, localTimestamp, url),
          onUnexpectedClose: (code, reason) => this.handleClose(route, url, code, reason),
          onError: (error) => this.event("error", { url, detail: error.message }),
        },
        { connectTimeoutMs: this.options.connectTimeoutMs },
      );
      if (this.finished) {
        await connection.close();
        return;
      }
      this.connections.set(route, connection);
      this.openedAt.set(route, nowMs());
      this.event("open", { url });
    } catch (error) {
      const attempts = this.reconnects.get(route) ?? 0;
      if (attempts > 0 && attempts < (this.options.maxReconnects ?? 5)) {
        this.event("error", { url, detail: (error as Error).message });
        this.scheduleReconnect(route);
      } else {
        this.fail(error as Error);
      }
    }
  }

  private handleClose(route: Route, url: string, code: number, reason: string): void {
    this.connections.delete(route);
    if (this.finished) return;
    this.event("close", { url, detail: `Connection closed by the server (code ${code}${reason ? `, "${reason}"` : ""}); messages sent meanwhile are lost and show as gaps.` });
    // A connection that lived a while (e.g. Binance's 24-hour close) starts a fresh count of attempts.
    if (nowMs() - (this.openedAt.get(route) ?? 0) > 60_000) this.reconnects.set(route, 0);
    const attempts = this.reconnects.get(route) ?? 0;
    if (attempts >= (this.options.maxReconnects ?? 5)) {
      this.fail(new ConnectionError("CONNECTION_LOST", `Connection to ${url} closed (code ${code}) and ${attempts} reconnects did not bring it back.`, url));
      return;
    }
    this.scheduleReconnect(route);
  }

  private scheduleReconnect(route: Route): void {
    const attempts = (this.reconnects.get(route) ?? 0) + 1;
    this.reconnects.set(route, attempts);
    const delayMs = Math.min(250 * 2 ** (attempts - 1), 5000);
    this.timers.push(
      setTimeout(() => {
        this.event("reconnect", { detail: `Reconnect attempt ${attempts} to /${route}.` });
        void this.connect(route);
      }, delayMs),
    );
  }

  private receive(text: string, localTimestamp: number, url: string): void {
    if (this.finished) return;
    const stream = peekStreamName(text);
    if (this.ending && stream !== null) {
      this.discarded.set(stream, (this.discarded.get(stream) ?? 0) + 1);
      return;
    }
    if (stream === null) return this.receiveOther(text, url);
    const count = this.counts[stream];
    if (count === undefined) {
      this.unexpected.set(stream, (this.unexpected.get(stream) ?? 0) + 1);
      return;
    }
    if (this.done.has(stream)) {
      this.discarded.set(stream, (this.discarded.get(stream) ?? 0) + 1);
      return;
    }
    this.journal.appendFrame(text, localTimestamp);
    this.counts[stream] = count + 1;
    this.total++;
    this.lastAt.set(stream, localTimestamp);
    if (isDiffDepthStream(stream)) this.depthResync.onFrame(stream, text, localTimestamp);
    if (this.options.count !== undefined && count + 1 >= this.options.count) {
      this.markDone(stream);
      if (this.done.size === this.streams.length) return this.finish(`${this.options.count} messages per stream received`);
    }
    this.reportProgress(false);
  }

  /** A frame that is not a combined-stream message: a server error, an unmatched reply, or garbage. */
  private receiveOther(text: string, url: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.event("malformed-frame", { url, detail: `Not JSON: ${excerpt(text)}` });
      return;
    }
    const serverError = controlErrorOf(value);
    if (serverError) {
      this.event("server-error", { url, detail: excerpt(text) });
      this.fail(new ConnectionError("SERVER_ERROR", `The server at ${url} sent error ${String(serverError.code)}: ${String(serverError.msg)}.`, url));
      return;
    }
    if (value !== null && typeof value === "object" && "id" in value && "result" in value) return; // a reply nobody waits for
    this.event("malformed-frame", { url, detail: `Not a combined-stream message: ${excerpt(text)}` });
  }

  /** Marks a stream finished; a route whose streams are all finished has its connection closed. */
  private markDone(stream: string): void {
    this.done.add(stream);
    const route = parseStreamName(stream).family.route;
    const connection = this.connections.get(route);
    if (connection && (this.groups.get(route) ?? []).every((s) => this.done.has(s)) && this.done.size < this.streams.length) {
      this.connections.delete(route);
      void connection.close();
    }
  }

  private checkSilence(): void {
    const now = nowMs();
    const silenceMs = this.options.silenceTimeoutMs ?? 10_000;
    const idleMs = this.options.idleTimeoutMs ?? 30_000;
    for (const [route, group] of this.groups) {
      const openedAt = this.openedAt.get(route);
      if (openedAt === undefined || !this.connections.has(route)) continue;
      for (const stream of group) {
        if (this.done.has(stream)) continue;
        const last = this.lastAt.get(stream);
        if (last === undefined) {
          if (now - openedAt > silenceMs && !parseStreamName(stream).family.mayBeSilent) {
            const url = this.connections.get(route)?.url ?? "";
            this.event("silent", { url, stream });
            this.fail(
              new ConnectionError(
                "SILENT_STREAM",
                `Stream "${stream}" sent nothing within ${silenceMs} ms on ${url}: the server accepted the connection but sends no data, ` +
                  `which is how Binance answers a stream on the wrong route (/public vs /market) or a retired path.`,
                url,
              ),
            );
            return;
          }
        } else if (now - last > idleMs) {
          this.event("silent", { stream, detail: `No message for ${idleMs} ms after ${this.counts[stream]} messages; stopped waiting for this stream.` });
          this.markDone(stream);
        }
      }
    }
    if (this.done.size === this.streams.length) this.finish("every stream finished or went idle");
    else this.reportProgress(false);
  }

  private reportProgress(final: boolean): void {
    const { onProgress } = this.options;
    if (!onProgress) return;
    const now = nowMs();
    if (!final && now - this.lastProgressAt < (this.options.progressIntervalMs ?? 250)) return;
    this.lastProgressAt = now;
    this.journal.flush();
    onProgress({ counts: { ...this.counts }, total: this.total, elapsedMs: now - this.startedAt, doneStreams: [...this.done], journalFile: this.journal.file });
  }

  private summarizeDropped(): void {
    for (const [stream, n] of this.discarded) {
      this.event("stopped", { stream, detail: `${n} message(s) of ${stream} arrived after the capture had what it asked for and were not kept.` });
    }
    for (const [stream, n] of this.unexpected) {
      this.event("malformed-frame", { stream, detail: `${n} message(s) of ${stream}, a stream that was not requested, were not kept.` });
    }
  }

  private async end(reason: string, error: Error | null): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    if (error === null) await Promise.race([this.depthResync.idle(), new Promise((r) => setTimeout(r, 2000))]);
    this.depthResync.close();
    this.summarizeDropped();
    this.event("stopped", { detail: error ? `Failed: ${error.message}` : `Finished: ${reason}.` });
    this.finished = true;
    this.reportProgress(true);
    await Promise.all([...this.connections.values()].map((connection) => connection.close()));
    this.journal.close();
    if (error && this.total === 0) {
      fs.unlinkSync(this.journal.file); // nothing was received: no empty sample left behind
      this.settle.reject(error);
      return;
    }
    const file = finishJournal(this.journal.file, { complete: error === null });
    if (error) {
      if (error instanceof ConnectionError) error.sampleFile = file;
      this.settle.reject(error);
      return;
    }
    const sample = loadSample(file);
    this.settle.resolve({ file, sample, messages: sample.messages });
  }

  private finish(reason: string): void {
    this.end(reason, null).catch((error: Error) => this.settle.reject(error));
  }

  private fail(error: Error): void {
    this.end("failed", error).catch((inner: Error) => this.settle.reject(inner));
  }
}
