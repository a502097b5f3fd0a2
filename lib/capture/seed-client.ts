/**
 * The original notebook's client, in TypeScript: open one stream type for the symbols, receive
 * messages one by one, close. For scripted, multi-stream or long captures use `capture`.
 *
 * @example
 * const ws = new FuturesMarketWebsocket(["BTCUSDT"]);
 * await ws.openStreamConnection("trade");
 * const first = await ws.receiveMessage();   // { localTimestamp, stream: "btcusdt@trade", data: {...} }
 * await ws.closeConnection();
 */
import { ConnectionError, InvalidArgumentError, excerpt } from "../errors";
import { buildStreamNames, combinedStreamUrl, normalizeSymbol, parseStreamName, resolveEndpoints } from "../binance/endpoints";
import { controlErrorOf } from "../binance/control";
import { StreamConnection } from "./connection";
import type { StoredMessage } from "../store/sample-format";

interface Waiter {
  resolve(message: StoredMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Seed-style client for USDⓈ-M market streams (one stream type per connection). */
export class FuturesMarketWebsocket {
  readonly symbols: readonly string[];
  readonly wsBaseUrl: string;
  private connection: StreamConnection | null = null;
  private readonly queue: StoredMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private failure: Error | null = null;
  private generation = 0;
  /** Frames that were not stream messages (kept so nothing is dropped silently). */
  readonly otherFrames: string[] = [];

  constructor(symbols: readonly string[], options: { wsBaseUrl?: string } = {}) {
    if (!Array.isArray(symbols) || symbols.length === 0) {
      throw new InvalidArgumentError("NO_SYMBOLS", `Expected a list of symbols such as ["BTCUSDT"], got ${JSON.stringify(symbols)}.`);
    }
    this.symbols = symbols.map(normalizeSymbol);
    this.wsBaseUrl = resolveEndpoints({ wsBaseUrl: options.wsBaseUrl }).wsBaseUrl;
  }

  /** The URL the connection uses (or would use) for a stream type. */
  streamUrl(type: string): string {
    const streams = buildStreamNames(this.symbols, [type]);
    return combinedStreamUrl(this.wsBaseUrl, parseStreamName(streams[0]).family.route, streams);
  }

  /** Opens a combined-stream connection for `type` (e.g. `"trade"`, `"depth@100ms"`) for every symbol. */
  async openStreamConnection(type: string): Promise<void> {
    if (this.connection) await this.closeConnection();
    const url = this.streamUrl(type);
    this.queue.length = 0;
    this.failure = null;
    const generation = ++this.generation;
    this.connection = await StreamConnection.open(url, {
      // frames still arriving from a connection being closed are not this connection's messages
      onFrame: (text, localTimestamp) => generation === this.generation && this.receiveFrame(text, localTimestamp),
      onUnexpectedClose: (code, reason) =>
        this.failAll(
          new ConnectionError("CLOSED", `Connection to ${url} closed by the server (code ${code}${reason ? `, "${reason}"` : ""}).`, url),
        ),
    });
  }

  private receiveFrame(text: string, localTimestamp: number): void {
    let value: { stream?: unknown; data?: unknown };
    try {
      value = JSON.parse(text);
    } catch {
      this.otherFrames.push(text);
      return;
    }
    if (typeof value.stream === "string" && value.data !== undefined) {
      const message: StoredMessage = { localTimestamp, stream: value.stream, data: value.data };
      const waiter = this.waiters.shift();
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.resolve(message);
      } else {
        this.queue.push(message);
      }
      return;
    }
    this.otherFrames.push(text);
    const serverError = controlErrorOf(value);
    if (serverError) {
      const url = this.connection?.url ?? "";
      this.failAll(
        new ConnectionError(
          "SERVER_ERROR",
          `The server at ${url} sent error ${String(serverError.code)}: ${excerpt(String(serverError.msg))}.`,
          url,
        ),
      );
    }
  }

  private failAll(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  /**
   * The next message, in arrival order. Rejects after `timeoutMs` without one (a silent stream:
   * often a wrong route), or when the connection failed.
   */
  receiveMessage(timeoutMs = 10_000): Promise<StoredMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    const connection = this.connection;
    if (!connection)
      return Promise.reject(new InvalidArgumentError("NOT_OPEN", "No open connection: call openStreamConnection(type) first."));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(
            new ConnectionError(
              "SILENT_STREAM",
              `No message within ${timeoutMs} ms on ${connection.url}: a stream on the wrong route or a retired path is accepted but silent.`,
              connection.url,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** The next `count` messages. */
  async receiveMessages(count: number, timeoutMs = 10_000): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    for (let i = 0; i < count; i++) messages.push(await this.receiveMessage(timeoutMs));
    return messages;
  }

  /** Closes the connection; messages not yet received are dropped with it. */
  async closeConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.generation++;
    this.queue.length = 0;
    if (connection) await connection.close();
  }
}
