/**
 * Records → danfojs-node DataFrames, one function per message type, with an explicit column
 * order: a readable `time` (ISO 8601, UTC, from `E`) first, the ms clocks kept as numbers, then
 * the type's fields with units in their names where they have one. Frames are built from the
 * typed columns of analysis/columns.ts in one step; no groupby or row loops happen in danfojs
 * (docs/architecture.md: it is slow). This is the only analysis-side module that imports danfojs-node.
 */
import * as dfd from "danfojs-node";
import {
  aggTradeColumns,
  bookTickerColumns,
  depthColumns,
  depthLevelColumns,
  miniTickerColumns,
  tickerColumns,
  tradeColumns,
  type AggTradeColumns,
  type BookTickerColumns,
  type DepthColumns,
  type DepthLevelColumns,
  type MessageLike,
  type MiniTickerColumns,
  type TickerColumns,
  type TradeColumns,
} from "../analysis/columns";
import type { BestBidAskColumns, BookRebuild } from "../analysis/depth";
import type { BuySellVolume, TradeBars } from "../analysis/trade-stats";
import { InvalidArgumentError } from "../errors";

/** A column for `buildFrame`: a typed array or a plain array of the same length as the others. */
export type FrameColumn = ArrayLike<number> | readonly (string | number | boolean | null)[];

/**
 * Builds a DataFrame from named columns, in the given order (default: the object's key order).
 * Typed arrays become plain number arrays; an empty input gives an empty frame that still has
 * its columns.
 * @example buildFrame({ price: bars.close, volume: bars.volume })
 */
export function buildFrame(columns: Readonly<Record<string, FrameColumn>>, order: readonly string[] = Object.keys(columns)): dfd.DataFrame {
  let length = -1;
  const data: Record<string, unknown[]> = {};
  for (const name of order) {
    const column = columns[name];
    if (column === undefined) {
      throw new InvalidArgumentError("UNKNOWN_COLUMN", `Unknown column ${JSON.stringify(name)}: expected one of ${Object.keys(columns).join(", ")}.`);
    }
    if (length >= 0 && column.length !== length) {
      throw new InvalidArgumentError("COLUMN_LENGTH_MISMATCH", `Column ${JSON.stringify(name)} has ${column.length} values, the others ${length}.`);
    }
    length = column.length;
    data[name] = Array.isArray(column) ? (column as unknown[]) : Array.from(column as ArrayLike<number>);
  }
  if (length <= 0) return new dfd.DataFrame([], { columns: [...order] });
  return new dfd.DataFrame(data);
}

/** ISO 8601 UTC strings for ms times (`""` for NaN). */
export function formatIsoTimes(times: ArrayLike<number>): string[] {
  const out: string[] = new Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    out[i] = Number.isFinite(t) ? new Date(t).toISOString() : "";
  }
  return out;
}

function sideNames(isBuyerMaker: Uint8Array): string[] {
  const out: string[] = new Array(isBuyerMaker.length);
  for (let i = 0; i < isBuyerMaker.length; i++) out[i] = isBuyerMaker[i] ? "sell" : "buy";
  return out;
}

function booleans(flags: Uint8Array): boolean[] {
  const out: boolean[] = new Array(flags.length);
  for (let i = 0; i < flags.length; i++) out[i] = flags[i] === 1;
  return out;
}

function multiply(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
  return out;
}

function isColumns<C extends { kind: string }>(input: unknown, kind: C["kind"]): input is C {
  return typeof input === "object" && input !== null && !Array.isArray(input) && (input as { kind?: unknown }).kind === kind;
}

/**
 * One row per trade: time, eventTime, tradeTime, symbol, tradeId, price, quantity, notional
 * (price × quantity), side (the taker's: `m: true` → "sell"), isBuyerMaker, executionType,
 * localTimestamp (NaN when unknown).
 * @example tradesFrame(sample.messages).head(5)
 */
export function tradesFrame(messages: readonly MessageLike[] | TradeColumns): dfd.DataFrame {
  const c = isColumns<TradeColumns>(messages, "trade") ? messages : tradeColumns(messages as readonly MessageLike[]);
  return buildFrame({
    time: formatIsoTimes(c.eventTime),
    eventTime: c.eventTime,
    tradeTime: c.tradeTime,
    symbol: c.symbol,
    tradeId: c.tradeId,
    price: c.price,
    quantity: c.quantity,
    notional: multiply(c.price, c.quantity),
    side: sideNames(c.isBuyerMaker),
    isBuyerMaker: booleans(c.isBuyerMaker),
    executionType: c.executionType,
    localTimestamp: c.localTimestamp,
  });
}

/** One row per aggregate trade, like `tradesFrame` plus firstTradeId, lastTradeId, tradeCount. */
export function aggTradesFrame(messages: readonly MessageLike[] | AggTradeColumns): dfd.DataFrame {
  const c = isColumns<AggTradeColumns>(messages, "aggTrade") ? messages : aggTradeColumns(messages as readonly MessageLike[]);
  return buildFrame({
    time: formatIsoTimes(c.eventTime),
    eventTime: c.eventTime,
    tradeTime: c.tradeTime,
    symbol: c.symbol,
    aggTradeId: c.aggTradeId,
    price: c.price,
    quantity: c.quantity,
    notional: multiply(c.price, c.quantity),
    side: sideNames(c.isBuyerMaker),
    isBuyerMaker: booleans(c.isBuyerMaker),
    firstTradeId: c.firstTradeId,
    lastTradeId: c.lastTradeId,
    tradeCount: c.tradeCount,
    localTimestamp: c.localTimestamp,
  });
}

/** One row per 24h ticker: last price and quantity first, then change, average, open/high/low, volumes, window and trade ids. */
export function tickersFrame(messages: readonly MessageLike[] | TickerColumns): dfd.DataFrame {
  const c = isColumns<TickerColumns>(messages, "ticker") ? messages : tickerColumns(messages as readonly MessageLike[]);
  return buildFrame({
    time: formatIsoTimes(c.eventTime),
    eventTime: c.eventTime,
    symbol: c.symbol,
    lastPrice: c.lastPrice,
    lastQuantity: c.lastQuantity,
    priceChange: c.priceChange,
    priceChangePercent: c.priceChangePercent,
    weightedAveragePrice: c.weightedAveragePrice,
    openPrice: c.openPrice,
    highPrice: c.highPrice,
    lowPrice: c.lowPrice,
    baseVolume: c.baseVolume,
    quoteVolume: c.quoteVolume,
    statsOpenTime: c.statsOpenTime,
    statsCloseTime: c.statsCloseTime,
    firstTradeId: c.firstTradeId,
    lastTradeId: c.lastTradeId,
    tradeCount: c.tradeCount,
    localTimestamp: c.localTimestamp,
  });
}

/** One row per 24h mini ticker: close (last) price, open/high/low, base and quote volume. */
export function miniTickersFrame(messages: readonly MessageLike[] | MiniTickerColumns): dfd.DataFrame {
  const c = isColumns<MiniTickerColumns>(messages, "miniTicker") ? messages : miniTickerColumns(messages as readonly MessageLike[]);
  return buildFrame({
    time: formatIsoTimes(c.eventTime),
    eventTime: c.eventTime,
    symbol: c.symbol,
    closePrice: c.closePrice,
    openPrice: c.openPrice,
    highPrice: c.highPrice,
    lowPrice: c.lowPrice,
    baseVolume: c.baseVolume,
    quoteVolume: c.quoteVolume,
    localTimestamp: c.localTimestamp,
  });
}

/**
 * One row per diff-depth update: ids (`U`, `u`, `pu`) and how many bid/ask levels it changed
 * and removed.
 */
export function depthUpdatesFrame(messages: readonly MessageLike[] | DepthColumns): dfd.DataFrame {
  const c = isColumns<DepthColumns>(messages, "depth") ? messages : depthColumns(messages as readonly MessageLike[]);
  return buildFrame({
    time: formatIsoTimes(c.eventTime),
    eventTime: c.eventTime,
    transactionTime: c.transactionTime,
    symbol: c.symbol,
    stream: c.stream,
    firstUpdateId: c.firstUpdateId,
    finalUpdateId: c.finalUpdateId,
    previousFinalUpdateId: c.previousFinalUpdateId,
    bidLevelCount: c.bidLevelCount,
    askLevelCount: c.askLevelCount,
    bidRemovalCount: c.bidRemovalCount,
    askRemovalCount: c.askRemovalCount,
    localTimestamp: c.localTimestamp,
  });
}

/** One row per price level of every depth update: side ("bid"/"ask"), price, new absolute quantity (0 removes). */
export function depthLevelsFrame(messages: readonly MessageLike[] | DepthLevelColumns): dfd.DataFrame {
  const c: DepthLevelColumns = Array.isArray(messages) ? depthLevelColumns(messages as readonly MessageLike[]) : (messages as DepthLevelColumns);
  const side: string[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) side[i] = c.isAsk[i] ? "ask" : "bid";
  return buildFrame({
    time: formatIsoTimes(c.eventTime),
    eventTime: c.eventTime,
    symbol: c.symbol,
    updateIndex: c.updateIndex,
    finalUpdateId: c.finalUpdateId,
    side,
    price: c.price,
    quantity: c.quantity,
  });
}

/** One row per bookTicker: best bid/ask price and quantity, and the spread (ask − bid). */
export function bookTickersFrame(messages: readonly MessageLike[] | BookTickerColumns): dfd.DataFrame {
  const c = isColumns<BookTickerColumns>(messages, "bookTicker") ? messages : bookTickerColumns(messages as readonly MessageLike[]);
  const spread = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) spread[i] = c.askPrice[i] - c.bidPrice[i];
  return buildFrame({
    time: formatIsoTimes(c.eventTime),
    eventTime: c.eventTime,
    transactionTime: c.transactionTime,
    symbol: c.symbol,
    updateId: c.updateId,
    bidPrice: c.bidPrice,
    bidQuantity: c.bidQuantity,
    askPrice: c.askPrice,
    askQuantity: c.askQuantity,
    spread,
    localTimestamp: c.localTimestamp,
  });
}

/** One row per applied depth event of a book rebuild: best bid/ask, spread, and whether the book was partial. */
export function bestBidAskFrame(rebuild: BookRebuild | BestBidAskColumns): dfd.DataFrame {
  const c = "bestBidAsk" in rebuild ? rebuild.bestBidAsk : rebuild;
  const spread = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) spread[i] = c.askPrice[i] - c.bidPrice[i];
  return buildFrame({
    time: formatIsoTimes(c.eventTime),
    eventTime: c.eventTime,
    finalUpdateId: c.finalUpdateId,
    bidPrice: c.bidPrice,
    bidQuantity: c.bidQuantity,
    askPrice: c.askPrice,
    askQuantity: c.askQuantity,
    spread,
    isPartial: booleans(c.isPartial),
  });
}

/** One row per bar of `computeTradeBars`: time (bar start), OHLC, volumes, trade count, VWAP. */
export function tradeBarsFrame(bars: TradeBars): dfd.DataFrame {
  return buildFrame({
    time: formatIsoTimes(bars.openTime),
    openTime: bars.openTime,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
    quoteVolume: bars.quoteVolume,
    buyVolume: bars.buyVolume,
    sellVolume: bars.sellVolume,
    tradeCount: bars.tradeCount,
    vwap: bars.vwap,
  });
}

/** One row per interval of `computeBuySellVolume`. */
export function buySellVolumeFrame(volume: BuySellVolume): dfd.DataFrame {
  return buildFrame({
    time: formatIsoTimes(volume.time),
    intervalStart: volume.time,
    buyQuantity: volume.buyQuantity,
    sellQuantity: volume.sellQuantity,
    buyNotional: volume.buyNotional,
    sellNotional: volume.sellNotional,
    tradeCount: volume.tradeCount,
  });
}
