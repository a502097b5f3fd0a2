/**
 * Wire types: payloads exactly as Binance sends them on USDⓈ-M market streams (prices and
 * quantities are decimal strings, times integer ms since the epoch, ids integers). Each is
 * derived from its schema in ./schema, where every field's meaning is: `describeSchema("trade")`.
 */
export type {
  RawAggTrade,
  RawBookTicker,
  RawDepthSnapshot,
  RawDepthUpdate,
  RawKline,
  RawLevel,
  RawMarkPrice,
  RawMiniTicker,
  RawPayload,
  RawTicker,
  RawTrade,
} from "./schema";

/** A combined-stream frame: `{"stream": "<name>", "data": <payload>}`. */
export interface RawCombinedFrame<T = unknown> {
  stream: string;
  data: T;
}
