/**
 * `<pair>_<contractType>@continuousKline_<interval>`, every 250 ms: the current candlestick of a
 * contract type (perpetual, current or next quarter) of a pair, nested under `k`; no `s`, the
 * pair is `ps`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Continuous-Contract-Kline-Candlestick-Streams
 */
import { CANDLE_FRAME_COLUMNS, CANDLE_STATS, CANDLE_WINDOW, CONTRACT_TYPE, EVENT_TIME, EVENT_TYPE } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `continuous_kline`. */
export const CONTINUOUS_KLINE_SCHEMA = defineEvent({
  eventType: "continuous_kline",
  kind: "continuousKline",
  fields: [
    EVENT_TYPE,
    EVENT_TIME,
    { path: "ps", name: "symbol", kind: "text", meaning: "pair (ps), e.g. BTCUSDT: the symbol of the perpetual" },
    CONTRACT_TYPE,
    ...CANDLE_WINDOW,
    { path: "k.f", name: "firstUpdateId", kind: "id", meaning: "first update id in the kline" },
    { path: "k.L", name: "lastUpdateId", kind: "id", meaning: "last update id in the kline" },
    ...CANDLE_STATS,
  ],
  frame: [
    "time",
    "eventTime",
    "symbol",
    "contractType",
    "interval",
    ...CANDLE_FRAME_COLUMNS,
    "firstUpdateId",
    "lastUpdateId",
    "isClosed",
    "localTimestamp",
  ],
});

/** `<pair>_<contractType>@continuousKline_<interval>` payload (`continuous_kline`). */
export interface RawContinuousKline extends RawEventOf<typeof CONTINUOUS_KLINE_SCHEMA> {}

/** A decoded `continuous_kline` (the fields of `k` flattened; `symbol` is the pair). */
export interface ContinuousKline extends RecordOf<typeof CONTINUOUS_KLINE_SCHEMA> {}
