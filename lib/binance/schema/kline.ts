/**
 * `<symbol>@kline_<interval>`, every 250 ms: the current candlestick, nested under `k`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Kline-Candlestick-Streams
 */
import { EVENT_HEADER } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `kline`. */
export const KLINE_SCHEMA = defineEvent({
  eventType: "kline",
  kind: "kline",
  fields: [
    ...EVENT_HEADER,
    { path: "k.s", name: "klineSymbol", kind: "text", decoded: false, meaning: "symbol, again" },
    {
      path: "k.i",
      name: "interval",
      kind: "enum",
      values: ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"],
      meaning: "kline interval",
    },
    { path: "k.t", name: "openTime", kind: "time", unit: "ms", meaning: "kline start time (ms)" },
    { path: "k.T", name: "closeTime", kind: "time", unit: "ms", meaning: "kline close time (ms)" },
    { path: "k.f", name: "firstTradeId", kind: "id", meaning: "first trade id in the kline" },
    { path: "k.L", name: "lastTradeId", kind: "id", meaning: "last trade id in the kline" },
    { path: "k.o", name: "open", kind: "decimal", unit: "quote asset", meaning: "open price" },
    { path: "k.c", name: "close", kind: "decimal", unit: "quote asset", meaning: "close price (the last price while the kline is open)" },
    { path: "k.h", name: "high", kind: "decimal", unit: "quote asset", meaning: "high price" },
    { path: "k.l", name: "low", kind: "decimal", unit: "quote asset", meaning: "low price" },
    { path: "k.v", name: "baseVolume", kind: "decimal", unit: "base asset", meaning: "traded volume, base asset" },
    { path: "k.q", name: "quoteVolume", kind: "decimal", unit: "quote asset", meaning: "traded volume, quote asset" },
    { path: "k.V", name: "takerBuyBaseVolume", kind: "decimal", unit: "base asset", meaning: "taker buy volume, base asset" },
    { path: "k.Q", name: "takerBuyQuoteVolume", kind: "decimal", unit: "quote asset", meaning: "taker buy volume, quote asset" },
    { path: "k.n", name: "tradeCount", kind: "integer", meaning: "number of trades in the kline" },
    { path: "k.x", name: "isClosed", kind: "boolean", meaning: "the kline is closed (its last update)" },
    { path: "k.B", name: "ignore", kind: "text", decoded: false, meaning: "ignore (Binance documents no meaning)" },
  ],
  frame: [
    "time",
    "eventTime",
    "symbol",
    "interval",
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
    "firstTradeId",
    "lastTradeId",
    "isClosed",
    "localTimestamp",
  ],
});

/** `<symbol>@kline_<interval>` payload; the candlestick is nested under `k`. */
export interface RawKline extends RawEventOf<typeof KLINE_SCHEMA> {}

/** A decoded `kline` (the fields of `k` flattened). */
export interface Kline extends RecordOf<typeof KLINE_SCHEMA> {}
