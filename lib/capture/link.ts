/**
 * One logical connection of a capture (a route and a chunk of streams, plan.ts): the websocket
 * it currently reads, its watchdog, and its replacement. Whatever ends a connection (a close or
 * drop by the server, a stall or half-open socket noticed by the watchdog, the 24-hour limit
 * coming), the link opens a new one; when it can, it overlaps the two: the new connection
 * subscribes and buffers, the old one is closed only once the new one delivers what the old one
 * did, and copies are dropped by id (`continuity.ts`). A handover loses nothing and is recorded
 * as an event; a replacement without overlap records what it lost as a `gap` event.
 * Reconnects back off exponentially with jitter and honour `Retry-After`; SUBSCRIBE requests are
 * paced under Binance's 10 incoming messages per second.
 */
import { ConnectionError } from "../errors";
import { parseStreamName } from "../binance/endpoints";
import type { CaptureEvent, CaptureEventKind } from "../store/sample-format";
import { Backoff, shouldRetryConnect } from "./backoff";
import { StreamConnection, nowMs } from "./connection";
import { StreamContinuity } from "./continuity";
import { classifyFrame, frameKeyOf, type FrameKey, type ReceivedFrame } from "./frames";
import type { CaptureSettings } from "./options";
import type { LinkPlan } from "./plan";
import { ConnectionWatchdog, type Liveness } from "./watchdog";

/** What a link needs from its capture. */
export interface LinkHost {
  readonly settings: CaptureSettings;
  /** Whether the capture stores messages of `stream` (false once it has its count). */
  wants(stream: string): boolean;
  /** Stores a message exactly as received (`frame`: its bytes). */
  store(stream: string, frame: Buffer, data: unknown, localTimestamp: number): void;
  /** A message the capture does not keep: of a stream it has enough of, or one it never asked for. */
  discard(stream: string): void;
  /** Records an event. */
  event(kind: CaptureEventKind, fields?: Omit<CaptureEvent, "kind" | "localTimestamp">): void;
  /** A server error frame: the capture decides whether it ends the capture. */
  serverError(url: string, frame: Extract<ReceivedFrame, { kind: "server-error" }>, text: string): void;
  /** Ends the capture with an error (what was stored is kept). */
  fail(error: Error): void;
  /** The link gave up: every reconnect failed. */
  gaveUp(link: StreamLink, error: Error): void;
  /** Whether any connection of the capture has opened yet (so network failures are worth retrying). */
  everConnected: boolean;
}

/** Why a replacement connection is being prepared. */
type ReplacementReason = "handover" | "stall";

interface Conn {
  readonly seq: number;
  readonly url: string;
  connection: StreamConnection | null;
  watchdog: ConnectionWatchdog;
  openedAt: number;
  /** Messages it delivered (stored or buffered). */
  delivered: number;
  /** Streams it is subscribed to (from the URL, then SUBSCRIBE replies). */
  subscribed: Set<string>;
  retired: boolean;
}

interface BufferedFrame {
  readonly stream: StreamContinuity;
  readonly frame: Buffer;
  readonly data: unknown;
  readonly at: number;
  readonly key: FrameKey;
}

/**
 * The frame readers, called for every frame: local copies, because an imported binding compiles
 * (through tsx) to a getter call on every use.
 */
const classify = classifyFrame;
const keyOf = frameKeyOf;

/** The most frames a replacement buffers before it takes over regardless. */
const MAX_BUFFERED_FRAMES = 200_000;

/** One (route, chunk) connection of a capture, kept alive and replaced as needed. */
export class StreamLink {
  readonly streams = new Map<string, StreamContinuity>();
  private primary: Conn | null = null;
  private candidate: Conn | null = null;
  private candidateReason: ReplacementReason | null = null;
  private candidateStartedAt = 0;
  private buffer: BufferedFrame[] = [];
  /** The primary is considered dead (stalled, half-open or closed): switch on the first frame of the replacement. */
  private primaryDead = false;
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | null = null;
  private nextSeq = 1;
  private firstOpenedAt: number | null = null;
  /** Multiplies the allowed silence after a false alarm (the streams were only quiet); halves back every minute of steady data. */
  private slack = 1;
  private slackChangedAt = 0;
  private stopped = false;
  /** Counters for the progress line. */
  reconnects = 0;
  handovers = 0;
  stalls = 0;
  duplicates = 0;

  constructor(
    readonly plan: LinkPlan,
    private readonly host: LinkHost,
  ) {
    for (const stream of plan.streams) this.streams.set(stream, new StreamContinuity(stream));
    this.backoff = new Backoff({ baseMs: host.settings.reconnectBaseMs, maxMs: host.settings.reconnectMaxMs });
  }

  /** Opens the first connection. */
  start(): void {
    void this.open("primary");
  }

  /** Whether every stream of the link has all it needs. */
  get finished(): boolean {
    return [...this.streams.keys()].every((stream) => !this.host.wants(stream));
  }

  private get wantedRates() {
    return [...this.streams.values()].filter((stream) => this.host.wants(stream.name)).map((stream) => stream.rate);
  }

  // -------------------------------------------------------------------------------------------
  // Opening connections

  private async open(role: "primary" | "candidate"): Promise<void> {
    if (this.stopped) return;
    const seq = this.nextSeq++;
    const url = this.plan.url;
    const conn: Conn = {
      seq,
      url,
      connection: null,
      watchdog: new ConnectionWatchdog(this.host.settings, nowMs()),
      openedAt: nowMs(),
      delivered: 0,
      subscribed: new Set(this.urlStreams()),
      retired: false,
    };
    if (role === "candidate") this.candidate = conn;
    else this.primary = conn;
    let connection: StreamConnection;
    try {
      connection = await StreamConnection.open(
        url,
        {
          onFrameBytes: (frame, at, isBinary) => this.receive(conn, frame, at, isBinary),
          onPong: (at) => conn.watchdog.pong(at),
          onUnexpectedClose: (code, reason) => this.closed(conn, code, reason),
          onError: (error, closeCode) => this.socketError(conn, error, closeCode),
        },
        { connectTimeoutMs: this.host.settings.connectTimeoutMs, maxPayloadBytes: this.host.settings.maxPayloadBytes },
      );
    } catch (error) {
      this.openFailed(conn, error as Error);
      return;
    }
    this.host.everConnected = true;
    this.host.event("open", {
      url,
      detail: `Connection #${seq} of /${this.plan.route}${role === "candidate" ? ` (replacement: ${this.candidateReason})` : ""}.`,
    });
    if (this.stopped || conn.retired) {
      await connection.close();
      return;
    }
    conn.connection = connection;
    conn.openedAt = nowMs();
    conn.watchdog.restart(conn.openedAt);
    this.firstOpenedAt ??= conn.openedAt;
    void this.subscribeRest(conn);
  }

  private urlStreams(): string[] {
    const query = this.plan.url.slice(this.plan.url.indexOf("?streams=") + "?streams=".length);
    return query ? query.split("/") : [];
  }

  /** Sends the SUBSCRIBE requests for the streams not in the URL, paced under Binance's incoming-message limit. */
  private async subscribeRest(conn: Conn): Promise<void> {
    const gapMs = 1000 / this.host.settings.subscribeMessagesPerSecond;
    for (const batch of this.plan.subscribeBatches) {
      if (conn.retired || this.stopped || !conn.connection) return;
      try {
        await conn.connection.request({ method: "SUBSCRIBE", params: [...batch] });
        for (const stream of batch) conn.subscribed.add(stream);
      } catch (error) {
        if (conn.retired || this.stopped) return;
        if ((error as ConnectionError).code === "SERVER_ERROR") return this.host.fail(error as Error);
        this.host.event("error", { url: conn.url, detail: `Connection #${conn.seq}: SUBSCRIBE failed: ${(error as Error).message}` });
        void conn.connection.terminate();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  }

  private openFailed(conn: Conn, error: Error): void {
    const role = conn === this.candidate ? "candidate" : "primary";
    conn.retired = true;
    if (this.stopped) return;
    if (role === "candidate") this.candidate = null;
    else this.primary = null;
    if (!shouldRetryConnect(error, this.host.everConnected)) {
      this.host.fail(error);
      return;
    }
    this.host.event("error", { url: conn.url, detail: `Connection #${conn.seq}: ${error.message}` });
    this.retry(role, (error as ConnectionError).retryAfterMs ?? null, error);
  }

  /** Schedules another attempt after a failure, or gives up after `maxReconnects`. */
  private retry(role: "primary" | "candidate", retryAfterMs: number | null, error: Error): void {
    const delayMs = this.backoff.fail(retryAfterMs);
    if (this.backoff.attempts > this.host.settings.maxReconnects) {
      this.host.gaveUp(this, error);
      return;
    }
    this.reconnects++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      this.host.event("reconnect", {
        url: this.plan.url,
        detail: `Reconnect attempt ${this.backoff.attempts} to /${this.plan.route} after ${Math.round(delayMs)} ms.`,
      });
      if (role === "candidate") this.prepareReplacement(this.candidateReason ?? "stall");
      else if (!this.primary) void this.open("primary");
    }, delayMs);
  }

  // -------------------------------------------------------------------------------------------
  // Frames

  private receive(conn: Conn, bytes: Buffer, at: number, isBinary: boolean): void {
    conn.watchdog.frame(at);
    if (conn.retired || this.stopped) return;
    const frame = classify(bytes, isBinary);
    if (frame.kind === "reply") return;
    if (frame.kind === "malformed") return this.host.event("malformed-frame", { url: conn.url, detail: frame.detail });
    if (frame.kind === "server-error") return this.host.serverError(conn.url, frame, bytes.toString("utf8"));
    const stream = this.streams.get(frame.stream);
    if (!stream || !this.host.wants(frame.stream)) return this.host.discard(frame.stream);
    stream.rate.observe(at, this.host.settings);
    if (conn.delivered++ === 0) this.backoff.succeed();
    const key = keyOf(frame.data, bytes, stream.sequence);
    if (conn === this.candidate) {
      this.buffer.push({ stream, frame: bytes, data: frame.data, at, key });
      stream.offeredByCandidate(key);
      this.maybeSwitch();
      return;
    }
    if (conn !== this.primary) return;
    if (this.primaryDead && this.candidate) this.falseAlarm();
    if (stream.isDuplicate(key)) {
      this.duplicates++;
      return;
    }
    this.deliver(stream, bytes, frame.data, at, key);
    if (this.candidate) this.maybeSwitch();
  }

  private deliver(stream: StreamContinuity, frame: Buffer, data: unknown, at: number, key: FrameKey): void {
    const loss = stream.stored(key, at, this.candidate !== null);
    if (loss) {
      const missing = loss.missing === null ? "an unknown number of messages (possibly none)" : `${loss.missing} message(s)`;
      this.host.event("gap", {
        stream: stream.name,
        loss,
        detail: `${stream.name} lost ${missing} while its connection was replaced: last ${loss.field} ${loss.lastBefore} before, ${loss.firstAfter} after.`,
      });
    }
    this.host.store(stream.name, frame, data, at);
  }

  // -------------------------------------------------------------------------------------------
  // Replacing connections

  /** Starts a replacement connection (handover before the age limit, or after a stall). */
  private prepareReplacement(reason: ReplacementReason): void {
    if (this.stopped || this.candidate) return;
    this.candidateReason = reason;
    this.candidateStartedAt = nowMs();
    this.buffer = [];
    for (const stream of this.streams.values()) stream.startReplacement();
    void this.open("candidate");
  }

  /** Switches to the replacement once it is proven to overlap the primary (or the primary is dead). */
  private maybeSwitch(): void {
    const candidate = this.candidate;
    if (!candidate || this.buffer.length === 0) return;
    if (this.primaryDead || !this.primary || this.buffer.length >= MAX_BUFFERED_FRAMES) return this.switchToCandidate();
    const wanted = [...this.streams.values()].filter((stream) => this.host.wants(stream.name));
    if (!wanted.some((stream) => stream.overlapProven)) return;
    const covered = wanted.every((stream) => stream.overlapProven || (!stream.heardSinceHandover && candidate.subscribed.has(stream.name)));
    if (covered) this.switchToCandidate();
  }

  private switchToCandidate(): void {
    const old = this.primary;
    const next = this.candidate;
    if (!next) return;
    const proven = [...this.streams.values()].filter((stream) => stream.overlapProven).length;
    const reason = this.candidateReason;
    this.primary = next;
    this.candidate = null;
    this.candidateReason = null;
    const oldDead = this.primaryDead || !old;
    this.primaryDead = false;
    // A stream silent on both connections since the replacement began, to which the new one was
    // subscribed while the old one still delivered, missed nothing: the old connection carried
    // the stream until the new one did, and neither had a message of it to carry.
    for (const stream of this.streams.values()) stream.switched(!oldDead && !stream.heardSinceHandover && next.subscribed.has(stream.name));
    const buffered = this.buffer;
    this.buffer = [];
    let dropped = 0;
    for (const frame of buffered) {
      if (!this.host.wants(frame.stream.name)) continue;
      if (frame.stream.isDuplicate(frame.key)) {
        dropped++;
        continue;
      }
      this.deliver(frame.stream, frame.frame, frame.data, frame.at, frame.key);
    }
    this.duplicates += dropped;
    if (old) this.retire(old, oldDead);
    if (reason === "handover" && !oldDead) {
      this.handovers++;
      this.host.event("handover", {
        url: next.url,
        detail: `Connection #${old?.seq} handed over to #${next.seq} after ${Math.round((nowMs() - (old?.openedAt ?? 0)) / 1000)} s: overlap proven on ${proven} stream(s), ${dropped} duplicate(s) dropped, nothing lost.`,
      });
    } else {
      this.host.event("open", {
        url: next.url,
        detail: `Connection #${next.seq} took over from #${old?.seq ?? "?"} (${dropped} duplicate(s) dropped).`,
      });
    }
  }

  /** The primary delivered again while its replacement was being prepared: it was only quiet. */
  private falseAlarm(): void {
    this.primaryDead = false;
    this.slack = Math.min(this.slack * 2, 64);
    this.slackChangedAt = nowMs();
    const candidate = this.candidate;
    if (candidate && this.candidateReason === "stall") {
      this.candidate = null;
      this.candidateReason = null;
      this.buffer = [];
      for (const stream of this.streams.values()) stream.cancelReplacement();
      this.retire(candidate, false);
      this.host.event("stall", {
        url: candidate.url,
        detail: `Connection #${this.primary?.seq} delivered again: it was only quiet; its replacement #${candidate.seq} is closed and the silence allowed is now ×${this.slack}.`,
      });
    }
  }

  private retire(conn: Conn, dead: boolean): void {
    conn.retired = true;
    const connection = conn.connection;
    if (!connection) return;
    void (dead ? connection.terminate() : connection.close());
  }

  /** A socket error (a frame too large, a protocol error, a network error): the connection is given up at once. */
  private socketError(conn: Conn, error: Error, closeCode: number): void {
    this.host.event("error", { url: conn.url, detail: `Connection #${conn.seq}: ${error.message}` });
    if (conn.retired || this.stopped) return;
    this.closed(conn, closeCode, error.message, "given up after a socket error");
    if (conn.connection) void conn.connection.terminate();
  }

  /** A connection closed without our asking. */
  private closed(conn: Conn, code: number, reason: string, how = "closed by the server"): void {
    if (conn.retired || this.stopped) return;
    conn.retired = true;
    this.host.event("close", {
      url: conn.url,
      detail: `Connection #${conn.seq} ${how} (code ${code}${reason ? `, "${reason}"` : ""}); messages sent meanwhile are lost and show as gaps.`,
    });
    const failure = new ConnectionError(
      "CONNECTION_LOST",
      `Connection to ${conn.url} closed (code ${code}${reason ? `, "${reason}"` : ""}).`,
      conn.url,
    );
    if (conn === this.candidate) {
      this.candidate = null;
      this.buffer = [];
      for (const stream of this.streams.values()) stream.cancelReplacement();
      if (conn.delivered === 0) this.retry("candidate", null, failure);
      else this.prepareReplacement(this.candidateReason ?? "stall");
      return;
    }
    if (conn !== this.primary) return;
    if (this.candidate) {
      this.primaryDead = true;
      this.maybeSwitch();
      return;
    }
    this.primary = null;
    for (const stream of this.streams.values()) stream.connectionLost();
    if (conn.delivered === 0) {
      this.retry("primary", null, failure);
      return;
    }
    // It worked until now: reconnect at once (after a short jittered pause), counting from 1 again.
    this.reconnects++;
    const delayMs = this.host.settings.reconnectBaseMs * Math.random() * 0.5;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopped || this.primary) return;
      this.host.event("reconnect", { url: this.plan.url, detail: `Reconnecting to /${this.plan.route} after ${Math.round(delayMs)} ms.` });
      void this.open("primary");
    }, delayMs);
  }

  // -------------------------------------------------------------------------------------------
  // The watchdog's tick

  /** Pings, watches for stalls, silent streams and the connection's age; called every tick. */
  tick(now: number): void {
    if (this.stopped) return;
    for (const conn of [this.primary, this.candidate]) {
      if (conn?.connection?.isOpen && conn.watchdog.pingDue(now) && conn.connection.ping()) conn.watchdog.pinged(now);
    }
    this.checkSilentStreams(now);
    const primary = this.primary;
    if (
      this.slack > 1 &&
      primary &&
      now - this.slackChangedAt > 60_000 &&
      now - primary.watchdog.lastFrameTime < this.host.settings.stallTimeoutMs
    ) {
      this.slack /= 2;
      this.slackChangedAt = now;
    }
    if (primary?.connection && !this.primaryDead) {
      const verdict = primary.watchdog.check(
        now,
        this.wantedRates.filter((rate) => rate.heard),
        this.slack,
      );
      if (verdict.kind !== "alive") this.stalled(primary, verdict);
      else if (!this.candidate && now - primary.openedAt >= this.host.settings.handoverAfterMs) this.prepareReplacement("handover");
    }
    const candidate = this.candidate;
    if (candidate?.connection) {
      const verdict = candidate.watchdog.check(
        now,
        this.wantedRates.filter((rate) => rate.heard),
        this.slack,
      );
      const tooSlow = now - this.candidateStartedAt > this.host.settings.handoverTimeoutMs;
      if (verdict.kind !== "alive" || tooSlow) {
        if (tooSlow && this.buffer.length > 0) return this.switchToCandidate();
        this.candidate = null;
        this.buffer = [];
        for (const stream of this.streams.values()) stream.cancelReplacement();
        this.retire(candidate, verdict.kind === "half-open");
        const quiet =
          candidate.delivered === 0 &&
          verdict.kind !== "half-open" &&
          candidate.watchdog.pongsSinceLastFrame === "answered" &&
          this.primary?.connection?.isOpen === true &&
          this.primary.watchdog.pongsSinceLastFrame === "answered";
        if (quiet) {
          // Both connections answer pings and neither delivers: the market is quiet, nothing is broken.
          this.primaryDead = false;
          this.slack = Math.min(this.slack * 2, 64);
          this.slackChangedAt = now;
          this.primary?.watchdog.restart(now);
          this.host.event("stall", {
            url: candidate.url,
            detail: `Replacement connection #${candidate.seq} is as silent as #${this.primary?.seq}, and both answer pings: the streams are only quiet; keeping #${this.primary?.seq}, the silence allowed is now ×${this.slack}.`,
          });
          return;
        }
        this.host.event("stall", {
          url: candidate.url,
          detail: `Replacement connection #${candidate.seq} ${verdict.kind === "alive" ? "did not catch up in time" : describeLiveness(verdict)}; trying another.`,
        });
        this.retry(
          "candidate",
          null,
          new ConnectionError("CONNECTION_LOST", `Replacement connection to ${candidate.url} delivered nothing.`, candidate.url),
        );
      }
    }
  }

  private stalled(conn: Conn, verdict: Exclude<Liveness, { kind: "alive" }>): void {
    this.stalls++;
    this.primaryDead = true;
    this.host.event("stall", { url: conn.url, detail: `Connection #${conn.seq} ${describeLiveness(verdict)}: replacing it.` });
    if (conn.delivered === 0) this.backoff.fail();
    if (this.candidate) return;
    this.prepareReplacement("stall");
  }

  /** A stream that sends nothing at all after the first connection opened: Binance's answer to a wrong route. */
  private checkSilentStreams(now: number): void {
    if (this.firstOpenedAt === null || now - this.firstOpenedAt <= this.host.settings.silenceTimeoutMs) return;
    for (const stream of this.streams.values()) {
      if (stream.rate.heard || !this.host.wants(stream.name) || parseStreamName(stream.name).family.mayBeSilent) continue;
      const url = this.primary?.url ?? this.plan.url;
      this.host.event("silent", { url, stream: stream.name });
      this.host.fail(
        new ConnectionError(
          "SILENT_STREAM",
          `Stream "${stream.name}" sent nothing within ${this.host.settings.silenceTimeoutMs} ms on ${url}: the server accepted the connection but sends no data, ` +
            `which is how Binance answers a stream on the wrong route (/public vs /market) or a retired path.`,
          url,
        ),
      );
      return;
    }
  }

  /** Closes every connection of the link. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const conns = [this.primary, this.candidate].filter((conn): conn is Conn => conn !== null);
    this.primary = null;
    this.candidate = null;
    await Promise.all(conns.map((conn) => conn.connection?.close()));
  }
}

function describeLiveness(verdict: Exclude<Liveness, { kind: "alive" }>): string {
  if (verdict.kind === "half-open") return `answered no ping for ${Math.round(verdict.unansweredPingMs)} ms (half-open)`;
  const pongs = {
    answered: "while it still answers pings (a stall)",
    unanswered: "and answers no pings (half-open)",
    "not asked": "(not pinged since)",
  }[verdict.pongs];
  return `sent no data for ${Math.round(verdict.silentMs)} ms (its streams allow ${Math.round(verdict.allowedMs)} ms) ${pongs}`;
}
