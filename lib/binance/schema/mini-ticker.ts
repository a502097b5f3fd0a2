/**
 * `<symbol>@miniTicker`, every 2000 ms: the ticker without change, average and trade ids.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Individual-Symbol-Mini-Ticker-Stream
 */
import { EVENT_HEADER, WINDOW_STATS } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `24hrMiniTicker`. */
export const MINI_TICKER_SCHEMA = defineEvent({
  eventType: "24hrMiniTicker",
  kind: "miniTicker",
  fields: [
    ...EVENT_HEADER,
    { path: "c", name: "closePrice", kind: "decimal", unit: "quote asset", meaning: "last traded price" },
    ...WINDOW_STATS,
  ],
  frame: ["time", "eventTime", "symbol", "closePrice", "openPrice", "highPrice", "lowPrice", "baseVolume", "quoteVolume", "localTimestamp"],
});

/** `<symbol>@miniTicker` payload (`24hrMiniTicker`). */
export interface RawMiniTicker extends RawEventOf<typeof MINI_TICKER_SCHEMA> {}

/** A decoded `24hrMiniTicker`. */
export interface MiniTicker extends RecordOf<typeof MINI_TICKER_SCHEMA> {}
