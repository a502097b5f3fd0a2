/**
 * What a capture is asked for: `CaptureOptions`, and their checks, which run before anything is
 * opened or written, so a bad option fails at once with an `InvalidArgumentError`; then
 * `CaptureSettings`, the options with their defaults filled in.
 */
import { InvalidArgumentError } from "../errors";
import { buildStreamNames, parseStreamName } from "../binance/endpoints";
import { MAX_CONNECTION_AGE_MS, MAX_INCOMING_MESSAGES_PER_SECOND } from "../binance/limits";
import type { SampleSource } from "../store/sample-format";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "./connection";

/** What `capture` reports while it runs. */
export interface CaptureProgress {
  /** Messages stored so far, per stream. */
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
  /** The count asked for per stream, if any. */
  readonly target: number | null;
  readonly elapsedMs: number;
  /** Messages stored per second over the last few seconds. */
  readonly ratePerSecond: number;
  /** Streams that have all they need (count reached, or gone idle when `idleTimeoutMs` is set). */
  readonly doneStreams: readonly string[];
  /** Connections open now, and how often they were replaced: reconnects after failures, stalls noticed, handovers. */
  readonly connections: number;
  readonly reconnects: number;
  readonly stalls: number;
  readonly handovers: number;
  /** Sequence gaps and connection gaps recorded so far. */
  readonly gaps: number;
  /** Frames that were not messages (reported as events, never stored). */
  readonly malformedFrames: number;
  /** The journal being written, and the bytes written in this file and in all files. */
  readonly journalFile: string;
  readonly fileBytes: number;
  readonly totalBytes: number;
  /** Sample files finished so far (with `rotate`). */
  readonly files: readonly string[];
  /** Whether the capture has ended (the last report). */
  readonly final: boolean;
}

/** When a long capture starts a new sample file. */
export interface RotateOptions {
  /** Start a new file after this long. */
  readonly everyMs?: number;
  /** Start a new file once the current one holds this many bytes. */
  readonly maxBytes?: number;
}

/** Options of `capture`. */
export interface CaptureOptions {
  /** Symbols such as `["BTCUSDT"]`; combined with `types`. */
  symbols?: readonly string[];
  /** Stream types such as `["trade", "depth@100ms"]`; combined with `symbols`. */
  types?: readonly string[];
  /** Stream names such as `["btcusdt@trade"]`, instead of symbols × types. */
  streams?: readonly string[];
  /** Stop each stream after this many messages. */
  count?: number;
  /** Stop after this long (any length: long timers are chained). At least one of `count` and `durationMs` is needed. */
  durationMs?: number;
  /** Stops the capture early; what was received is kept. */
  signal?: AbortSignal;
  /** Called at most every `progressIntervalMs` and once at the end. */
  onProgress?: (progress: CaptureProgress) => void;
  progressIntervalMs?: number;
  /** Websocket base (scheme, host, port). Default `STREAMLAB_WS_URL` or Binance. */
  wsBaseUrl?: string;
  /** REST base. Default `STREAMLAB_REST_URL`, else Binance (or the websocket host for a local server). */
  restBaseUrl?: string;
  /** Folder for the journal and the sample. Default `data/captures`. */
  outDir?: string;
  /** File name without extension. Default from symbols, types and start time. */
  name?: string;
  /** Keep every message in memory and return it (`result.sample.messages`). Default false: memory stays bounded. */
  keepMessages?: boolean;
  /** A stream that sends nothing this long after the first connection opens is an error (wrong route). Default 10 000 ms. */
  silenceTimeoutMs?: number;
  /**
   * For finite sources (a replay of recordings): a stream that sent and then nothing for this
   * long is finished. Off by default: on a live connection, silence is a stall, never the end.
   */
  idleTimeoutMs?: number;
  /** The shortest silence of busy streams that counts as a stall (the watchdog allows more for quieter streams). Default 2000 ms. */
  stallTimeoutMs?: number;
  /** The longest silence any non-sparse stream is allowed. Default 120 000 ms. */
  maxStallTimeoutMs?: number;
  /** How often to ping each connection (one ping counts as one of Binance's 10 incoming messages per second). Default 1000 ms. */
  pingIntervalMs?: number;
  /** How long a pong may take before the connection counts as half-open. Default 3000 ms. */
  pongTimeoutMs?: number;
  /** How long to wait for each websocket handshake. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Consecutive failed attempts (refused handshakes, connections that delivered nothing) before the capture gives up. Default 10. */
  maxReconnects?: number;
  /** First delay of the exponential backoff between attempts. Default 500 ms. */
  reconnectBaseMs?: number;
  /** Longest delay between attempts (a server's Retry-After may ask for more). Default 30 000 ms. */
  reconnectMaxMs?: number;
  /** Open an overlapping replacement before a connection is this old (Binance closes at 24 h). Default 23 h 45 min. */
  handoverAfterMs?: number;
  /** How long a replacement may take to prove it overlaps before it takes over anyway. Default 10 000 ms. */
  handoverTimeoutMs?: number;
  /** SUBSCRIBE requests per second per connection (under Binance's 10 incoming messages/s, pings included). Default 4. */
  subscribeMessagesPerSecond?: number;
  /** Start a new sample file after a time or a size; each file is a complete sample. */
  rotate?: RotateOptions;
  /** Finish journals that an earlier capture left in `outDir` (killed, kernel restarted) before starting. Default true. */
  recoverJournals?: boolean;
  /** Fetch a REST depth snapshot (`limit`) per depth symbol; `false` to skip. Default 1000. */
  depthSnapshotLimit?: number | false;
  /** Recorded as the sample's source kind. Default `live` for Binance hosts, else `replay`. */
  sourceKind?: SampleSource["kind"];
  /** Largest frame accepted (a larger one closes the connection, which is replaced). Default 16 MiB. */
  maxPayloadBytes?: number;
  /** Streams per connection, URL length and streams per SUBSCRIBE (Binance's limits and ours; tests shrink them). */
  maxStreamsPerConnection?: number;
  maxUrlLength?: number;
  maxStreamsPerSubscribe?: number;
  /** How often the watchdog looks at each connection. Default 250 ms. */
  watchdogTickMs?: number;
}

/** Options with their defaults: what the capture's parts read. */
export interface CaptureSettings {
  readonly silenceTimeoutMs: number;
  readonly idleTimeoutMs: number | null;
  readonly stallTimeoutMs: number;
  readonly maxStallTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly maxReconnects: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly handoverAfterMs: number;
  readonly handoverTimeoutMs: number;
  readonly subscribeMessagesPerSecond: number;
  readonly maxPayloadBytes: number;
  readonly watchdogTickMs: number;
}

/** Default `handoverAfterMs`: a quarter of an hour before Binance's 24-hour limit. */
export const DEFAULT_HANDOVER_AFTER_MS = MAX_CONNECTION_AGE_MS - 15 * 60 * 1000;

function checkPositive(value: number | undefined, what: string): void {
  if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError("INVALID_OPTION", `Invalid ${what} ${JSON.stringify(value)}: expected a positive number.`);
  }
}

function checkWhole(value: number | undefined, what: string, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    throw new InvalidArgumentError("INVALID_OPTION", `Invalid ${what} ${JSON.stringify(value)}: expected a whole number, ${min} or more.`);
  }
}

/**
 * The stream names a capture asks for (`streams`, or `symbols` × `types`), without duplicates,
 * after checking its limits: a whole positive `count`, a positive finite `durationMs`, at least one.
 */
export function resolveCaptureStreams(options: CaptureOptions): string[] {
  let streams: string[];
  if (options.streams && options.streams.length > 0) {
    if (options.symbols?.length || options.types?.length) {
      throw new InvalidArgumentError("CONFLICTING_OPTIONS", "Give either streams or symbols with types, not both.");
    }
    streams = [...new Set(options.streams)];
    streams.forEach((name) => parseStreamName(name));
  } else {
    streams = buildStreamNames(options.symbols ?? [], options.types ?? []);
  }
  checkPositive(options.count, "count");
  checkPositive(options.durationMs, "durationMs");
  if (options.count === undefined && options.durationMs === undefined) {
    throw new InvalidArgumentError("MISSING_LIMIT", "A capture needs a count (messages per stream) or a durationMs, or both.");
  }
  if (options.count !== undefined && !Number.isInteger(options.count)) {
    throw new InvalidArgumentError("INVALID_OPTION", `Invalid count ${options.count}: expected a whole number.`);
  }
  return streams;
}

/** Checks the connection and file options of a capture and fills in their defaults. */
export function resolveCaptureSettings(options: CaptureOptions): CaptureSettings {
  const positive: (keyof CaptureOptions)[] = [
    "silenceTimeoutMs",
    "idleTimeoutMs",
    "stallTimeoutMs",
    "maxStallTimeoutMs",
    "pingIntervalMs",
    "pongTimeoutMs",
    "connectTimeoutMs",
    "reconnectBaseMs",
    "reconnectMaxMs",
    "handoverAfterMs",
    "handoverTimeoutMs",
    "progressIntervalMs",
    "watchdogTickMs",
  ];
  for (const key of positive) checkPositive(options[key] as number | undefined, key);
  checkWhole(options.maxReconnects, "maxReconnects", 0);
  checkWhole(options.maxPayloadBytes, "maxPayloadBytes", 1024);
  checkWhole(options.maxStreamsPerConnection, "maxStreamsPerConnection", 1);
  checkWhole(options.maxUrlLength, "maxUrlLength", 1);
  checkWhole(options.maxStreamsPerSubscribe, "maxStreamsPerSubscribe", 1);
  const perSecond = options.subscribeMessagesPerSecond;
  if (perSecond !== undefined && !(perSecond > 0 && perSecond < MAX_INCOMING_MESSAGES_PER_SECOND)) {
    throw new InvalidArgumentError(
      "INVALID_OPTION",
      `Invalid subscribeMessagesPerSecond ${JSON.stringify(perSecond)}: expected more than 0 and less than Binance's limit of ${MAX_INCOMING_MESSAGES_PER_SECOND}.`,
    );
  }
  if (options.rotate !== undefined) {
    checkPositive(options.rotate.everyMs, "rotate.everyMs");
    checkPositive(options.rotate.maxBytes, "rotate.maxBytes");
    if (options.rotate.everyMs === undefined && options.rotate.maxBytes === undefined) {
      throw new InvalidArgumentError("INVALID_OPTION", "Invalid rotate {}: give everyMs, maxBytes or both.");
    }
    if (options.keepMessages)
      throw new InvalidArgumentError("CONFLICTING_OPTIONS", "keepMessages keeps one sample in memory: it cannot be combined with rotate.");
  }
  return {
    silenceTimeoutMs: options.silenceTimeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? null,
    stallTimeoutMs: options.stallTimeoutMs ?? 2000,
    maxStallTimeoutMs: options.maxStallTimeoutMs ?? 120_000,
    pingIntervalMs: options.pingIntervalMs ?? 1000,
    pongTimeoutMs: options.pongTimeoutMs ?? 3000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    maxReconnects: options.maxReconnects ?? 10,
    reconnectBaseMs: options.reconnectBaseMs ?? 500,
    reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
    handoverAfterMs: options.handoverAfterMs ?? DEFAULT_HANDOVER_AFTER_MS,
    handoverTimeoutMs: options.handoverTimeoutMs ?? 10_000,
    subscribeMessagesPerSecond: perSecond ?? 4,
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    watchdogTickMs: options.watchdogTickMs ?? 250,
  };
}
