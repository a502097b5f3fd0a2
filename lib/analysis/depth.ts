/**
 * Depth analyses of a sample: the best bid/ask after every applied depth event of a rebuilt book,
 * the check of that book against `bookTicker` at every shared update id, and the depth chain's
 * gaps (from binance/sequence.ts). The book itself is `OrderBook` (analysis/book/order-book.ts),
 * built from every snapshot of the sample by `SampleBookBuilder` (analysis/book/book-builder.ts).
 */
import { findSequenceGaps, type SequenceGap } from "../binance/sequence";
import { decodeBookTicker } from "../binance/decode";
import { decodeDepthMessages, type MessageLike } from "./columns";
import { SampleBookBuilder, type BookHistoryEntry } from "./book/book-builder";
import { chooseDepthMessages, learnLevelText, snapshotsFor, type DepthSelection, type DepthSource } from "./book/depth-source";
import type { ApplyOutcome, OrderBook } from "./book/order-book";

/** Best bid and ask after each applied depth event. */
export interface BestBidAskColumns {
  readonly length: number;
  readonly eventTime: Float64Array;
  readonly transactionTime: Float64Array;
  /** NaN when the recording has no local time. */
  readonly localTimestamp: Float64Array;
  /** `u` of the event after which the best levels hold. */
  readonly finalUpdateId: Float64Array;
  /** NaN when the side is empty. */
  readonly bidPrice: Float64Array;
  readonly bidQuantity: Float64Array;
  readonly askPrice: Float64Array;
  readonly askQuantity: Float64Array;
  /** 1 when the book was partial (no snapshot) at this row. */
  readonly isPartial: Uint8Array;
}

/** The result of `rebuildBestBidAsk`. */
export interface BookRebuild {
  readonly symbol: string;
  /** The diff-depth stream used, e.g. `"btcusdt@depth@0ms"`. */
  readonly stream: string;
  readonly bestBidAsk: BestBidAskColumns;
  readonly appliedCount: number;
  readonly staleCount: number;
  readonly gapCount: number;
  /** Depth events never applied because the book was broken and no later snapshot could resync it. */
  readonly waitingCount: number;
  readonly snapshotsUsed: number;
  /** True when no snapshot was available: best levels are those seen in updates only. */
  readonly isPartial: boolean;
  /** One sentence on what the rebuild could and could not do. */
  readonly note: string;
  /** The book after the last event, for further inspection. */
  readonly book: OrderBook;
  /** Snapshots loaded, gaps and resyncs, in order. */
  readonly history: readonly BookHistoryEntry[];
}

/** Options of `rebuildBestBidAsk` and `compareBookWithBookTicker`. */
export interface BookRebuildOptions extends DepthSelection {
  /** Set false to ignore the sample's snapshots (a partial book from updates only). */
  useSnapshots?: boolean;
}

/**
 * Rebuilds the order book of one symbol from a sample (messages plus REST snapshots) and returns
 * the best bid/ask after every applied event. Events before the snapshot are used when they are
 * newer than it (a capture buffers them); after a gap the next snapshot resyncs the book.
 * Without a snapshot the result is partial: the best of the levels seen so far.
 * @example const r = rebuildBestBidAsk(sample); r.bestBidAsk.bidPrice
 */
export function rebuildBestBidAsk(source: DepthSource, options: BookRebuildOptions = {}): BookRebuild {
  const { symbol, stream, messages, topLevels } = chooseDepthMessages(source, options);
  const { updates } = decodeDepthMessages(messages);
  const snapshots = snapshotsFor(source, symbol, options.useSnapshots !== false && topLevels === null);
  const builder = new SampleBookBuilder(symbol, snapshots);
  const book = builder.book;
  learnLevelText(book, messages);
  const n = updates.length;
  const eventTime = new Float64Array(n);
  const transactionTime = new Float64Array(n);
  const localTimestamp = new Float64Array(n);
  const finalUpdateId = new Float64Array(n);
  const bidPrice = new Float64Array(n);
  const bidQuantity = new Float64Array(n);
  const askPrice = new Float64Array(n);
  const askQuantity = new Float64Array(n);
  const isPartial = new Uint8Array(n);
  let rows = 0;
  for (const update of updates) {
    let outcome: ApplyOutcome = "applied";
    if (topLevels !== null) book.applyTopLevels(update, topLevels);
    else outcome = builder.apply(update);
    if (outcome !== "applied" && outcome !== "partial") continue;
    eventTime[rows] = update.eventTime;
    transactionTime[rows] = update.transactionTime;
    localTimestamp[rows] = update.localTimestamp ?? NaN;
    finalUpdateId[rows] = update.finalUpdateId;
    bidPrice[rows] = book.bids.bestPrice();
    bidQuantity[rows] = book.bids.bestQuantity();
    askPrice[rows] = book.asks.bestPrice();
    askQuantity[rows] = book.asks.bestQuantity();
    isPartial[rows] = outcome === "partial" ? 1 : 0;
    rows++;
  }
  const waitingCount = builder.waitingCount;
  const partial = snapshots.length === 0 && topLevels === null;
  const note =
    topLevels !== null
      ? `Top ${topLevels} levels of ${symbol} from ${stream}: ${book.appliedCount} pictures, each the whole top ${topLevels} (levels beyond are unknown).`
      : partial
        ? `No depth snapshot for ${symbol}: best bid/ask are the best of the levels seen in ${book.appliedCount} updates, a partial book.`
        : `Rebuilt ${symbol} from ${book.snapshotCount} snapshot(s): ${book.appliedCount} events applied, ${book.staleCount} older than the snapshot dropped, ${book.gapCount} gap(s)` +
          (waitingCount > 0 ? `, ${waitingCount} events not applied for want of a newer snapshot.` : ".");
  return {
    symbol,
    stream,
    bestBidAsk: {
      length: rows,
      eventTime: eventTime.slice(0, rows),
      transactionTime: transactionTime.slice(0, rows),
      localTimestamp: localTimestamp.slice(0, rows),
      finalUpdateId: finalUpdateId.slice(0, rows),
      bidPrice: bidPrice.slice(0, rows),
      bidQuantity: bidQuantity.slice(0, rows),
      askPrice: askPrice.slice(0, rows),
      askQuantity: askQuantity.slice(0, rows),
      isPartial: isPartial.slice(0, rows),
    },
    appliedCount: book.appliedCount,
    staleCount: book.staleCount,
    gapCount: book.gapCount,
    waitingCount,
    snapshotsUsed: book.snapshotCount,
    isPartial: partial,
    note,
    book,
    history: builder.history,
  };
}

/** A bookTicker whose best levels differ from the rebuilt book at the same update id. */
export interface BookMismatch {
  readonly updateId: number;
  readonly eventTime: number;
  /** What bookTicker said: b, B, a, A. */
  readonly bookTicker: readonly [bidPrice: number, bidQuantity: number, askPrice: number, askQuantity: number];
  /** What the rebuilt book held. */
  readonly rebuilt: readonly [bidPrice: number, bidQuantity: number, askPrice: number, askQuantity: number];
}

/** The result of `compareBookWithBookTicker`. */
export interface BookTickerComparison {
  readonly symbol: string;
  readonly bookTickerCount: number;
  /** bookTickers whose `u` equals the `u` of a synced depth event: the ones compared. */
  readonly comparedCount: number;
  readonly matchCount: number;
  readonly mismatchCount: number;
  /** The first mismatches (at most 20). */
  readonly mismatches: readonly BookMismatch[];
  /** Every compared bookTicker: its `u`, event time, and 1 when the book matched it. */
  readonly compared: { readonly updateId: Float64Array; readonly eventTime: Float64Array; readonly matches: Uint8Array };
  readonly rebuild: BookRebuild;
}

/**
 * Checks the rebuilt book against `bookTicker`: whenever a bookTicker's `u` equals a synced
 * depth event's `u`, the best bid/ask (price and quantity) must be equal. A correct rebuild of
 * an unbroken recording has zero mismatches.
 * @example compareBookWithBookTicker(sample).mismatchCount // 0
 */
export function compareBookWithBookTicker(source: DepthSource, options: BookRebuildOptions = {}): BookTickerComparison {
  const rebuild = rebuildBestBidAsk(source, options);
  const best = rebuild.bestBidAsk;
  const rowById = new Map<number, number>();
  for (let i = 0; i < best.length; i++) if (!best.isPartial[i]) rowById.set(best.finalUpdateId[i], i);
  let bookTickerCount = 0;
  let comparedCount = 0;
  let matchCount = 0;
  const mismatches: BookMismatch[] = [];
  let mismatchCount = 0;
  const comparedIds: number[] = [];
  const comparedTimes: number[] = [];
  const comparedMatches: number[] = [];
  for (const message of source.messages) {
    const data = message.data as { e?: unknown; s?: unknown } | null;
    if (typeof data !== "object" || data === null || data.e !== "bookTicker" || data.s !== rebuild.symbol) continue;
    bookTickerCount++;
    const ticker = decodeBookTicker(data, message.localTimestamp ?? null);
    const row = rowById.get(ticker.updateId);
    if (row === undefined) continue;
    comparedCount++;
    const rebuilt = [best.bidPrice[row], best.bidQuantity[row], best.askPrice[row], best.askQuantity[row]] as const;
    const expected = [ticker.bidPrice, ticker.bidQuantity, ticker.askPrice, ticker.askQuantity] as const;
    const matches = rebuilt[0] === expected[0] && rebuilt[1] === expected[1] && rebuilt[2] === expected[2] && rebuilt[3] === expected[3];
    comparedIds.push(ticker.updateId);
    comparedTimes.push(ticker.eventTime);
    comparedMatches.push(matches ? 1 : 0);
    if (matches) {
      matchCount++;
    } else {
      mismatchCount++;
      if (mismatches.length < 20)
        mismatches.push({ updateId: ticker.updateId, eventTime: ticker.eventTime, bookTicker: expected, rebuilt });
    }
  }
  const compared = {
    updateId: Float64Array.from(comparedIds),
    eventTime: Float64Array.from(comparedTimes),
    matches: Uint8Array.from(comparedMatches),
  };
  return { symbol: rebuild.symbol, bookTickerCount, comparedCount, matchCount, mismatchCount, mismatches, compared, rebuild };
}

/**
 * Breaks in the diff-depth `pu` chains (per stream), from binance/sequence.ts.
 * @example findDepthGaps(sample.messages).length // 0 for an unbroken recording
 */
export function findDepthGaps(messages: Iterable<MessageLike & { readonly stream: string }>): SequenceGap[] {
  return findSequenceGaps(messages).filter((gap) => gap.kind === "depthChain");
}
