/**
 * Liveness of one connection: how long it may stay silent given what its streams are expected
 * to send (lib/binance/stream-rates.ts, refined by what each stream has actually sent), and our
 * own pings with a pong deadline. A connection whose busy streams fall silent (data stopped,
 * pongs go on) is stalled; one whose pongs stop too is half-open. Both are replaced by the link
 * (link.ts) within seconds; a quiet `forceOrder` never is.
 */
import type { ExpectedRate } from "../binance/stream-rates";

/** The watchdog's settings (capture options, with defaults). */
export interface WatchdogSettings {
  /** The shortest silence that counts as a stall, however busy the streams. */
  readonly stallTimeoutMs: number;
  /** The longest silence an active stream is allowed before it counts as a stall. */
  readonly maxStallTimeoutMs: number;
  /** How often to ping. */
  readonly pingIntervalMs: number;
  /** How long a pong may take. */
  readonly pongTimeoutMs: number;
}

/** A silence counts as a stall after this many typical intervals of the busiest stream. */
const INTERVALS_PER_STALL = 20;
/** A fixed-rate stream is stalled after this many intervals, plus one second. */
const FIXED_INTERVALS_PER_STALL = 2.5;
/** Weight of each new interval in a stream's average. */
const AVERAGE_WEIGHT = 0.05;
/** Intervals measured before the measured average replaces the expected one. */
const MEASURED_AFTER = 20;

/**
 * One stream's rate: expected (from its family), then measured. Kept per stream across the
 * connections of a link, so a replacement knows how busy the stream was.
 */
export class StreamRate {
  private lastAt: number | null = null;
  private averageMs: number | null = null;
  private samples = 0;
  /** Whether the stream has sent anything on any connection. */
  heard = false;

  constructor(readonly expected: ExpectedRate) {}

  /** Counts one message received at `at`. */
  observe(at: number, settings: WatchdogSettings): void {
    this.heard = true;
    if (this.lastAt !== null) {
      const interval = Math.min(Math.max(0, at - this.lastAt), settings.maxStallTimeoutMs);
      this.averageMs = this.averageMs === null ? interval : this.averageMs + AVERAGE_WEIGHT * (interval - this.averageMs);
      this.samples++;
    }
    this.lastAt = at;
  }

  /** How long this stream may be silent before its connection counts as stalled (Infinity: never, by data alone). */
  silenceAllowedMs(settings: WatchdogSettings): number {
    const { pattern, intervalMs, busyIntervalMs } = this.expected;
    if (pattern === "sparse" || !this.heard) return Infinity;
    if (pattern === "fixed") return Math.max(settings.stallTimeoutMs, FIXED_INTERVALS_PER_STALL * (intervalMs ?? 1000) + 1000);
    const typical = this.samples >= MEASURED_AFTER && this.averageMs !== null ? this.averageMs : (busyIntervalMs ?? intervalMs ?? 250);
    return Math.min(settings.maxStallTimeoutMs, Math.max(settings.stallTimeoutMs, INTERVALS_PER_STALL * typical));
  }
}

/** What the watchdog says about a connection. */
export type Liveness =
  | { readonly kind: "alive" }
  | {
      readonly kind: "stalled";
      readonly silentMs: number;
      readonly allowedMs: number;
      readonly pongs: "answered" | "unanswered" | "not asked";
    }
  | { readonly kind: "half-open"; readonly unansweredPingMs: number };

/**
 * The watchdog of one connection: its last frame, its pings and pongs, and the silence its
 * streams allow (times `slack`, which the link raises after a false alarm).
 */
export class ConnectionWatchdog {
  private lastFrameAt: number;
  private lastPingAt: number | null = null;
  private lastPongAt: number | null = null;
  /** The oldest ping not yet answered. */
  private unansweredSince: number | null = null;

  constructor(
    private readonly settings: WatchdogSettings,
    openedAt: number,
  ) {
    this.lastFrameAt = openedAt;
  }

  /** The connection opened at `at` (frames may have arrived just before). */
  restart(at: number): void {
    this.lastFrameAt = Math.max(this.lastFrameAt, at);
  }

  /** Any frame arrived. */
  frame(at: number): void {
    this.lastFrameAt = Math.max(this.lastFrameAt, at);
  }

  /** When the last frame arrived (or the connection opened). */
  get lastFrameTime(): number {
    return this.lastFrameAt;
  }

  /** Whether a ping is due at `now`. */
  pingDue(now: number): boolean {
    return this.lastPingAt === null || now - this.lastPingAt >= this.settings.pingIntervalMs;
  }

  /** A ping was sent. */
  pinged(at: number): void {
    this.lastPingAt = at;
    if (this.unansweredSince === null) this.unansweredSince = at;
  }

  /** A pong arrived. */
  pong(at: number): void {
    this.lastPongAt = at;
    this.unansweredSince = null;
  }

  /** Whether pings sent since the last frame were answered (the socket is alive, the data stopped). */
  get pongsSinceLastFrame(): "answered" | "unanswered" | "not asked" {
    if (this.lastPongAt !== null && this.lastPongAt >= this.lastFrameAt) return "answered";
    return this.lastPingAt !== null && this.lastPingAt >= this.lastFrameAt ? "unanswered" : "not asked";
  }

  /** The verdict at `now` for a connection carrying `rates` (streams still wanted). */
  check(now: number, rates: Iterable<StreamRate>, slack = 1): Liveness {
    if (this.unansweredSince !== null && now - this.unansweredSince > this.settings.pongTimeoutMs) {
      return { kind: "half-open", unansweredPingMs: now - this.unansweredSince };
    }
    let allowedMs = Infinity;
    for (const rate of rates) allowedMs = Math.min(allowedMs, rate.silenceAllowedMs(this.settings));
    allowedMs *= slack;
    const silentMs = now - this.lastFrameAt;
    if (silentMs > allowedMs) return { kind: "stalled", silentMs, allowedMs, pongs: this.pongsSinceLastFrame };
    return { kind: "alive" };
  }
}
