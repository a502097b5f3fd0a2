/**
 * The main thread's side of a websocket run in a worker thread (`socket-worker.cjs`): the same
 * few calls and events `StreamConnection` uses of a `ws` WebSocket, with the frames delivered in
 * batches, each frame with the time the worker read it. A capture reads its frames this way so
 * that ws's frame parsing runs beside the capture's own work instead of before it.
 */
import * as path from "path";
import { Worker } from "worker_threads";

/** What the worker reports. */
type WorkerReport =
  | { readonly type: "open" }
  | {
      readonly type: "open-failed";
      readonly message: string;
      readonly code?: string;
      readonly httpStatus?: number;
      readonly statusMessage?: string;
      readonly retryAfter?: string | null;
      readonly invalidUrl?: boolean;
    }
  | {
      readonly type: "frames";
      readonly bytes: Uint8Array;
      readonly ends: Uint32Array;
      readonly stamps: Float64Array;
      readonly binary: Uint8Array;
    }
  | { readonly type: "pong"; readonly at: number }
  | { readonly type: "error"; readonly message: string; readonly code?: string }
  | { readonly type: "close"; readonly code: number; readonly reason: string };

/** Why a worker socket could not open: a network error (with its `code`) or a refused handshake. */
export interface WorkerOpenFailure {
  readonly error: Error;
  /** The HTTP status of a handshake answered without an upgrade. */
  readonly httpStatus?: number;
  readonly statusMessage?: string;
  /** The raw `Retry-After` header of that answer. */
  readonly retryAfter?: string | null;
  /** ws refused the URL itself. */
  readonly invalidUrl?: boolean;
}

/** The callbacks of a `WorkerSocket`, set once it is open. */
export interface WorkerSocketHandlers {
  frame(data: Buffer, isBinary: boolean, localTimestamp: number): void;
  pong(localTimestamp: number): void;
  error(error: Error): void;
  close(code: number, reason: string): void;
}

/** Options of `WorkerSocket.open`. */
export interface WorkerSocketOptions {
  readonly connectTimeoutMs: number;
  readonly maxPayloadBytes: number;
  /** Whether ws may leave UTF-8 unchecked (the frames' reader checks it). */
  readonly skipUTF8Validation: boolean;
}

const WORKER_FILE = path.join(__dirname, "socket-worker.cjs");
const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** A websocket whose socket and frame parsing live in a worker thread. */
export class WorkerSocket {
  /** As ws's `readyState`: 0 connecting, 1 open, 2 closing, 3 closed. */
  readyState = CONNECTING;
  private handlers: WorkerSocketHandlers | null = null;

  private constructor(private readonly worker: Worker) {}

  /** Opens `url` in a new worker; resolves once the handshake is done, rejects with a `WorkerOpenFailure`. */
  static open(url: string, options: WorkerSocketOptions): Promise<WorkerSocket> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_FILE, {
        workerData: { url, ...options },
        // The worker is plain JavaScript: no TypeScript loader needed there.
        execArgv: [],
      });
      const socket = new WorkerSocket(worker);
      let settled = false;
      worker.on("message", (report: WorkerReport) => {
        if (!settled) {
          // Before the handshake the worker reports only how it ended.
          if (report.type === "open") {
            settled = true;
            socket.readyState = OPEN;
            resolve(socket);
          } else if (report.type === "open-failed") {
            settled = true;
            socket.readyState = CLOSED;
            const error = Object.assign(new Error(report.message), report.code ? { code: report.code } : {});
            const { httpStatus, statusMessage, retryAfter, invalidUrl } = report;
            reject({ error, httpStatus, statusMessage, retryAfter, invalidUrl });
          }
          return;
        }
        socket.report(report);
      });
      worker.on("error", (error) => {
        if (!settled) {
          settled = true;
          socket.readyState = CLOSED;
          reject({ error });
          return;
        }
        socket.report({ type: "error", message: `The socket's worker thread failed: ${error.message}` });
        socket.report({ type: "close", code: 1006, reason: "" });
      });
      worker.on("exit", () => {
        if (!settled) {
          settled = true;
          socket.readyState = CLOSED;
          reject({ error: new Error("the socket's worker thread ended before the handshake") });
        } else {
          // The worker reports its close before it ends; this is for a worker that ended without one.
          setImmediate(() => socket.report({ type: "close", code: 1006, reason: "" }));
        }
      });
    });
  }

  /** Sets the callbacks (once, right after opening: reports wait in the worker's queue until then). */
  listen(handlers: WorkerSocketHandlers): void {
    this.handlers = handlers;
  }

  private report(report: WorkerReport): void {
    const handlers = this.handlers;
    if (!handlers || this.readyState === CLOSED) return;
    switch (report.type) {
      case "frames": {
        const bytes = Buffer.from(report.bytes.buffer, report.bytes.byteOffset, report.bytes.length);
        const { ends, stamps, binary } = report;
        let start = 0;
        for (let i = 0; i < ends.length; i++) {
          const end = ends[i];
          handlers.frame(bytes.subarray(start, end), binary[i] === 1, stamps[i]);
          start = end;
          if (this.readyState === CLOSED) break;
        }
        this.worker.postMessage({ type: "ack" });
        break;
      }
      case "pong":
        handlers.pong(report.at);
        break;
      case "error":
        handlers.error(Object.assign(new Error(report.message), report.code ? { code: report.code } : {}));
        break;
      case "close":
        this.readyState = CLOSED;
        handlers.close(report.code, report.reason);
        break;
    }
  }

  /** Sends a text frame. */
  send(text: string): void {
    this.worker.postMessage({ type: "send", text });
  }

  /** Sends a ping frame. */
  ping(): void {
    this.worker.postMessage({ type: "ping" });
  }

  /** Starts the closing handshake. */
  close(code: number): void {
    if (this.readyState === OPEN) this.readyState = CLOSING;
    this.worker.postMessage({ type: "close", code });
  }

  /** Drops the socket at once. */
  terminate(): void {
    if (this.readyState === OPEN) this.readyState = CLOSING;
    this.worker.postMessage({ type: "terminate" });
  }
}
