/**
 * Fields that several event types share, written once: the event header (`e`, `E`, `s`), the
 * trade fields of `trade` and `aggTrade`, the 24 h window of `24hrTicker` and `24hrMiniTicker`,
 * and the matching-engine time of `depthUpdate` and `bookTicker`.
 */
import { takerSideOf, type TakerSide } from "../taker-side";
import { defineField } from "./kinds";

export type { TakerSide };

/** `e`: on the wire only; the decoded record's `kind` says it. */
export const EVENT_TYPE = defineField({ path: "e", name: "eventType", kind: "enum", decoded: false, meaning: "event type" });

/** `E`, `s` and `e`: the fields every stream event starts with. */
export const EVENT_HEADER = [
  EVENT_TYPE,
  defineField({ path: "E", name: "eventTime", kind: "time", unit: "ms", meaning: "event time (ms since epoch, Binance's clock)" }),
  defineField({ path: "s", name: "symbol", kind: "text", meaning: "symbol" }),
] as const;

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
