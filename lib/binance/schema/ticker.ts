/**
 * `<symbol>@ticker`, every 2000 ms: 24 h rolling window statistics.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Individual-Symbol-Ticker-Streams
 */
import { EVENT_HEADER, WINDOW_STATS } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `24hrTicker`. */
export const TICKER_SCHEMA = defineEvent({
  eventType: "24hrTicker",
  kind: "ticker",
  fields: [
    ...EVENT_HEADER,
    { path: "p", name: "priceChange", kind: "decimal", unit: "quote asset", meaning: "price change over the 24 h window" },
    { path: "P", name: "priceChangePercent", kind: "decimal", unit: "percent", meaning: "price change, percent" },
    { path: "w", name: "weightedAveragePrice", kind: "decimal", unit: "quote asset", meaning: "volume-weighted average price over 24 h" },
    { path: "c", name: "lastPrice", kind: "decimal", unit: "quote asset", meaning: "last traded price" },
    { path: "Q", name: "lastQuantity", kind: "decimal", unit: "base asset", meaning: "quantity of the last trade" },
    ...WINDOW_STATS,
    { path: "O", name: "statsOpenTime", kind: "time", unit: "ms", meaning: "window open time (ms)" },
    { path: "C", name: "statsCloseTime", kind: "time", unit: "ms", meaning: "window close time (ms)" },
    { path: "F", name: "firstTradeId", kind: "id", meaning: "first trade id in the window" },
    { path: "L", name: "lastTradeId", kind: "id", meaning: "last trade id in the window" },
    { path: "n", name: "tradeCount", kind: "integer", meaning: "number of trades in the window" },
  ],
  frame: [
    "time",
    "eventTime",
    "symbol",
    "lastPrice",
    "lastQuantity",
    "priceChange",
    "priceChangePercent",
    "weightedAveragePrice",
    "openPrice",
    "highPrice",
    "lowPrice",
    "baseVolume",
    "quoteVolume",
    "statsOpenTime",
    "statsCloseTime",
    "firstTradeId",
    "lastTradeId",
    "tradeCount",
    "localTimestamp",
  ],
});

/** `<symbol>@ticker` payload (`24hrTicker`). */
export interface RawTicker extends RawEventOf<typeof TICKER_SCHEMA> {}

/** A decoded `24hrTicker`. */
export interface Ticker extends RecordOf<typeof TICKER_SCHEMA> {}
