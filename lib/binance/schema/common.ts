/**
 * Fields that several event types share, written once: the event header (`e`, `E`, `s`), the
 * trade fields of `trade` and `aggTrade`, the 24 h window of `24hrTicker` and `24hrMiniTicker`,
 * the matching-engine time of `depthUpdate` and `bookTicker`, the candle of `kline` and
 * `continuous_kline`, the contract type, the ids and levels of `depthUpdate` (diff and partial),
 * and the best levels of a partial-depth picture.
 */
import { KLINE_INTERVALS } from "../routes";
import { takerSideOf, type TakerSide } from "../taker-side";
import { defineField } from "./kinds";

export type { TakerSide };

/** `e`: on the wire only; the decoded record's `kind` says it. */
export const EVENT_TYPE = defineField({ path: "e", name: "eventType", kind: "enum", decoded: false, meaning: "event type" });

/** `E`: every stream event's time. */
export const EVENT_TIME = defineField({
  path: "E",
  name: "eventTime",
  kind: "time",
  unit: "ms",
  meaning: "event time (ms since epoch, Binance's clock)",
});

/**
 * `e`, `E` and `s`: the fields most stream events start with (`forceOrder` has its symbol in
 * `o.s`, `continuous_kline` its pair in `ps`).
 */
export const EVENT_HEADER = [EVENT_TYPE, EVENT_TIME, defineField({ path: "s", name: "symbol", kind: "text", meaning: "symbol" })] as const;

/** `T` of `depthUpdate` and `bookTicker`. */
export const TRANSACTION_TIME = defineField({
  path: "T",
  name: "transactionTime",
  kind: "time",
  unit: "ms",
  meaning: "matching-engine time (ms)",
});

/** `T` of `trade` and `aggTrade`. */
export const TRADE_TIME = defineField({ path: "T", name: "tradeTime", kind: "time", unit: "ms", meaning: "trade time (ms)" });

/** `p` of `trade` and `aggTrade`. */
export const TRADE_PRICE = defineField({ path: "p", name: "price", kind: "decimal", unit: "quote asset", meaning: "price" });

/** `m` of `trade` and `aggTrade`, and the taker side derived from it. */
export const TAKER_FIELDS = [
  defineField({ path: "m", name: "isBuyerMaker", kind: "boolean", meaning: "buyer was the maker: true means the taker SOLD" }),
  defineField({
    name: "side",
    kind: "enum",
    values: ["buy", "sell"],
    columnar: false,
    meaning: "the taker's side: sell when the buyer was the maker, else buy",
    derive: (record: Readonly<Record<string, unknown>>): TakerSide => takerSideOf(record.isBuyerMaker as boolean),
  }),
] as const;

/** `o`, `h`, `l`, `v`, `q` of `24hrTicker` and `24hrMiniTicker`. */
export const WINDOW_STATS = [
  defineField({ path: "o", name: "openPrice", kind: "decimal", unit: "quote asset", meaning: "price 24 h ago (window open)" }),
  defineField({ path: "h", name: "highPrice", kind: "decimal", unit: "quote asset", meaning: "highest price in the window" }),
  defineField({ path: "l", name: "lowPrice", kind: "decimal", unit: "quote asset", meaning: "lowest price in the window" }),
  defineField({ path: "v", name: "baseVolume", kind: "decimal", unit: "base asset", meaning: "traded volume, base asset" }),
  defineField({ path: "q", name: "quoteVolume", kind: "decimal", unit: "quote asset", meaning: "traded volume, quote asset" }),
] as const;

/** `k.i`, `k.t`, `k.T` of `kline` and `continuous_kline`: which candle this is. */
export const CANDLE_WINDOW = [
  defineField({ path: "k.i", name: "interval", kind: "enum", values: KLINE_INTERVALS, meaning: "kline interval" }),
  defineField({ path: "k.t", name: "openTime", kind: "time", unit: "ms", meaning: "kline start time (ms)" }),
  defineField({ path: "k.T", name: "closeTime", kind: "time", unit: "ms", meaning: "kline close time (ms)" }),
] as const;

/** `k.o` … `k.B` of `kline` and `continuous_kline`: the candle so far. */
export const CANDLE_STATS = [
  defineField({ path: "k.o", name: "open", kind: "decimal", unit: "quote asset", meaning: "open price" }),
  defineField({
    path: "k.c",
    name: "close",
    kind: "decimal",
    unit: "quote asset",
    meaning: "close price (the last price while the kline is open)",
  }),
  defineField({ path: "k.h", name: "high", kind: "decimal", unit: "quote asset", meaning: "high price" }),
  defineField({ path: "k.l", name: "low", kind: "decimal", unit: "quote asset", meaning: "low price" }),
  defineField({ path: "k.v", name: "baseVolume", kind: "decimal", unit: "base asset", meaning: "traded volume, base asset" }),
  defineField({ path: "k.q", name: "quoteVolume", kind: "decimal", unit: "quote asset", meaning: "traded volume, quote asset" }),
  defineField({ path: "k.V", name: "takerBuyBaseVolume", kind: "decimal", unit: "base asset", meaning: "taker buy volume, base asset" }),
  defineField({ path: "k.Q", name: "takerBuyQuoteVolume", kind: "decimal", unit: "quote asset", meaning: "taker buy volume, quote asset" }),
  defineField({ path: "k.n", name: "tradeCount", kind: "integer", meaning: "number of trades in the kline" }),
  defineField({ path: "k.x", name: "isClosed", kind: "boolean", meaning: "the kline is closed (its last update)" }),
  defineField({ path: "k.B", name: "ignore", kind: "text", decoded: false, meaning: "ignore (Binance documents no meaning)" }),
] as const;

/** `ct` of `continuous_kline` and `contractInfo`. */
export const CONTRACT_TYPE = defineField({
  path: "ct",
  name: "contractType",
  kind: "enum",
  values: ["PERPETUAL", "CURRENT_QUARTER", "NEXT_QUARTER"],
  meaning: "contract type",
});

/** The best bid and ask of a partial-depth picture: the highest bid and the lowest ask. */
function bestLevel(levels: readonly (readonly [number, number])[], side: "bid" | "ask"): readonly [number, number] | null {
  let best: readonly [number, number] | null = null;
  for (const level of levels) {
    if (level[1] === 0) continue;
    if (best === null || (side === "bid" ? level[0] > best[0] : level[0] < best[0])) best = level;
  }
  return best;
}

/**
 * Best bid and ask price and quantity derived from `b` and `a` (NaN for an empty side): the
 * highest bid and the lowest ask, whatever order the levels come in.
 */
export const BEST_LEVELS = [
  defineField({
    name: "bidPrice",
    kind: "decimal",
    unit: "quote asset",
    meaning: "best bid price: the highest of b",
    derive: (r: Readonly<Record<string, unknown>>) => bestLevel(r.bids as [number, number][], "bid")?.[0] ?? NaN,
  }),
  defineField({
    name: "bidQuantity",
    kind: "decimal",
    unit: "base asset",
    meaning: "quantity at the best bid",
    derive: (r: Readonly<Record<string, unknown>>) => bestLevel(r.bids as [number, number][], "bid")?.[1] ?? NaN,
  }),
  defineField({
    name: "askPrice",
    kind: "decimal",
    unit: "quote asset",
    meaning: "best ask price: the lowest of a",
    derive: (r: Readonly<Record<string, unknown>>) => bestLevel(r.asks as [number, number][], "ask")?.[0] ?? NaN,
  }),
  defineField({
    name: "askQuantity",
    kind: "decimal",
    unit: "base asset",
    meaning: "quantity at the best ask",
    derive: (r: Readonly<Record<string, unknown>>) => bestLevel(r.asks as [number, number][], "ask")?.[1] ?? NaN,
  }),
] as const;

/** What `U`, `u`, `pu`, `b` and `a` mean on one kind of depth stream. */
export interface DepthUpdateMeanings {
  readonly U: string;
  readonly u: string;
  readonly pu: string;
  readonly b: string;
  readonly a: string;
}

/**
 * The update ids and levels of a `depthUpdate` (`U`, `u`, `pu`, `b`, `a`): the same letters,
 * names and kinds on diff and partial depth streams, with what each means there.
 */
export function depthUpdateFields(meaning: DepthUpdateMeanings) {
  return [
    defineField({ path: "U", name: "firstUpdateId", kind: "id", meaning: meaning.U }),
    defineField({ path: "u", name: "finalUpdateId", kind: "id", meaning: meaning.u }),
    defineField({ path: "pu", name: "previousFinalUpdateId", kind: "id", meaning: meaning.pu }),
    defineField({ path: "b", name: "bids", kind: "levels", side: "bid", meaning: meaning.b }),
    defineField({ path: "a", name: "asks", kind: "levels", side: "ask", meaning: meaning.a }),
  ] as const;
}

/** The candle's columns in a kline DataFrame, in order (after the symbol and interval). */
export const CANDLE_FRAME_COLUMNS = [
  "openTime",
  "closeTime",
  "open",
  "high",
  "low",
  "close",
  "baseVolume",
  "quoteVolume",
  "takerBuyBaseVolume",
  "takerBuyQuoteVolume",
  "tradeCount",
] as const;
