/**
 * One websocket connection to a Binance-style stream endpoint: open with a timeout, stamp every
 * frame with its local receive time, and report closes and errors. No parsing of market frames
 * happens here.
 */
import { WebSocket } from "ws";
import { ConnectionError } from "../errors";

/** Milliseconds since the epoch, fractional, from a monotonic clock anchored at process start. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Callbacks of a `StreamConnection`. */
export interface StreamConnectionHandlers {
  /** Every text frame, with its receive time. */
  onFrame(text: string, localTimestamp: number): void;
  /** The connection closed without `close()` having been called. */
  onUnexpectedClose?(code: number, reason: string): void;
  /** A socket error after opening (the close that follows is reported too). */
  onError?(error: Error): void;
}

/** Options of `StreamConnection.open`. */
export interface OpenOptions {
  /** How long to wait for the websocket handshake. Default 10 000 ms. */
  connectTimeoutMs?: number;
}

/**
 * The error in a control reply, in either shape Binance uses: flat `{"code", "msg", "id"}` as its
 * docs show, or nested `{"error": {"code", "msg"}, "id"}` as its servers send. `null` otherwise.
 */
export function controlErrorOf(value: unknown): { code: unknown; msg: unknown } | null {
  if (typeof value !== "object" || value === null) return null;
  const reply = value as { code?: unknown; msg?: unknown; error?: { code?: unknown; msg?: unknown } };
  if (reply.code !== undefined && reply.msg !== undefined) return { code: reply.code, msg: reply.msg };
  if (typeof reply.error === "object" && reply.error !== null) return { code: reply.error.code, msg: reply.error.msg };
  return null;
}

/**
 * A single websocket to `url`.
 * @example const c = await StreamConnection.open(url, { onFrame: (text, t) => ... }); await c.close();
 */
export class StreamConnection {
  readonly url: string;
  private readonly socket: WebSocket;
  private readonly handlers: StreamConnectionHandlers;
  private closing = false;
  private closedPromise: Promise<void>;

  private constructor(url: string, socket: WebSocket, handlers: StreamConnectionHandlers) {
    this.url = url;
    this.socket = socket;
    this.handlers = handlers;
    socket.on("message", (data) => this.receive(data as Buffer));
    this.closedPromise = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        if (!this.closing) handlers.onUnexpectedClose?.(code, reason.toString());
        resolve();
      });
    });
    socket.on("error", (error) => {
      if (!this.closing) handlers.onError?.(error);
    });
  }

  /** Opens a connection; rejects with a `ConnectionError` naming the URL when it cannot. */
  static open(url: string, handlers: StreamConnectionHandlers, options: OpenOptions = {}): Promise<StreamConnection> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, { handshakeTimeout: connectTimeoutMs, perMessageDeflate: false });
      } catch (error) {
        reject(new ConnectionError("INVALID_URL", `Cannot open ${url}: ${(error as Error).message}.`, url, { cause: error }));
        return;
      }
      const fail = (error: Error) => {
        socket.removeAllListeners();
        socket.on("error", () => undefined);
        socket.terminate();
        reject(new ConnectionError("CONNECT_FAILED", `Cannot connect to ${url}: ${describeSocketError(error)}.`, url, { cause: error }));
      };
      socket.once("error", fail);
      socket.once("unexpected-response", (_request, response) => {
        fail(new Error(`the server answered HTTP ${response.statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ""} instead of upgrading`));
      });
      socket.once("open", () => {
        socket.removeListener("error", fail);
        resolve(new StreamConnection(url, socket, handlers));
      });
    });
  }

  private receive(data: Buffer): void {
    const localTimestamp = nowMs();
    this.handlers.onFrame(data.toString("utf8"), localTimestamp);
  }

  /** Closes the connection (normal closure) and resolves once it is closed. */
  close(): Promise<void> {
    this.closing = true;
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000);
      const timer = setTimeout(() => this.socket.terminate(), 2000);
      timer.unref();
    }
    return this.closedPromise;
  }
}

function describeSocketError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `the host name could not be resolved (${code}), so there may be no network`;
  if (code === "ECONNREFUSED") return "the connection was refused (ECONNREFUSED): no server is listening there";
  if (code === "ETIMEDOUT") return "the connection timed out (ETIMEDOUT)";
  return error.message || String(code ?? error);
}
