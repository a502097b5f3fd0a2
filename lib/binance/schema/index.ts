/**
 * The schema table: one schema per event type, the single place where Binance's letters get
 * their names, kinds and meanings. Decoders (decode.ts), field descriptions (fields.ts), typed
 * columns (analysis/columns.ts) and DataFrames (notebook/frames.ts) are derived from it.
 *
 * Adding an event type is adding its schema file here and its row to `EVENT_SCHEMAS`, plus its
 * stream family (route) in endpoints.ts.
 */
import { AGG_TRADE_SCHEMA } from "./agg-trade";
import { BOOK_TICKER_SCHEMA } from "./book-ticker";
import { DEPTH_UPDATE_SCHEMA } from "./depth-update";
import { KLINE_SCHEMA } from "./kline";
import { MARK_PRICE_SCHEMA } from "./mark-price";
import { MINI_TICKER_SCHEMA } from "./mini-ticker";
import { TICKER_SCHEMA } from "./ticker";
import { TRADE_SCHEMA } from "./trade";
import type { EventSchema, RawEventOf, RecordOf } from "./kinds";

export * from "./kinds";
export { EVENT_HEADER, EVENT_TYPE, type TakerSide } from "./common";
export { AGG_TRADE_SCHEMA, type RawAggTrade, type AggTrade } from "./agg-trade";
export { BOOK_TICKER_SCHEMA, type RawBookTicker, type BookTicker } from "./book-ticker";
export { DEPTH_SNAPSHOT_SCHEMA, type RawDepthSnapshot } from "./depth-snapshot";
export { DEPTH_UPDATE_SCHEMA, type RawDepthUpdate, type DepthUpdate } from "./depth-update";
export { KLINE_SCHEMA, type RawKline, type Kline } from "./kline";
export { MARK_PRICE_SCHEMA, type RawMarkPrice, type MarkPrice } from "./mark-price";
export { MINI_TICKER_SCHEMA, type RawMiniTicker, type MiniTicker } from "./mini-ticker";
export { TICKER_SCHEMA, type RawTicker, type Ticker } from "./ticker";
export { TRADE_SCHEMA, type RawTrade, type Trade } from "./trade";

/** Every event type with a schema, in the order of the stream families (endpoints.ts). */
export const EVENT_SCHEMAS = [
  TICKER_SCHEMA,
  TRADE_SCHEMA,
  MINI_TICKER_SCHEMA,
  DEPTH_UPDATE_SCHEMA,
  AGG_TRADE_SCHEMA,
  BOOK_TICKER_SCHEMA,
  MARK_PRICE_SCHEMA,
  KLINE_SCHEMA,
] as const;

/** Any of the event schemas. */
export type AnyEventSchema = (typeof EVENT_SCHEMAS)[number];

/** Any payload of the event types with a schema. */
export type RawPayload = AnyEventSchema extends infer S ? (S extends AnyEventSchema ? RawEventOf<S> : never) : never;

/** Any decoded record: one per event schema. */
export type MarketRecord = AnyEventSchema extends infer S ? (S extends AnyEventSchema ? RecordOf<S> : never) : never;

const byEventType: ReadonlyMap<string, EventSchema> = new Map(EVENT_SCHEMAS.map((schema) => [schema.eventType, schema]));

/**
 * The schema of an event type (`e`), or `undefined`.
 * @example findEventSchema("trade")?.fields.map((f) => f.column) // ["event_type", "event_time", ...]
 */
export function findEventSchema(eventType: string): EventSchema | undefined {
  return byEventType.get(eventType);
}
