/**
 * Wire types: payloads exactly as Binance sends them on USDⓈ-M market streams, derived from the
 * schemas in ./schema (prices and quantities are decimal strings, times integer ms since the
 * epoch, ids integers). A field's meaning is in its schema: `describeSchema(TRADE_SCHEMA)`.
 */
import type {
  AGG_TRADE_SCHEMA,
  AnyEventSchema,
  BOOK_TICKER_SCHEMA,
  DEPTH_SNAPSHOT_SCHEMA,
  DEPTH_UPDATE_SCHEMA,
  KLINE_SCHEMA,
  MARK_PRICE_SCHEMA,
  MINI_TICKER_SCHEMA,
  RawEventOf,
  RawPayloadOf,
  TICKER_SCHEMA,
  TRADE_SCHEMA,
} from "./schema";

export type { RawLevel } from "./schema";

/** `<symbol>@ticker` payload (`24hrTicker`). */
export interface RawTicker extends RawEventOf<typeof TICKER_SCHEMA> {}
/** `<symbol>@miniTicker` payload (`24hrMiniTicker`). */
export interface RawMiniTicker extends RawEventOf<typeof MINI_TICKER_SCHEMA> {}
/** `<symbol>@trade` payload. */
export interface RawTrade extends RawEventOf<typeof TRADE_SCHEMA> {}
/** `<symbol>@aggTrade` payload. */
export interface RawAggTrade extends RawEventOf<typeof AGG_TRADE_SCHEMA> {}
/** `<symbol>@depth…` payload (`depthUpdate`). */
export interface RawDepthUpdate extends RawEventOf<typeof DEPTH_UPDATE_SCHEMA> {}
/** `<symbol>@bookTicker` payload. */
export interface RawBookTicker extends RawEventOf<typeof BOOK_TICKER_SCHEMA> {}
/** `<symbol>@markPrice…` payload (`markPriceUpdate`). */
export interface RawMarkPrice extends RawEventOf<typeof MARK_PRICE_SCHEMA> {}
/** `<symbol>@kline_<interval>` payload; the candlestick is nested under `k`. */
export interface RawKline extends RawEventOf<typeof KLINE_SCHEMA> {}
/** `GET /fapi/v1/depth` response body. */
export interface RawDepthSnapshot extends RawPayloadOf<typeof DEPTH_SNAPSHOT_SCHEMA> {}

/** Any payload of the event types with a schema. */
export type RawPayload = AnyEventSchema extends infer S ? (S extends AnyEventSchema ? RawEventOf<S> : never) : never;

/** A combined-stream frame: `{"stream": "<name>", "data": <payload>}`. */
export interface RawCombinedFrame<T = unknown> {
  stream: string;
  data: T;
}
