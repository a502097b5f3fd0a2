/**
 * One websocket connection to a Binance-style stream endpoint: open with a timeout, stamp every
 * frame with its local receive time, send control requests (SUBSCRIBE, ...) and match their
 * replies by id, and report closes. No parsing of market frames happens here.
 */
import { WebSocket } from "ws";
import { ConnectionError } from "../errors";
import { controlErrorOf, type ControlRequest } from "../binance/control";

/** Milliseconds since the epoch, fractional, from a monotonic clock anchored at process start. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Callbacks of a `StreamConnection`. */
export interface StreamConnectionHandlers {
  /** Every text frame that is not a reply to one of our requests, with its receive time. */
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
  /** How long to wait for a reply to a request. Default 10 000 ms. */
  requestTimeoutMs?: number;
}

interface PendingRequest {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const REPLY_PREFIX = /^\{"(result|id|code|error)"/;

/**
 * A single websocket to `url`.
 * @example const c = await StreamConnection.open(url, { onFrame: (text, t) => ... }); await c.request({ method: "LIST_SUBSCRIPTIONS" });
 */
export class StreamConnection {
  readonly url: string;
  private readonly socket: WebSocket;
  private readonly handlers: StreamConnectionHandlers;
  private readonly requestTimeoutMs: number;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private closing = false;
  private closedPromise: Promise<void>;

  private constructor(url: string, socket: WebSocket, handlers: StreamConnectionHandlers, requestTimeoutMs: number) {
    this.url = url;
    this.socket = socket;
    this.handlers = handlers;
    this.requestTimeoutMs = requestTimeoutMs;
    socket.on("message", (data, isBinary) => this.receive(data as Buffer, isBinary));
    this.closedPromise = new Promise((resolve) => {
      socket.on("close", (code, reason) => {
        const text = reason.toString();
        for (const request of this.pending.values()) {
          clearTimeout(request.timer);
          request.reject(new ConnectionError("CLOSED", `Connection to ${url} closed (code ${code}${text ? `, "${text}"` : ""}) before the server replied.`, url));
        }
        this.pending.clear();
        if (!this.closing) handlers.onUnexpectedClose?.(code, text);
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
        resolve(new StreamConnection(url, socket, handlers, options.requestTimeoutMs ?? 10_000));
      });
    });
  }

  private receive(data: Buffer, isBinary: boolean): void {
    const localTimestamp = nowMs();
    const text = isBinary ? data.toString("utf8") : data.toString();
    if (REPLY_PREFIX.test(text) && this.resolveReply(text)) return;
    this.handlers.onFrame(text, localTimestamp);
  }

  /** Settles a pending request if `text` is its reply; returns whether it was one. */
  private resolveReply(text: string): boolean {
    let reply: { id?: unknown; result?: unknown };
    try {
      reply = JSON.parse(text);
    } catch {
      return false;
    }
    if (typeof reply.id !== "number") return false;
    const request = this.pending.get(reply.id);
    if (!request) return false;
    this.pending.delete(reply.id);
    clearTimeout(request.timer);
    const error = controlErrorOf(reply);
    if (error) {
      request.reject(new ConnectionError("SERVER_ERROR", `The server at ${this.url} answered request ${reply.id} with error ${String(error.code)}: ${String(error.msg)}.`, this.url));
    } else {
      request.resolve(reply.result);
    }
    return true;
  }

  /**
   * Sends a control request and resolves with the reply's `result`; rejects with the server's
   * error (`{"code", "msg"}`), on timeout, or when the connection closes first.
   */
  request(request: ControlRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ConnectionError("REQUEST_TIMEOUT", `No reply to ${request.method} (id ${id}) from ${this.url} within ${this.requestTimeoutMs} ms.`, this.url));
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ method: request.method, params: request.params ?? [], id }));
    });
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
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
