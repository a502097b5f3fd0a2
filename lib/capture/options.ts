/**
 * What a capture is asked for: `CaptureOptions`, and their checks, which run before anything is
 * opened or written, so a bad option fails at once with an `InvalidArgumentError`.
 */
import { InvalidArgumentError } from "../errors";
import { buildStreamNames, parseStreamName } from "../binance/endpoints";
import type { SampleSource } from "../store/sample-format";

/** What `capture` reports while it runs. */
export interface CaptureProgress {
  /** Messages stored so far, per stream. */
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
  readonly elapsedMs: number;
  /** Streams that have all they need (count reached, or gone idle). */
  readonly doneStreams: readonly string[];
  /** The journal being written. */
  readonly journalFile: string;
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
  /** Stop after this long. At least one of `count` and `durationMs` is needed. */
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
  /** A stream that sends nothing this long after connecting is an error (wrong route). Default 10 000 ms. */
  silenceTimeoutMs?: number;
  /** A stream that sent before and then nothing for this long is considered finished. Default 30 000 ms. */
  idleTimeoutMs?: number;
  /** How long to wait for each websocket handshake. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect attempts after a dropped connection. Default 5. */
  maxReconnects?: number;
  /** Fetch a REST depth snapshot (`limit`) per depth symbol; `false` to skip. Default 1000. */
  depthSnapshotLimit?: number | false;
  /** Recorded as the sample's source kind. Default `live` for Binance hosts, else `replay`. */
  sourceKind?: SampleSource["kind"];
}

function checkPositive(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new InvalidArgumentError("INVALID_OPTION", `Invalid ${what} ${JSON.stringify(value)}: expected a positive number.`);
  }
}

/**
 * The stream names a capture asks for (`streams`, or `symbols` × `types`), without duplicates,
 * after checking its limits: a whole positive `count`, a positive `durationMs`, at least one.
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
