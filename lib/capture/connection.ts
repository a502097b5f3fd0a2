/**
 * One websocket connection to a Binance-style stream endpoint: open with a timeout, stamp every
 * frame with its local receive time, send control requests (SUBSCRIBE, ...) and match their
 * replies by id, send pings and report pongs, and report closes. A refused handshake carries
 * the server's HTTP status and `Retry-After`. No parsing of market frames happens here.
 */
import { isUtf8 } from "buffer";
import { WebSocket } from "ws";
import { ConnectionError } from "../errors";
import { controlErrorOf, type ControlRequest } from "../binance/control";
import { parseRetryAfter } from "./backoff";
import { WorkerSocket, type WorkerOpenFailure } from "./worker-socket";

/** Node's global `performance` is a lazy getter: read once, with its fixed origin. */
const clock = performance;
const CLOCK_ORIGIN_MS = clock.timeOrigin;

/** Milliseconds since the epoch to the microsecond, from a monotonic clock anchored at process start. */
export function nowMs(): number {
  return Math.round((CLOCK_ORIGIN_MS + clock.now()) * 1000) / 1000;
}

/** Callbacks of a `StreamConnection`. */
export interface StreamConnectionHandlers {
  /** Every frame that is not a reply to one of our requests, as text, with its receive time and whether it came as binary. */
  onFrame?(text: string, localTimestamp: number, isBinary: boolean): void;
  /** The same as `onFrame`, with the frame's bytes as ws hands them over (never decoded); used instead of `onFrame` when given. */
  onFrameBytes?(frame: Buffer, localTimestamp: number, isBinary: boolean): void;
  /** A pong arrived (an answer to `ping()`, or unsolicited). */
  onPong?(localTimestamp: number): void;
  /** The connection closed without `close()` having been called. */
  onUnexpectedClose?(code: number, reason: string): void;
  /**
   * A socket error after opening, with the close code it calls for (1009 for a frame over
   * `maxPayloadBytes`, 1007 for invalid UTF-8 when ws checks it, i.e. without `onFrameBytes`,
   * 1002 for other protocol errors, 1006 for network errors). The close that follows is
   * reported too, unless the handler closes the connection.
   */
  onError?(error: Error, closeCode: number): void;
}

/** Options of `StreamConnection.open`. */
export interface OpenOptions {
  /** How long to wait for the websocket handshake. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** How long to wait for a reply to a request. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** The largest frame accepted; a larger one closes the connection (code 1009). Default 16 MiB. */
  maxPayloadBytes?: number;
  /**
   * Where the socket and ws's frame parsing run: `"worker"` (a worker thread, `worker-socket.ts`:
   * the frames come in batches, stamped when the worker read them) or `"main"` (this thread).
   * Default `"worker"` with `onFrameBytes`, `"main"` otherwise.
   */
  socketThread?: "worker" | "main";
}

/** Default `maxPayloadBytes`: far above any Binance market frame (the all-market arrays are a few hundred KB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

interface PendingRequest {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const REPLY_PREFIX = /^\{"(result|id|code|error)"/;
const OPEN_BRACE = 0x7b;
const QUOTE = 0x22;
/** First letters of the keys a reply starts with: r(esult), i(d), c(ode), e(rror). */
const REPLY_INITIALS = new Set([0x72, 0x69, 0x63, 0x65]);

/**
 * A single websocket to `url`.
 * @example const c = await StreamConnection.open(url, { onFrame: (text, t) => ... }); await c.request({ method: "LIST_SUBSCRIPTIONS" });
 */
export class StreamConnection {
  readonly url: string;
  private readonly socket: WebSocket | WorkerSocket;
  private readonly handlers: StreamConnectionHandlers;
  private readonly requestTimeoutMs: number;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private closing = false;
  private closedPromise: Promise<void>;

  private constructor(url: string, socket: WebSocket | WorkerSocket, handlers: StreamConnectionHandlers, requestTimeoutMs: number) {
    this.url = url;
    this.socket = socket;
    this.handlers = handlers;
    this.requestTimeoutMs = requestTimeoutMs;
    let closed!: () => void;
    this.closedPromise = new Promise((resolve) => (closed = resolve));
    const onClose = (code: number, text: string) => {
      for (const request of this.pending.values()) {
        clearTimeout(request.timer);
        request.reject(
          new ConnectionError(
            "CLOSED",
            `Connection to ${url} closed (code ${code}${text ? `, "${text}"` : ""}) before the server replied.`,
            url,
          ),
        );
      }
      this.pending.clear();
      if (!this.closing) handlers.onUnexpectedClose?.(code, text);
      closed();
    };
    const onError = (error: Error) => {
      if (!this.closing) handlers.onError?.(error, closeCodeOf(error));
    };
    if (socket instanceof WorkerSocket) {
      socket.listen({
        frame: (data, isBinary, at) => this.receive(data, isBinary, at),
        pong: (at) => handlers.onPong?.(at),
        error: onError,
        close: onClose,
      });
      return;
    }
    socket.on("message", (data, isBinary) => this.receive(data as Buffer, isBinary, nowMs()));
    socket.on("pong", () => handlers.onPong?.(nowMs()));
    socket.on("close", (code, reason) => onClose(code, reason.toString()));
    socket.on("error", onError);
  }

  /** Opens a connection; rejects with a `ConnectionError` naming the URL when it cannot. */
  static open(url: string, handlers: StreamConnectionHandlers, options: OpenOptions = {}): Promise<StreamConnection> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    if ((options.socketThread ?? (handlers.onFrameBytes ? "worker" : "main")) === "worker") {
      const skipUTF8Validation = handlers.onFrameBytes !== undefined;
      return WorkerSocket.open(url, { connectTimeoutMs, maxPayloadBytes, skipUTF8Validation }).then(
        (socket) => new StreamConnection(url, socket, handlers, requestTimeoutMs),
        (failure: WorkerOpenFailure) => {
          if (failure.invalidUrl) throw invalidUrl(url, failure.error);
          const retryAfterMs = parseRetryAfter(failure.retryAfter ?? undefined);
          throw openFailure(url, failure.error, failure.httpStatus, failure.statusMessage, retryAfterMs);
        },
      );
    }
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, {
          handshakeTimeout: connectTimeoutMs,
          perMessageDeflate: false,
          maxPayload: maxPayloadBytes,
          // A frame handed over as bytes is checked by its reader (`classifyFrame`: ASCII on the
          // fast path, UTF-8 otherwise), so ws need not check it first; text is checked by ws.
          skipUTF8Validation: handlers.onFrameBytes !== undefined,
        });
      } catch (error) {
        reject(invalidUrl(url, error as Error));
        return;
      }
      const fail = (error: Error, httpStatus?: number, statusMessage?: string, retryAfterMs?: number | null) => {
        socket.removeAllListeners();
        socket.on("error", () => undefined);
        socket.terminate();
        reject(openFailure(url, error, httpStatus, statusMessage, retryAfterMs ?? null));
      };
      const failOnError = (error: Error) => fail(error);
      socket.once("error", failOnError);
      socket.once("unexpected-response", (_request, response) => {
        response.resume();
        fail(new Error(""), response.statusCode ?? 0, response.statusMessage, parseRetryAfter(response.headers["retry-after"]));
      });
      socket.once("open", () => {
        socket.removeListener("error", failOnError);
        resolve(new StreamConnection(url, socket, handlers, requestTimeoutMs));
      });
    });
  }

  private receive(data: Buffer, isBinary: boolean, localTimestamp: number): void {
    // A reply starts {"result", {"id", {"code" or {"error"; a stream message starts {"stream".
    const mayBeReply = !isBinary && data[0] === OPEN_BRACE && data[1] === QUOTE && REPLY_INITIALS.has(data[2]);
    const { onFrameBytes, onFrame } = this.handlers;
    if (onFrameBytes && (!mayBeReply || !isUtf8(data))) return onFrameBytes(data, localTimestamp, isBinary);
    const text = data.toString("utf8");
    if (mayBeReply && REPLY_PREFIX.test(text) && this.resolveReply(text)) return;
    if (onFrameBytes) onFrameBytes(data, localTimestamp, isBinary);
    else onFrame?.(text, localTimestamp, isBinary);
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
      request.reject(
        new ConnectionError(
          "SERVER_ERROR",
          `The server at ${this.url} answered request ${reply.id} with error ${String(error.code)}: ${String(error.msg)}.`,
          this.url,
        ),
      );
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
        reject(
          new ConnectionError(
            "REQUEST_TIMEOUT",
            `No reply to ${request.method} (id ${id}) from ${this.url} within ${this.requestTimeoutMs} ms.`,
            this.url,
          ),
        );
      }, this.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ method: request.method, params: request.params ?? [], id }));
    });
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a ping frame (the pong is reported to `onPong`); false when the socket is not open. */
  ping(): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.ping();
    return true;
  }

  /** Drops the connection at once, without a close handshake (for a socket that no longer answers). */
  terminate(): Promise<void> {
    this.closing = true;
    this.socket.terminate();
    return this.closedPromise;
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

/** The `ConnectionError` of a URL ws refuses. */
function invalidUrl(url: string, error: Error): ConnectionError {
  return new ConnectionError("INVALID_URL", `Cannot open ${url}: ${error.message}.`, url, { cause: error });
}

/** The `ConnectionError` of a connection that could not open: a network error, or a handshake answered `httpStatus` instead of upgrading. */
function openFailure(
  url: string,
  error: Error,
  httpStatus: number | undefined,
  statusMessage: string | undefined,
  retryAfterMs: number | null,
): ConnectionError {
  const wait = retryAfterMs === null ? "" : ` (Retry-After ${Math.round(retryAfterMs / 1000)} s)`;
  const reason =
    httpStatus === undefined
      ? describeSocketError(error)
      : `the server answered HTTP ${httpStatus}${statusMessage ? ` ${statusMessage}` : ""} instead of upgrading${wait}`;
  const cause = httpStatus === undefined ? error : new Error(reason);
  const failure = new ConnectionError("CONNECT_FAILED", `Cannot connect to ${url}: ${reason}.`, url, { cause });
  if (httpStatus !== undefined) failure.httpStatus = httpStatus;
  if (retryAfterMs !== null) failure.retryAfterMs = retryAfterMs;
  return failure;
}

/** The close code a ws error calls for. */
function closeCodeOf(error: Error): number {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") return 1009;
  if (code === "WS_ERR_INVALID_UTF8") return 1007;
  return code.startsWith("WS_ERR_") ? 1002 : 1006;
}

function describeSocketError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `the host name could not be resolved (${code}), so there may be no network`;
  if (code === "ECONNREFUSED") return "the connection was refused (ECONNREFUSED): no server is listening there";
  if (code === "ETIMEDOUT") return "the connection timed out (ETIMEDOUT)";
  return error.message || String(code ?? error);
}
