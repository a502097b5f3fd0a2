/**
 * Which depth messages a book is built from: one symbol, one stream (a diff-depth stream when
 * the sample has one, else a partial-depth stream), and that symbol's snapshots.
 */
import { InvalidArgumentError } from "../../errors";
import { partialDepthLevelsOf } from "../../binance/book-sync";
import { isDiffDepthStream } from "../../binance/stream-names";
import type { StoredDepthSnapshot } from "../../store/sample-format";
import type { MessageLike } from "../columns";
import type { OrderBook } from "./order-book";

/** Messages and snapshots to build a book from (a `Sample` is one). */
export interface DepthSource {
  readonly messages: readonly MessageLike[];
  readonly snapshots?: readonly StoredDepthSnapshot[];
}

/** Which book to build. */
export interface DepthSelection {
  /** Which symbol (required when the messages hold several). */
  symbol?: string;
  /** Which depth stream (required when a symbol has several diff-depth speeds). */
  stream?: string;
}

/** The depth messages chosen for one book. */
export interface ChosenDepth {
  readonly symbol: string;
  /** The stream, e.g. `"btcusdt@depth@0ms"` (`""` for messages without a stream name). */
  readonly stream: string;
  readonly messages: MessageLike[];
  /** For a partial depth stream (`@depth5|10|20`): its level count; `null` for diff depth. */
  readonly topLevels: number | null;
}

/**
 * Picks one symbol's depth messages: its diff-depth stream if it has one (a partial-depth stream
 * otherwise). Throws `InvalidArgumentError` (`NO_DEPTH_MESSAGES`, `UNKNOWN_SYMBOL`,
 * `SYMBOL_REQUIRED`, `UNKNOWN_STREAM`, `STREAM_REQUIRED`) naming what the messages hold.
 */
export function chooseDepthMessages(source: DepthSource, options: DepthSelection = {}): ChosenDepth {
  const bySymbol = new Map<string, Map<string, MessageLike[]>>();
  for (const message of source.messages) {
    const data = message.data as { e?: unknown; s?: unknown } | null;
    if (typeof data !== "object" || data === null || data.e !== "depthUpdate") continue;
    const stream = message.stream ?? "";
    if (stream !== "" && !isDiffDepthStream(stream) && partialDepthLevelsOf(stream) === null) continue;
    const symbol = String(data.s);
    let streams = bySymbol.get(symbol);
    if (!streams) bySymbol.set(symbol, (streams = new Map()));
    let list = streams.get(stream);
    if (!list) streams.set(stream, (list = []));
    list.push(message);
  }
  if (bySymbol.size === 0) {
    throw new InvalidArgumentError("NO_DEPTH_MESSAGES", `No depth (depthUpdate) messages among the ${source.messages.length} given.`);
  }
  let symbol: string;
  if (options.symbol !== undefined) {
    symbol = options.symbol.toUpperCase();
    if (!bySymbol.has(symbol)) {
      throw new InvalidArgumentError(
        "UNKNOWN_SYMBOL",
        `No depth messages for ${JSON.stringify(options.symbol)}: the messages hold ${[...bySymbol.keys()].join(", ")}.`,
      );
    }
  } else if (bySymbol.size > 1) {
    throw new InvalidArgumentError(
      "SYMBOL_REQUIRED",
      `The messages hold depth for ${[...bySymbol.keys()].join(", ")}: pass { symbol } to pick one.`,
    );
  } else {
    symbol = [...bySymbol.keys()][0];
  }
  const streams = bySymbol.get(symbol) as Map<string, MessageLike[]>;
  let stream: string;
  if (options.stream !== undefined) {
    stream = options.stream;
    if (!streams.has(stream)) {
      throw new InvalidArgumentError(
        "UNKNOWN_STREAM",
        `No depth messages on stream ${JSON.stringify(stream)} for ${symbol}: found ${[...streams.keys()].join(", ")}.`,
      );
    }
  } else {
    const all = [...streams.keys()];
    const diff = all.filter((name) => partialDepthLevelsOf(name) === null);
    const candidates = diff.length > 0 ? diff : all;
    if (candidates.length > 1) {
      throw new InvalidArgumentError(
        "STREAM_REQUIRED",
        `${symbol} has depth on ${candidates.join(", ")}: pass { stream } to pick one (their update chains differ).`,
      );
    }
    stream = candidates[0];
  }
  return { symbol, stream, messages: streams.get(stream) as MessageLike[], topLevels: partialDepthLevelsOf(stream) };
}

/** The sample's snapshots for `symbol`, or none when `useSnapshots` is false. */
export function snapshotsFor(source: DepthSource, symbol: string, useSnapshots = true): StoredDepthSnapshot[] {
  if (!useSnapshots) return [];
  return (source.snapshots ?? []).filter((snapshot) => String(snapshot.symbol).toUpperCase() === symbol);
}

/** Teaches `book` how the symbol writes prices and quantities, from the raw levels of the first `count` messages. */
export function learnLevelText(book: OrderBook, messages: readonly MessageLike[], count = 8): void {
  for (let i = 0; i < messages.length && i < count; i++) {
    const data = messages[i].data as { b?: unknown; a?: unknown } | null;
    if (data === null || typeof data !== "object") continue;
    book.observeText(data.b);
    book.observeText(data.a);
  }
}
