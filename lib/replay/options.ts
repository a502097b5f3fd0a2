/**
 * The options of `startReplayServer`, and their check: every bad value is refused with an
 * `InvalidArgumentError` that names it, before any file is read.
 */
import { InvalidArgumentError } from "../errors";

/** How fast to play: `"realtime"` (recorded pace), `"max"` (as fast as the client reads), or a multiplier of the recorded pace (`2` = twice as fast). */
export type ReplaySpeed = "realtime" | "max" | number;

/**
 * Faults to inject, for testing how clients cope. Every connection gets the same faults.
 * @example inject: { transformFrame: (stream, text, i) => (i === 3 ? null : text), closeAfterFrames: 100 }
 */
export interface ReplayFaults {
  /**
   * Called for every data frame just before it is sent, with the frame's stream, its exact text
   * (combined or bare, as the connection would get it) and its position in that stream's
   * recording. Return the text to send (e.g. corrupted), or `null` to drop the frame. A throw
   * closes the connection with 1011. A dropped depth frame still counts in the REST book.
   */
  readonly transformFrame?: (stream: string, text: string, index: number) => string | null;
  /**
   * Frames lost on the way: by stream, the positions in that stream's recording not to send. The
   * REST book (`GET /fapi/v1/depth`) still includes a lost depth diff, as Binance's would.
   * @example dropFrames: { "btcusdt@depth@0ms": [300] }
   */
  readonly dropFrames?: Readonly<Record<string, readonly number[]>>;
  /** End each connection right after it has sent this many data frames (dropped frames don't count). */
  readonly closeAfterFrames?: number;
  /**
   * How `closeAfterFrames` ends a connection: `"close"` (default) sends a close frame with code
   * 1001; `"terminate"` drops the TCP connection without one, like a network failure (the client
   * sees 1006).
   */
  readonly closeMode?: "close" | "terminate";
}

/** Options of `startReplayServer`. */
export interface ReplayOptions {
  /** Recordings to play, loaded with `loadSample` (.json samples, seed JSON arrays, .jsonl, .jsonl.gz). A stream's messages come from the first file that has it. */
  readonly files: readonly string[];
  /** Port to listen on; default 0 (a free one, see `ReplayServer.port`). */
  readonly port?: number;
  /** Interface to listen on; default `"127.0.0.1"`. */
  readonly host?: string;
  /** Default `"max"`. */
  readonly speed?: ReplaySpeed;
  /**
   * The retired paths `/ws/<stream>` and `/stream?streams=` without a route: `"serve"` (default)
   * plays every stream there; `"silent"` behaves like Binance since 2026 (connects, acknowledges
   * SUBSCRIBE, sends nothing).
   */
  readonly legacyPaths?: "serve" | "silent";
  /** Faults to inject; none by default. */
  readonly inject?: ReplayFaults;
}

/** Checked `ReplayOptions` with their defaults filled in. */
export interface ReplaySettings {
  readonly files: readonly string[];
  readonly port: number;
  readonly host: string;
  /** The speed as a multiplier of the recorded pace; `null` for "max". */
  readonly paceMultiplier: number | null;
  readonly serveLegacyPaths: boolean;
  readonly faults: ReplayFaults;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks `startReplayServer`'s options and fills in defaults; throws an `InvalidArgumentError` naming the first bad value. */
export function checkReplayOptions(options: ReplayOptions): ReplaySettings {
  if (!isRecord(options)) throw new InvalidArgumentError("INVALID_REPLAY_OPTIONS", `Invalid replay options ${String(options)}: expected an object such as { files: ["data/bundled/btcusdt-trade.json"] }.`);
  const { files, port = 0, host = "127.0.0.1", speed = "max", legacyPaths = "serve", inject = {} } = options;
  if (!Array.isArray(files) || files.length === 0 || !files.every((file) => typeof file === "string" && file !== "")) {
    throw new InvalidArgumentError("NO_FILES", `Invalid files ${JSON.stringify(files)}: expected a non-empty list of recording paths such as ["data/bundled/btcusdt-trade.json"].`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError("INVALID_PORT", `Invalid port ${JSON.stringify(port)}: expected an integer from 0 (any free port) to 65535.`);
  if (typeof host !== "string" || host === "") throw new InvalidArgumentError("INVALID_HOST", `Invalid host ${JSON.stringify(host)}: expected an address such as "127.0.0.1".`);
  let paceMultiplier: number | null;
  if (speed === "max") paceMultiplier = null;
  else if (speed === "realtime") paceMultiplier = 1;
  else if (typeof speed === "number" && Number.isFinite(speed) && speed > 0) paceMultiplier = speed;
  else throw new InvalidArgumentError("INVALID_SPEED", `Invalid speed ${JSON.stringify(speed)}: expected "realtime", "max" or a positive multiplier such as 2.`);
  if (legacyPaths !== "serve" && legacyPaths !== "silent") {
    throw new InvalidArgumentError("INVALID_LEGACY_PATHS", `Invalid legacyPaths ${JSON.stringify(legacyPaths)}: expected "serve" or "silent".`);
  }
  if (!isRecord(inject as unknown)) throw new InvalidArgumentError("INVALID_FAULTS", `Invalid inject ${JSON.stringify(inject)}: expected an object of faults.`);
  if (inject.transformFrame !== undefined && typeof inject.transformFrame !== "function") {
    throw new InvalidArgumentError("INVALID_FAULTS", `Invalid inject.transformFrame ${String(inject.transformFrame)}: expected a function (stream, text, index) => string | null.`);
  }
  if (inject.dropFrames !== undefined) {
    const lists = isRecord(inject.dropFrames as unknown) ? Object.values(inject.dropFrames) : null;
    if (!lists || !lists.every((list) => Array.isArray(list) && list.every((index) => Number.isInteger(index) && index >= 0))) {
      throw new InvalidArgumentError("INVALID_FAULTS", `Invalid inject.dropFrames ${JSON.stringify(inject.dropFrames)}: expected { "<stream>": [<frame positions>] }, such as { "btcusdt@depth@0ms": [300] }.`);
    }
  }
  const closeAfter = inject.closeAfterFrames;
  if (closeAfter !== undefined && (!Number.isInteger(closeAfter) || closeAfter < 1)) {
    throw new InvalidArgumentError("INVALID_FAULTS", `Invalid inject.closeAfterFrames ${JSON.stringify(closeAfter)}: expected a whole number of frames, at least 1.`);
  }
  if (inject.closeMode !== undefined && inject.closeMode !== "close" && inject.closeMode !== "terminate") {
    throw new InvalidArgumentError("INVALID_FAULTS", `Invalid inject.closeMode ${JSON.stringify(inject.closeMode)}: expected "close" or "terminate".`);
  }
  return { files, port, host, paceMultiplier, serveLegacyPaths: legacyPaths === "serve", faults: inject };
}
