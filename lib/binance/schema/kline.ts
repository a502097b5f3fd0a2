/**
 * `<symbol>@kline_<interval>`, every 250 ms: the current candlestick, nested under `k`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Kline-Candlestick-Streams
 */
import { CANDLE_FRAME_COLUMNS, CANDLE_STATS, CANDLE_WINDOW, EVENT_HEADER } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `kline`. */
export const KLINE_SCHEMA = defineEvent({
  eventType: "kline",
  kind: "kline",
  fields: [
    ...EVENT_HEADER,
    { path: "k.s", name: "klineSymbol", kind: "text", decoded: false, meaning: "symbol, again" },
    ...CANDLE_WINDOW,
    { path: "k.f", name: "firstTradeId", kind: "id", meaning: "first trade id in the kline" },
    { path: "k.L", name: "lastTradeId", kind: "id", meaning: "last trade id in the kline" },
    ...CANDLE_STATS,
  ],
  frame: ["time", "eventTime", "symbol", "interval", ...CANDLE_FRAME_COLUMNS, "firstTradeId", "lastTradeId", "isClosed", "localTimestamp"],
});

/** `<symbol>@kline_<interval>` payload; the candlestick is nested under `k`. */
export interface RawKline extends RawEventOf<typeof KLINE_SCHEMA> {}

/** A decoded `kline` (the fields of `k` flattened). */
export interface Kline extends RecordOf<typeof KLINE_SCHEMA> {}
