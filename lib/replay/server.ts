/**
 * A local Binance-compatible server that plays recordings back: websocket streams on the 2026
 * routes (`/public`, `/market`, plus the retired legacy paths), live SUBSCRIBE control, and the
 * REST depth snapshot, all on one loopback port. Point a client at it by changing only its base
 * URLs (see `resolveEndpoints` in binance/endpoints.ts).
 *
 * It fails the way Binance fails: a stream on the wrong route, or on a retired legacy path, is
 * acknowledged and then silent. Faults for tests are injected in one place, `ReplayOptions.inject`.
 * Control errors come back in the shape live Binance sends (its docs show only the inner part):
 * `{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":1}`, `id` null when unknown.
 *
 * Frames are serialized once per stream at load time; a connection only slices them.
 */
import * as http from "http";
import type { Duplex } from "stream";
import { performance } from "perf_hooks";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { InvalidArgumentError } from "../errors";
import { parseStreamName, type Route } from "../binance/endpoints";
import { loadSample } from "../store/read";
import type { StoredDepthSnapshot, StoredMessage } from "../store/sample-format";

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
   * closes the connection with 1011.
   */
  readonly transformFrame?: (stream: string, text: string, index: number) => string | null;
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

/** A running replay server. */
export interface ReplayServer {
  /** Websocket base URL, e.g. `"ws://127.0.0.1:51234"`; routes and paths are added as for Binance. */
  readonly url: string;
  /** REST base URL on the same port, e.g. `"http://127.0.0.1:51234"`. */
  readonly restUrl: string;
  /** The port listened on (the free one chosen when `port` was 0). */
  readonly port: number;
  /** Every stream the recordings hold, in first-seen order. */
  readonly streams: readonly string[];
  /** Closes every connection (code 1001) and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

/** Binance's limit of incoming messages per connection per second (pings and pongs included). */
const MAX_INCOMING_PER_SECOND = 10;
/** Binance's limit of streams per connection. */
const MAX_STREAMS_PER_CONNECTION = 1024;
/** Pause a connection's replay while this many bytes are handed to ws but not yet to the OS. */
const HIGH_WATER_BYTES = 512 * 1024;
/** ... and resume once the backlog has fallen to this. */
const LOW_WATER_BYTES = 128 * 1024;
/** Yield to other connections after this many frames in a row. */
const FRAMES_PER_TURN = 256;
/** How long `close()` waits for a client's close handshake before dropping it. */
const CLOSE_GRACE_MS = 1000;
/** Valid `limit` values of `GET /fapi/v1/depth`. */
const DEPTH_LIMITS: readonly number[] = [5, 10, 20, 50, 100, 500, 1000];
const DEFAULT_DEPTH_LIMIT = 500;
const CONTROL_METHODS = ["SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY"] as const;

// ---------------------------------------------------------------------------------------------
// Recordings

/** One stream's recording, serialized once: every combined frame back to back in one buffer. */
interface StreamRecording {
  readonly name: string;
  /** Position of the file in `ReplayOptions.files`. */
  readonly fileIndex: number;
  /** `{"stream":"<name>","data":<payload>}` frames, concatenated. */
  readonly bytes: Buffer;
  /** Byte offset of frame i is `frameStarts[i]`; `frameStarts[count]` is the end. */
  readonly frameStarts: Float64Array;
  /** Length in bytes of the `{"stream":"<name>","data":` prefix: the bare payload starts there and ends one byte before the frame's end. */
  readonly payloadOffset: number;
  /** Recorded time since the file's first message, ms, never decreasing within a file. */
  readonly offsetsMs: Float64Array;
  /** Position of each message among its file's messages, for stable ties. */
  readonly positions: Uint32Array;
  readonly count: number;
}

interface ReplayLibrary {
  readonly recordings: ReadonlyMap<string, StreamRecording>;
  /** First recorded depth snapshot per upper-case symbol. */
  readonly snapshots: ReadonlyMap<string, StoredDepthSnapshot>;
}

/** The recorded time of a message: local receive time, else Binance's event time `E`. */
function recordedTimeOf(message: StoredMessage): number | null {
  if (message.localTimestamp !== null) return message.localTimestamp;
  const data = message.data as { E?: unknown } | { E?: unknown }[];
  const first = Array.isArray(data) ? data[0] : data;
  return first !== null && typeof first === "object" && typeof first.E === "number" ? first.E : null;
}

interface RecordingBuilder {
  frames: string[];
  offsetsMs: number[];
  positions: number[];
  fileIndex: number;
}

function loadReplayLibrary(files: readonly string[]): ReplayLibrary {
  const builders = new Map<string, RecordingBuilder>();
  const snapshots = new Map<string, StoredDepthSnapshot>();
  files.forEach((file, fileIndex) => {
    const sample = loadSample(file);
    if (sample.messages.length === 0) {
      throw new InvalidArgumentError("NO_MESSAGES", `Recording ${JSON.stringify(file)} holds no stream messages: a replay needs at least one.`);
    }
    let baseMs: number | null = null;
    let lastTimeMs: number | null = null;
    let lastOffsetMs = 0;
    sample.messages.forEach((message, position) => {
      const time = recordedTimeOf(message) ?? lastTimeMs;
      if (time !== null) {
        if (baseMs === null) baseMs = time;
        lastOffsetMs = Math.max(lastOffsetMs, time - baseMs);
        lastTimeMs = time;
      }
      let builder = builders.get(message.stream);
      if (!builder) {
        builder = { frames: [], offsetsMs: [], positions: [], fileIndex };
        builders.set(message.stream, builder);
      }
      if (builder.fileIndex !== fileIndex) return; // an earlier file has this stream
      builder.frames.push(JSON.stringify({ stream: message.stream, data: message.data }));
      builder.offsetsMs.push(lastOffsetMs);
      builder.positions.push(position);
    });
    for (const snapshot of sample.snapshots) {
      const symbol = String(snapshot.symbol).toUpperCase();
      if (!snapshots.has(symbol)) snapshots.set(symbol, snapshot);
    }
  });
  const recordings = new Map<string, StreamRecording>();
  for (const [name, builder] of builders) recordings.set(name, buildRecording(name, builder));
  return { recordings, snapshots };
}

function buildRecording(name: string, builder: RecordingBuilder): StreamRecording {
  const count = builder.frames.length;
  const frameStarts = new Float64Array(count + 1);
  let total = 0;
  for (let i = 0; i < count; i++) {
    frameStarts[i] = total;
    total += Buffer.byteLength(builder.frames[i]);
  }
  frameStarts[count] = total;
  const bytes = Buffer.allocUnsafe(total);
  for (let i = 0; i < count; i++) bytes.write(builder.frames[i], frameStarts[i], "utf8");
  return {
    name,
    fileIndex: builder.fileIndex,
    bytes,
    frameStarts,
    payloadOffset: Buffer.byteLength(`{"stream":${JSON.stringify(name)},"data":`),
    offsetsMs: Float64Array.from(builder.offsetsMs),
    positions: Uint32Array.from(builder.positions),
    count,
  };
}

/**
 * The depth snapshot `GET /fapi/v1/depth` answers with: the first one recorded for the symbol.
 *
 * Roadmap: "the book at the replay's current position" belongs here — start from this snapshot
 * and apply the symbol's depth diffs replayed so far (a connection's cursor), so a client that
 * asks mid-replay gets a snapshot that lines up with the diffs it is receiving. Not built yet.
 */
function selectDepthSnapshot(library: ReplayLibrary, symbol: string): StoredDepthSnapshot | undefined {
  return library.snapshots.get(symbol.toUpperCase());
}

// ---------------------------------------------------------------------------------------------
// Routes

/**
 * The route of a stream whose family is not in `STREAM_FAMILIES` (bookTicker, markPrice@1s,
 * kline_1m, ...): book data on `/public`, everything else on `/market` (BINANCE.md, "Endpoints").
 */
function routeOfUnlistedStream(stream: string): Route {
  const at = stream.indexOf("@");
  const type = (stream.startsWith("!") ? stream.slice(1) : stream.slice(at + 1)).split("@")[0];
  return /^(depth|bookTicker|rpiDepth)/.test(type) ? "public" : "market";
}

/** Whether `stream` is served on `route`: its family's route, both for `@trade` (clients disagree, BINANCE.md). */
function isServedOnRoute(stream: string, route: Route): boolean {
  let familyRoute: Route;
  try {
    const parsed = parseStreamName(stream);
    if (parsed.type === "trade") return true;
    familyRoute = parsed.family.route;
  } catch {
    familyRoute = routeOfUnlistedStream(stream);
  }
  return familyRoute === route;
}

const STREAM_NAME_PATTERN = /^(?:[A-Za-z0-9_]+@[A-Za-z0-9_]+|![A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)*$/;

/** Whether a text has the shape of a stream name (`btcusdt@depth@100ms`, `!bookTicker`); it need not exist. */
function looksLikeStreamName(text: string): boolean {
  return STREAM_NAME_PATTERN.test(text);
}

/** What a websocket path asks for. */
interface ConnectionSpec {
  /** `null` for a legacy path without a route. */
  readonly route: Route | null;
  readonly combined: boolean;
  readonly streams: readonly string[];
}

/** Parses `/<route>/stream?streams=a/b`, `/<route>/ws/<stream>`, `/<route>/ws[/<n>]` and the legacy forms; `null` for anything else. */
function parseWebSocketPath(url: URL): ConnectionSpec | null {
  const parts = url.pathname.split("/");
  let route: Route | null = null;
  let at = 1;
  if (parts[1] === "public" || parts[1] === "market") {
    route = parts[1];
    at = 2;
  }
  if (parts[at] === "stream" && parts.length === at + 1) {
    const streams = (url.searchParams.get("streams") ?? "").split("/").filter(looksLikeStreamName);
    return { route, combined: true, streams: [...new Set(streams)] };
  }
  if (parts[at] === "ws") {
    const streams = parts.slice(at + 1).map(decodePathSegment).filter(looksLikeStreamName);
    return { route, combined: false, streams: [...new Set(streams)] };
  }
  return null;
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// ---------------------------------------------------------------------------------------------
// Connections

/** A stream's position in one subscription's replay. */
interface Cursor {
  readonly recording: StreamRecording;
  index: number;
  /** When the subscription started (performance.now ms) and the recorded offset it started from. */
  readonly startMs: number;
  readonly originMs: number;
  /** When the frame at `index` is due (performance.now ms); the merge key. */
  dueMs: number;
  cancelled: boolean;
}

function isBefore(a: Cursor, b: Cursor): boolean {
  if (a.dueMs !== b.dueMs) return a.dueMs < b.dueMs;
  if (a.recording.fileIndex !== b.recording.fileIndex) return a.recording.fileIndex < b.recording.fileIndex;
  return a.recording.positions[a.index] < b.recording.positions[b.index];
}

/** A binary min-heap of cursors by (due time, file, position in file). */
class CursorHeap {
  private readonly items: Cursor[] = [];

  peek(): Cursor | undefined {
    return this.items[0];
  }

  push(cursor: Cursor): void {
    const items = this.items;
    let i = items.push(cursor) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!isBefore(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): Cursor | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && isBefore(items[left], items[smallest])) smallest = left;
        if (right < items.length && isBefore(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}

interface ServerSettings {
  readonly library: ReplayLibrary;
  /** `null` for "max". */
  readonly paceMultiplier: number | null;
  readonly serveLegacyPaths: boolean;
  readonly faults: ReplayFaults;
}

/** A control request that could not be served: Binance's `{"error":{"code","msg"},"id"}`. */
class ControlError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

type RequestId = number | null;

function isRequestId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Binance (serde) style position of a JSON syntax error: "at line L column C". */
function describeJsonError(text: string, error: unknown): string {
  if (text.trim() === "") return "EOF while parsing a value at line 1 column 0";
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : "");
  const position = match ? Number(match[1]) : text.length;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - (before.lastIndexOf("\n") + 1) + 1;
  return `expected value at line ${line} column ${column}`;
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

/** One client connection: its subscriptions, its merge of their recordings, and its send loop. */
class ReplayConnection {
  /** Subscribed stream names in subscription order, with their cursor when served. */
  private readonly subscriptions = new Map<string, Cursor | null>();
  private readonly heap = new CursorHeap();
  private combined: boolean;
  private inFlightBytes = 0;
  private framesSent = 0;
  private readonly incomingTimes: number[] = [];
  private wakeUp: (() => void) | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Resolves when the socket has closed. */
  readonly done: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    private readonly spec: ConnectionSpec,
    private readonly settings: ServerSettings,
  ) {
    this.combined = spec.combined;
    this.done = new Promise((resolve) => ws.once("close", () => resolve()));
    ws.on("close", () => this.stop());
    ws.on("error", () => this.stop());
    ws.on("message", (data) => this.onMessage(data));
    ws.on("ping", () => this.countIncoming());
    ws.on("pong", () => this.countIncoming());
    this.subscribe(spec.streams);
    void this.pump();
  }

  /** Closes the connection as the server shuts down. */
  shutdown(code: number, reason: string): void {
    this.stop();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  terminate(): void {
    this.stop();
    this.ws.terminate();
  }

  private stop(): void {
    this.closed = true;
    this.wake();
  }

  private serves(stream: string): boolean {
    if (this.spec.route === null) return this.settings.serveLegacyPaths;
    return isServedOnRoute(stream, this.spec.route);
  }

  private subscribe(streams: readonly string[]): void {
    const now = performance.now();
    const added: StreamRecording[] = [];
    for (const stream of streams) {
      if (this.subscriptions.has(stream)) continue;
      const recording = this.serves(stream) ? this.settings.library.recordings.get(stream) : undefined;
      this.subscriptions.set(stream, null);
      if (recording) added.push(recording);
    }
    if (added.length === 0) return;
    const originMs = Math.min(...added.map((recording) => recording.offsetsMs[0]));
    for (const recording of added) {
      const cursor: Cursor = { recording, index: 0, startMs: now, originMs, dueMs: 0, cancelled: false };
      cursor.dueMs = this.dueTimeOf(cursor);
      this.subscriptions.set(recording.name, cursor);
      this.heap.push(cursor);
    }
    this.wake();
  }

  private unsubscribe(streams: readonly string[]): void {
    for (const stream of streams) {
      const cursor = this.subscriptions.get(stream);
      if (cursor) cursor.cancelled = true;
      this.subscriptions.delete(stream);
    }
  }

  private dueTimeOf(cursor: Cursor): number {
    const multiplier = this.settings.paceMultiplier ?? 1;
    return cursor.startMs + (cursor.recording.offsetsMs[cursor.index] - cursor.originMs) / multiplier;
  }

  private wake(): void {
    if (this.wakeTimer !== null) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    if (wakeUp) wakeUp();
  }

  /** Waits `ms` (or until woken: a subscription, a drained backlog, the close). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      if (Number.isFinite(ms)) this.wakeTimer = setTimeout(() => this.wake(), Math.max(1, Math.ceil(ms)));
    });
  }

  private send(data: Buffer | string): void {
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.length;
    this.inFlightBytes += bytes;
    this.ws.send(data, { binary: false }, () => {
      this.inFlightBytes -= bytes;
      if (this.inFlightBytes <= LOW_WATER_BYTES) this.wake();
    });
  }

  /** Sends frames in recorded order, paced, while the client keeps up; never buffers more than HIGH_WATER_BYTES. */
  private async pump(): Promise<void> {
    try {
      let framesThisTurn = 0;
      while (!this.closed) {
        const cursor = this.heap.peek();
        if (cursor === undefined) {
          await this.sleep(Infinity); // end of the recordings: open and silent, like a quiet market
          continue;
        }
        if (cursor.cancelled) {
          this.heap.pop();
          continue;
        }
        if (this.inFlightBytes > HIGH_WATER_BYTES) {
          await this.sleep(Infinity);
          continue;
        }
        if (this.settings.paceMultiplier !== null) {
          const waitMs = cursor.dueMs - performance.now();
          if (waitMs > 0) {
            await this.sleep(waitMs);
            continue;
          }
        }
        this.heap.pop();
        this.sendFrame(cursor.recording, cursor.index);
        cursor.index++;
        if (cursor.index < cursor.recording.count) {
          cursor.dueMs = this.dueTimeOf(cursor);
          this.heap.push(cursor);
        }
        if (++framesThisTurn >= FRAMES_PER_TURN) {
          framesThisTurn = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } catch {
      // A throwing transformFrame (or a socket gone mid-send): end this connection only.
      this.shutdown(1011, "Internal error");
    }
  }

  private sendFrame(recording: StreamRecording, index: number): void {
    const start = recording.frameStarts[index];
    const end = recording.frameStarts[index + 1];
    const frame = this.combined ? recording.bytes.subarray(start, end) : recording.bytes.subarray(start + recording.payloadOffset, end - 1);
    const transform = this.settings.faults.transformFrame;
    if (transform) {
      const text = transform(recording.name, frame.toString("utf8"), index);
      if (text === null) return;
      this.send(text);
    } else {
      this.send(frame);
    }
    this.framesSent++;
    const closeAfter = this.settings.faults.closeAfterFrames;
    if (closeAfter !== undefined && this.framesSent >= closeAfter) {
      if (this.settings.faults.closeMode === "terminate") this.terminate();
      else this.shutdown(1001, `Replay fault: closed after ${closeAfter} frames`);
    }
  }

  /** Counts an incoming message; over Binance's limit, closes with 1008 and returns false. */
  private countIncoming(): boolean {
    if (this.closed) return false;
    const now = performance.now();
    const times = this.incomingTimes;
    while (times.length > 0 && times[0] <= now - 1000) times.shift();
    if (times.length >= MAX_INCOMING_PER_SECOND) {
      this.shutdown(1008, "Too many requests");
      return false;
    }
    times.push(now);
    return true;
  }

  private onMessage(data: RawData): void {
    if (!this.countIncoming()) return;
    const text = rawDataToString(data);
    let id: RequestId = null;
    try {
      let request: unknown;
      try {
        request = JSON.parse(text);
      } catch (error) {
        throw new ControlError(3, `Invalid JSON: ${describeJsonError(text, error)}`);
      }
      if (!isRecord(request)) throw new ControlError(2, `Invalid request: expected an object such as {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}`);
      if (!isRequestId(request.id)) throw new ControlError(2, "Invalid request: request ID must be an unsigned integer");
      id = request.id;
      const result = this.handleRequest(request);
      this.send(JSON.stringify({ result, id }));
    } catch (error) {
      if (!(error instanceof ControlError)) return this.shutdown(1011, "Internal error");
      this.send(JSON.stringify({ error: { code: error.errorCode, msg: error.message }, id }));
    }
  }

  /** Serves one control request; returns its `result` or throws a ControlError. */
  private handleRequest(request: Record<string, unknown>): unknown {
    const method = request.method;
    if (method === undefined) throw new ControlError(2, "Invalid request: missing field `method`");
    if (typeof method !== "string" || !(CONTROL_METHODS as readonly string[]).includes(method)) {
      const variant = typeof method === "string" ? method : JSON.stringify(method);
      throw new ControlError(2, `Invalid request: unknown variant \`${variant}\`, expected one of ${CONTROL_METHODS.map((m) => `\`${m}\``).join(", ")}`);
    }
    const params = request.params;
    switch (method) {
      case "SUBSCRIBE":
      case "UNSUBSCRIBE": {
        const streams = checkStreamParams(params);
        if (method === "SUBSCRIBE") {
          const fresh = streams.filter((stream) => !this.subscriptions.has(stream));
          if (this.subscriptions.size + new Set(fresh).size > MAX_STREAMS_PER_CONNECTION) {
            throw new ControlError(2, `Invalid request: too many streams (at most ${MAX_STREAMS_PER_CONNECTION} per connection)`);
          }
          this.subscribe(streams);
        } else {
          this.unsubscribe(streams);
        }
        return null;
      }
      case "LIST_SUBSCRIPTIONS":
        if (params !== undefined && !(Array.isArray(params) && params.length === 0)) throw new ControlError(2, "Invalid request: too many parameters");
        return [...this.subscriptions.keys()];
      case "SET_PROPERTY": {
        const value = checkPropertyParams(params, 2);
        if (typeof value !== "boolean") throw new ControlError(1, "Invalid value type: expected Boolean");
        this.combined = value;
        return null;
      }
      default: // GET_PROPERTY
        checkPropertyParams(params, 1);
        return this.combined;
    }
  }
}

function checkStreamParams(params: unknown): string[] {
  if (params === undefined) throw new ControlError(2, "Invalid request: missing field `params`");
  if (!Array.isArray(params)) throw new ControlError(2, "Invalid request: invalid type, expected a sequence of stream names");
  for (const stream of params) {
    if (typeof stream !== "string" || !looksLikeStreamName(stream)) throw new ControlError(2, "Invalid request: invalid stream");
  }
  return params as string[];
}

/** Checks `["combined"]` / `["combined", value]`; returns the value (undefined for GET). */
function checkPropertyParams(params: unknown, expectedLength: 1 | 2): unknown {
  if (!Array.isArray(params) || typeof params[0] !== "string") throw new ControlError(2, "Invalid request: property name must be a string");
  if (params.length > expectedLength) throw new ControlError(2, "Invalid request: too many parameters");
  if (params[0] !== "combined") throw new ControlError(0, "Unknown property");
  return params[1];
}

// ---------------------------------------------------------------------------------------------
// REST

function sendJson(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function binanceError(code: number, msg: string): string {
  return JSON.stringify({ code, msg });
}

/** `GET /fapi/v1/depth?symbol=BTCUSDT&limit=N` with Binance's error codes. */
function serveDepth(library: ReplayLibrary, url: URL, res: http.ServerResponse): void {
  const symbol = url.searchParams.get("symbol");
  if (!symbol) return sendJson(res, 400, binanceError(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."));
  let limit = DEFAULT_DEPTH_LIMIT;
  const limitText = url.searchParams.get("limit");
  if (limitText !== null) {
    if (!/^[0-9]{1,20}$/.test(limitText)) {
      return sendJson(res, 400, binanceError(-1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'."));
    }
    limit = Number(limitText);
    if (limit > 1000) return sendJson(res, 400, binanceError(-1130, "Data sent for parameter 'limit' is not valid."));
    if (!DEPTH_LIMITS.includes(limit)) return sendJson(res, 400, binanceError(-4021, `${limit} is not valid depth limit`));
  }
  const snapshot = selectDepthSnapshot(library, symbol);
  if (!snapshot) return sendJson(res, 400, binanceError(-1121, "Invalid symbol."));
  const response = snapshot.response;
  sendJson(res, 200, JSON.stringify({ ...response, bids: response.bids.slice(0, limit), asks: response.asks.slice(0, limit) }));
}

function serveHttp(library: ReplayLibrary, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://replay.invalid");
  if (req.method === "GET" || req.method === "HEAD") {
    if (url.pathname === "/fapi/v1/depth") return serveDepth(library, url, res);
    if (url.pathname === "/fapi/v1/ping") return sendJson(res, 200, "{}");
    if (url.pathname === "/fapi/v1/time") return sendJson(res, 200, JSON.stringify({ serverTime: Date.now() }));
    if (parseWebSocketPath(url)) {
      res.writeHead(426, { "Content-Type": "text/plain", Upgrade: "websocket" });
      return void res.end(`${url.pathname} is a websocket endpoint: connect with a websocket client.\n`);
    }
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end(`No such endpoint: ${req.method} ${url.pathname}. The replay server serves GET /fapi/v1/depth, /fapi/v1/ping, /fapi/v1/time and websocket streams.\n`);
}

function rejectUpgrade(socket: Duplex, status: string, message: string): void {
  socket.on("error", () => undefined);
  const body = `${message}\n`;
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

// ---------------------------------------------------------------------------------------------
// Options and the server

function checkOptions(options: ReplayOptions): ServerSettings & { port: number; host: string } {
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
  const closeAfter = inject.closeAfterFrames;
  if (closeAfter !== undefined && (!Number.isInteger(closeAfter) || closeAfter < 1)) {
    throw new InvalidArgumentError("INVALID_FAULTS", `Invalid inject.closeAfterFrames ${JSON.stringify(closeAfter)}: expected a whole number of frames, at least 1.`);
  }
  if (inject.closeMode !== undefined && inject.closeMode !== "close" && inject.closeMode !== "terminate") {
    throw new InvalidArgumentError("INVALID_FAULTS", `Invalid inject.closeMode ${JSON.stringify(inject.closeMode)}: expected "close" or "terminate".`);
  }
  return { library: loadReplayLibrary(files), paceMultiplier, serveLegacyPaths: legacyPaths === "serve", faults: inject, port, host };
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts a local Binance-compatible server that plays `files` back: websocket streams on
 * `/public` and `/market` (combined `/stream?streams=` and bare `/ws/<stream>`), SUBSCRIBE and
 * friends, and `GET /fapi/v1/depth|ping|time`, all on one port. Rejects with the loader's
 * `SampleFileError` or an `InvalidArgumentError` naming the bad value.
 * @example
 * const server = await startReplayServer({ files: ["data/bundled/btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"], speed: 10 });
 * // new WebSocket(`${server.url}/public/stream?streams=btcusdt@depth@0ms/btcusdt@trade`)
 * await server.close();
 */
export async function startReplayServer(options: ReplayOptions): Promise<ReplayServer> {
  const settings = checkOptions(options);
  const connections = new Set<ReplayConnection>();
  const httpServer = http.createServer((req, res) => serveHttp(settings.library, req, res));
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 1024 * 1024 });
  let closing: Promise<void> | null = null;

  httpServer.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing) return rejectUpgrade(socket, "503 Service Unavailable", "The replay server is closing.");
    const url = new URL(req.url ?? "/", "http://replay.invalid");
    const spec = parseWebSocketPath(url);
    if (!spec) {
      return rejectUpgrade(socket, "404 Not Found", `No websocket endpoint at ${url.pathname}: expected /public or /market followed by /stream?streams=... or /ws/<stream>.`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closing) return void ws.terminate();
      const connection = new ReplayConnection(ws, spec, settings);
      connections.add(connection);
      void connection.done.then(() => connections.delete(connection));
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(settings.port, settings.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address !== null ? address.port : settings.port;
  const base = `${hostForUrl(settings.host)}:${port}`;

  async function closeServer(): Promise<void> {
    const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    await Promise.all(
      [...connections].map((connection) => {
        connection.shutdown(1001, "Replay server closing");
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            connection.terminate();
            resolve();
          }, CLOSE_GRACE_MS);
        });
        return Promise.race([connection.done, grace]).finally(() => clearTimeout(timer));
      }),
    );
    wss.close();
    httpServer.closeAllConnections();
    await stopped;
  }

  return {
    url: `ws://${base}`,
    restUrl: `http://${base}`,
    port,
    streams: [...settings.library.recordings.keys()],
    close: () => (closing ??= closeServer()),
  };
}
