/**
 * One client connection of the replay server: its subscriptions (from the path and from
 * SUBSCRIBE), the paced merge of their recordings, a send loop that backs off while the client
 * does not read, Binance's incoming-message limit, and the fault hook of `ReplayOptions.inject`.
 */
import { performance } from "perf_hooks";
import { WebSocket, type RawData } from "ws";
import { isServedOnRoute } from "../binance/endpoints";
import { MAX_INCOMING_MESSAGES_PER_SECOND } from "../binance/limits";
import { answerControlMessage, type ControlSession } from "./control";
import { CursorHeap, dueTimeOf, startCursors, type Cursor } from "./cursor";
import type { ReplayFaults } from "./options";
import type { ReplayDepthBooks } from "./depth-books";
import type { ConnectionSpec } from "./paths";
import { frameOf, type ReplayLibrary, type StreamRecording } from "./recordings";

/** Pause a connection's replay while this many bytes are handed to ws but not yet to the OS. */
const HIGH_WATER_BYTES = 512 * 1024;
/** ... and resume once the backlog has fallen to this. */
const LOW_WATER_BYTES = 128 * 1024;
/** Yield to other connections after this many frames in a row. */
const FRAMES_PER_TURN = 256;

/** What every connection of one server shares. */
export interface ConnectionContext {
  readonly library: ReplayLibrary;
  /** `null` for "max". */
  readonly paceMultiplier: number | null;
  /** Whether legacy paths (no route) play their streams. */
  readonly serveLegacyPaths: boolean;
  readonly faults: ReplayFaults;
  /** The REST books, told how far each diff-depth stream has been played. */
  readonly depthBooks: ReplayDepthBooks;
}

/** One client connection: its subscriptions, its merge of their recordings, and its send loop. */
export class ReplayConnection implements ControlSession {
  /** Subscribed stream names in subscription order, with their cursor when served. */
  readonly subscriptions = new Map<string, Cursor | null>();
  /** Whether frames go out as `{"stream","data"}` (SET_PROPERTY combined changes it). */
  combined: boolean;
  /** Resolves when the socket has closed. */
  readonly done: Promise<void>;
  private readonly heap = new CursorHeap();
  private inFlightBytes = 0;
  /** Data and control frames handed to ws, and those ws has handed to the network. */
  private sentSeq = 0;
  private flushedSeq = 0;
  /** Played frames waiting for the frames sent before them to be flushed. */
  private readonly unflushed: { seq: number; stream: string; passed: number }[] = [];
  private unflushedHead = 0;
  private framesSent = 0;
  private readonly incomingTimes: number[] = [];
  private wakeUp: (() => void) | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  private closed = false;

  /** Takes over an upgraded socket and starts playing the streams its path named. */
  constructor(
    private readonly ws: WebSocket,
    private readonly spec: ConnectionSpec,
    private readonly context: ConnectionContext,
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

  /** Stops the replay and closes the socket with `code` (a close handshake). */
  shutdown(code: number, reason: string): void {
    this.stop();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  /** Stops the replay and drops the TCP connection without a close frame. */
  terminate(): void {
    this.stop();
    this.ws.terminate();
  }

  /** Adds streams not yet subscribed; those this route serves and the recordings hold start playing together. */
  subscribe(streams: readonly string[]): void {
    const now = performance.now();
    const added: StreamRecording[] = [];
    for (const stream of streams) {
      if (this.subscriptions.has(stream)) continue;
      const recording = this.serves(stream) ? this.context.library.recordings.get(stream) : undefined;
      this.subscriptions.set(stream, null);
      if (recording) added.push(recording);
    }
    if (added.length === 0) return;
    for (const cursor of startCursors(added, now, this.context.paceMultiplier)) {
      this.subscriptions.set(cursor.recording.name, cursor);
      this.heap.push(cursor);
    }
    this.wake();
  }

  /** Removes streams; their frames stop at once. */
  unsubscribe(streams: readonly string[]): void {
    for (const stream of streams) {
      const cursor = this.subscriptions.get(stream);
      if (cursor) cursor.cancelled = true;
      this.subscriptions.delete(stream);
    }
  }

  private stop(): void {
    this.closed = true;
    this.wake();
  }

  private serves(stream: string): boolean {
    if (this.spec.route === null) return this.context.serveLegacyPaths;
    return isServedOnRoute(stream, this.spec.route);
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
    const seq = ++this.sentSeq;
    this.inFlightBytes += bytes;
    this.ws.send(data, { binary: false }, () => {
      this.inFlightBytes -= bytes;
      this.flushed(seq);
      if (this.inFlightBytes <= LOW_WATER_BYTES) this.wake();
    });
  }

  /**
   * Frame `passed - 1` of `stream` has been played (sent or dropped). The REST books learn it once
   * everything sent up to it has been handed to the network, so their position is what a client
   * could have received, not what is still queued here.
   */
  private played(stream: string, passed: number): void {
    if (this.sentSeq <= this.flushedSeq) return this.context.depthBooks.advance(stream, passed);
    this.unflushed.push({ seq: this.sentSeq, stream, passed });
  }

  private flushed(seq: number): void {
    this.flushedSeq = seq;
    while (this.unflushedHead < this.unflushed.length && this.unflushed[this.unflushedHead].seq <= seq) {
      const { stream, passed } = this.unflushed[this.unflushedHead++];
      this.context.depthBooks.advance(stream, passed);
    }
    if (this.unflushedHead === this.unflushed.length) {
      this.unflushed.length = 0;
      this.unflushedHead = 0;
    }
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
        if (this.context.paceMultiplier !== null) {
          const waitMs = cursor.dueMs - performance.now();
          if (waitMs > 0) {
            await this.sleep(waitMs);
            continue;
          }
        }
        this.heap.pop();
        this.sendFrame(cursor.recording, cursor.index);
        cursor.index++;
        this.played(cursor.recording.name, cursor.index);
        if (cursor.index < cursor.recording.count) {
          cursor.dueMs = dueTimeOf(cursor, this.context.paceMultiplier);
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

  /** Sends one data frame through the fault hook: `dropFrames` and `transformFrame` may drop or change it, `closeAfterFrames` may end the connection. */
  private sendFrame(recording: StreamRecording, index: number): void {
    const faults = this.context.faults;
    if (faults.dropFrames?.[recording.name]?.includes(index)) return;
    const frame = frameOf(recording, index, this.combined);
    const transform = faults.transformFrame;
    if (transform) {
      const text = transform(recording.name, frame.toString("utf8"), index);
      if (text === null) return;
      this.send(text);
    } else {
      this.send(frame);
    }
    this.framesSent++;
    const closeAfter = faults.closeAfterFrames;
    if (closeAfter !== undefined && this.framesSent >= closeAfter) {
      if (faults.closeMode === "terminate") this.terminate();
      else this.shutdown(1001, `Replay fault: closed after ${closeAfter} frames`);
    }
  }

  /** Counts an incoming message; over Binance's limit, closes with 1008 and returns false. */
  private countIncoming(): boolean {
    if (this.closed) return false;
    const now = performance.now();
    const times = this.incomingTimes;
    while (times.length > 0 && times[0] <= now - 1000) times.shift();
    if (times.length >= MAX_INCOMING_MESSAGES_PER_SECOND) {
      this.shutdown(1008, "Too many requests");
      return false;
    }
    times.push(now);
    return true;
  }

  /** A control message: answered on this connection; an unexpected failure closes it with 1011. */
  private onMessage(data: RawData): void {
    if (!this.countIncoming()) return;
    try {
      this.send(answerControlMessage(rawDataToString(data), this));
    } catch {
      this.shutdown(1011, "Internal error");
    }
  }
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
