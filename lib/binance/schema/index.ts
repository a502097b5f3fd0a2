/**
 * The schema table: one schema per event type, the single place where Binance's letters get
 * their names, kinds and meanings. Decoders (decode.ts), field descriptions (fields.ts), typed
 * columns (analysis/columns.ts) and DataFrames (notebook/frames.ts) are derived from it.
 *
 * Adding an event type is adding its schema file here and its row to `EVENT_SCHEMAS`, plus its
 * stream families (routes) in routes.ts. Several families may share one schema (`@markPrice` and
 * `!markPrice@arr`), and two schemas may share one `e` (diff and partial depth are both
 * `depthUpdate`): the stream name tells them apart (stream-schemas.ts), and without one the
 * first schema listed for the `e` is meant.
 */
import { AGG_TRADE_SCHEMA } from "./agg-trade";
import { ASSET_INDEX_SCHEMA } from "./asset-index";
import { BOOK_TICKER_SCHEMA } from "./book-ticker";
import { COMPOSITE_INDEX_SCHEMA } from "./composite-index";
import { CONTINUOUS_KLINE_SCHEMA } from "./continuous-kline";
import { CONTRACT_INFO_SCHEMA } from "./contract-info";
import { DEPTH_UPDATE_SCHEMA } from "./depth-update";
import { FORCE_ORDER_SCHEMA } from "./force-order";
import { KLINE_SCHEMA } from "./kline";
import { MARK_PRICE_SCHEMA } from "./mark-price";
import { MINI_TICKER_SCHEMA } from "./mini-ticker";
import { PARTIAL_DEPTH_SCHEMA } from "./partial-depth";
import { TICKER_SCHEMA } from "./ticker";
import { TRADE_SCHEMA } from "./trade";
import type { EventSchema, RawEventOf, RecordOf } from "./kinds";

export * from "./kinds";
export { EVENT_HEADER, EVENT_TIME, EVENT_TYPE, type TakerSide } from "./common";
export { AGG_TRADE_SCHEMA, type RawAggTrade, type AggTrade } from "./agg-trade";
export { ASSET_INDEX_SCHEMA, type RawAssetIndex, type AssetIndex } from "./asset-index";
export { BOOK_TICKER_SCHEMA, type RawBookTicker, type BookTicker } from "./book-ticker";
export { COMPOSITE_INDEX_SCHEMA, type RawCompositeIndex, type CompositeIndex } from "./composite-index";
export { CONTINUOUS_KLINE_SCHEMA, type RawContinuousKline, type ContinuousKline } from "./continuous-kline";
export { CONTRACT_INFO_SCHEMA, type RawContractInfo, type ContractInfo } from "./contract-info";
export { DEPTH_SNAPSHOT_SCHEMA, type RawDepthSnapshot } from "./depth-snapshot";
export { DEPTH_UPDATE_SCHEMA, type RawDepthUpdate, type DepthUpdate } from "./depth-update";
export { FORCE_ORDER_SCHEMA, type RawForceOrder, type ForceOrder, type LiquidatedPosition } from "./force-order";
export { KLINE_SCHEMA, type RawKline, type Kline } from "./kline";
export { MARK_PRICE_SCHEMA, type RawMarkPrice, type MarkPrice } from "./mark-price";
export { MINI_TICKER_SCHEMA, type RawMiniTicker, type MiniTicker } from "./mini-ticker";
export { PARTIAL_DEPTH_SCHEMA, type RawPartialDepth, type PartialDepth } from "./partial-depth";
export { TICKER_SCHEMA, type RawTicker, type Ticker } from "./ticker";
export { TRADE_SCHEMA, type RawTrade, type Trade } from "./trade";

/**
 * Every event type with a schema, in the order of the first stream family of each (routes.ts).
 * `DEPTH_UPDATE_SCHEMA` comes before `PARTIAL_DEPTH_SCHEMA`: a `depthUpdate` without a stream
 * name is diff depth.
 */
export const EVENT_SCHEMAS = [
  TICKER_SCHEMA,
  TRADE_SCHEMA,
  MINI_TICKER_SCHEMA,
  DEPTH_UPDATE_SCHEMA,
  AGG_TRADE_SCHEMA,
  BOOK_TICKER_SCHEMA,
  MARK_PRICE_SCHEMA,
  KLINE_SCHEMA,
  PARTIAL_DEPTH_SCHEMA,
  CONTINUOUS_KLINE_SCHEMA,
  FORCE_ORDER_SCHEMA,
  CONTRACT_INFO_SCHEMA,
  ASSET_INDEX_SCHEMA,
  COMPOSITE_INDEX_SCHEMA,
] as const;

/** Any of the event schemas. */
export type AnyEventSchema = (typeof EVENT_SCHEMAS)[number];

/** Any payload of the event types with a schema. */
export type RawPayload = AnyEventSchema extends infer S ? (S extends AnyEventSchema ? RawEventOf<S> : never) : never;

/** Any decoded record: one per event schema. */
export type MarketRecord = AnyEventSchema extends infer S ? (S extends AnyEventSchema ? RecordOf<S> : never) : never;

const byEventType = new Map<string, EventSchema>();
for (const schema of EVENT_SCHEMAS) if (!byEventType.has(schema.eventType)) byEventType.set(schema.eventType, schema);
const byKind: ReadonlyMap<string, EventSchema> = new Map(EVENT_SCHEMAS.map((schema) => [schema.kind, schema]));

/**
 * The schema of an event type (`e`), or `undefined`; for an `e` two schemas share
 * (`depthUpdate`), the first listed (diff depth): `findSchemaByKind` names the other.
 * @example findEventSchema("trade")?.fields.map((f) => f.column) // ["event_type", "event_time", ...]
 */
export function findEventSchema(eventType: string): EventSchema | undefined {
  return byEventType.get(eventType);
}

/**
 * The schema whose records have this `kind` (a stream family's `kind`), or `undefined`.
 * @example findSchemaByKind("partialDepth") === PARTIAL_DEPTH_SCHEMA
 */
export function findSchemaByKind(kind: string): EventSchema | undefined {
  return byKind.get(kind);
}
