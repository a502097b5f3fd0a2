/**
 * Messages → typed columns, derived from the schemas in binance/schema: one `Float64Array` per
 * number field, a `Uint8Array` (0/1) per boolean, a string array per text or enum field, and
 * level and removal counts per `levels` field. Every payload is decoded once by the decoders in
 * binance/decode.ts (so a malformed payload throws the same `DecodeError`, with the message's
 * index and stream added to the sentence); the other analysis functions read the arrays without
 * touching row objects.
 *
 * Messages of other types are skipped, so a whole mixed sample can be passed; a non-empty input
 * with no message of the wanted type throws, naming the types it did hold. A message's stream
 * name says which schema it follows (partial depth vs diff depth, both `depthUpdate`); without
 * one, its `e` does. Array payloads (`!miniTicker@arr`, `!ticker@arr`, …) are expanded: one row
 * per symbol. Times are ms since the epoch; `localTimestamp` is `NaN` where the recording has
 * none. Ids are kept in `Float64Array`s (exact up to 2^53).
 */
import { DecodeError, InvalidArgumentError, excerpt } from "../errors";
import { fastEventColumns } from "./fast-columns";
import { isStoredLines, readLineMessages, type StoredLines } from "./fast-lines";
import {
  decodeDepthUpdate,
  decoderFor,
  type AggTrade,
  type AssetIndex,
  type BookTicker,
  type CompositeIndex,
  type ContinuousKline,
  type ContractInfo,
  type DepthUpdate,
  type ForceOrder,
  type Kline,
  type MarkPrice,
  type MiniTicker,
  type PartialDepth,
  type Ticker,
  type Trade,
} from "../binance/decode";
import {
  AGG_TRADE_SCHEMA,
  ASSET_INDEX_SCHEMA,
  BOOK_TICKER_SCHEMA,
  COMPOSITE_INDEX_SCHEMA,
  CONTINUOUS_KLINE_SCHEMA,
  CONTRACT_INFO_SCHEMA,
  DEPTH_UPDATE_SCHEMA,
  FORCE_ORDER_SCHEMA,
  KLINE_SCHEMA,
  MARK_PRICE_SCHEMA,
  MINI_TICKER_SCHEMA,
  PARTIAL_DEPTH_SCHEMA,
  TICKER_SCHEMA,
  TRADE_SCHEMA,
  columnarFields,
  eventsOf,
  type EventSchema,
  type FieldSchema,
  type Level,
  type RecordOf,
  type TypedColumnsOf,
} from "../binance/schema";
import { schemaOfEvent } from "../binance/stream-schemas";

/** The least a message needs to be turned into columns: a `StoredMessage` fits. */
export interface MessageLike {
  readonly stream?: string;
  readonly data: unknown;
  readonly localTimestamp?: number | null;
}

/** Columns every message type has. */
export interface MessageColumns {
  /** Number of rows. */
  readonly length: number;
  /** Stream name per row (`""` for decoded records, which carry none). */
  readonly stream: readonly string[];
  readonly symbol: readonly string[];
  /** Binance's `E`, ms. */
  readonly eventTime: Float64Array;
  /** When this machine received the message, ms; `NaN` when unknown. */
  readonly localTimestamp: Float64Array;
}

/** The typed columns of an event schema, plus the columns every message type has. */
export type ColumnsOf<S extends EventSchema> = MessageColumns & TypedColumnsOf<S>;

/** `trade` messages as columns (`isBuyerMaker` 1 when the taker sold). */
export interface TradeColumns extends ColumnsOf<typeof TRADE_SCHEMA> {}
/** `aggTrade` messages as columns (`tradeCount` = `l − f + 1`). */
export interface AggTradeColumns extends ColumnsOf<typeof AGG_TRADE_SCHEMA> {}
/** `24hrTicker` messages as columns. */
export interface TickerColumns extends ColumnsOf<typeof TICKER_SCHEMA> {}
/** `24hrMiniTicker` messages as columns. */
export interface MiniTickerColumns extends ColumnsOf<typeof MINI_TICKER_SCHEMA> {}
/** `depthUpdate` messages as columns: one row per update, levels and removals (quantity 0) counted per side. */
export interface DepthColumns extends ColumnsOf<typeof DEPTH_UPDATE_SCHEMA> {}
/** `bookTicker` messages as columns. */
export interface BookTickerColumns extends ColumnsOf<typeof BOOK_TICKER_SCHEMA> {}
/** `markPriceUpdate` messages as columns (`!markPrice@arr`: one row per symbol per push). */
export interface MarkPriceColumns extends ColumnsOf<typeof MARK_PRICE_SCHEMA> {}
/** `kline` messages as columns: one row per update of the current candle. */
export interface KlineColumns extends ColumnsOf<typeof KLINE_SCHEMA> {}
/** Partial-depth pictures as columns: best bid and ask, level counts. */
export interface PartialDepthColumns extends ColumnsOf<typeof PARTIAL_DEPTH_SCHEMA> {}
/** `continuous_kline` messages as columns. */
export interface ContinuousKlineColumns extends ColumnsOf<typeof CONTINUOUS_KLINE_SCHEMA> {}
/** `forceOrder` messages (liquidations) as columns. */
export interface ForceOrderColumns extends ColumnsOf<typeof FORCE_ORDER_SCHEMA> {}
/** `contractInfo` messages as columns (brackets counted; `contractBracketColumns` lists them). */
export interface ContractInfoColumns extends ColumnsOf<typeof CONTRACT_INFO_SCHEMA> {}
/** `assetIndexUpdate` events as columns. */
export interface AssetIndexColumns extends ColumnsOf<typeof ASSET_INDEX_SCHEMA> {}
/** `compositeIndex` messages as columns (components counted). */
export interface CompositeIndexColumns extends ColumnsOf<typeof COMPOSITE_INDEX_SCHEMA> {}

/** Every level of every `depthUpdate`: one row per level. */
export interface DepthLevelColumns {
  readonly length: number;
  /** Row of the update in `depthColumns` of the same messages. */
  readonly updateIndex: Uint32Array;
  readonly symbol: readonly string[];
  readonly eventTime: Float64Array;
  /** `u` of the update. */
  readonly finalUpdateId: Float64Array;
  /** 1 for an ask level, 0 for a bid level. */
  readonly isAsk: Uint8Array;
  readonly price: Float64Array;
  /** New absolute quantity; 0 removes the level. */
  readonly quantity: Float64Array;
}

/**
 * A column builder: messages (or decoded records of the type) → columns. Given `StoredLines`
 * (`readStoredLines(file)`, analysis/fast-columns.ts) it reads the columns straight from the text,
 * with no record per message, and gives the same columns.
 */
export type ColumnsBuilder<R, C> = (messages: readonly MessageLike[] | readonly R[] | StoredLines) => C;

interface Collected<T> {
  records: T[];
  streams: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function describeEventTypes(messages: readonly unknown[]): string {
  const seen = new Set<string>();
  for (const message of messages) {
    const data = isObject(message) ? message.data : undefined;
    const first = Array.isArray(data) ? data[0] : data;
    if (isObject(first) && "e" in first) seen.add(String(first.e));
    else if (isObject(message) && "kind" in message) seen.add(`decoded ${String(message.kind)}`);
    else seen.add("unknown");
    if (seen.size > 8) break;
  }
  return [...seen].join(", ");
}

/**
 * Decodes the payloads of one event type (records of the matching `kind` pass through),
 * rethrowing decode errors with the message's position.
 */
function collectRecords<T extends { kind: string }>(
  input: readonly unknown[],
  eventType: string,
  kind: T["kind"],
  decode: (data: unknown, localTimestamp: number | null) => T,
  /** Take every payload with this `e`, whichever schema its stream names (the book reads diff and partial depth alike). */
  anySchemaOfTheEvent = false,
): Collected<T> {
  if (!Array.isArray(input)) {
    throw new InvalidArgumentError("INVALID_MESSAGES", `Expected an array of messages, got ${excerpt(String(input), 80)}.`);
  }
  const records: T[] = [];
  const streams: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const item = input[i] as unknown;
    if (!isObject(item)) continue;
    if ((item as { kind?: unknown }).kind === kind && !("data" in item)) {
      records.push(item as unknown as T);
      streams.push("");
      continue;
    }
    const message = item as unknown as MessageLike;
    const stream = typeof message.stream === "string" ? message.stream : undefined;
    for (const payload of eventsOf(message.data)) {
      if (!isObject(payload) || payload.e !== eventType) continue;
      if (!anySchemaOfTheEvent && (schemaOfEvent(stream, payload)?.kind ?? kind) !== kind) continue;
      try {
        records.push(decode(payload, typeof message.localTimestamp === "number" ? message.localTimestamp : null));
      } catch (error) {
        if (error instanceof DecodeError) {
          throw new DecodeError(error.code, `Message ${i} (${message.stream ?? "no stream"}): ${error.message}`, error.field, error.text);
        }
        throw error;
      }
      streams.push(typeof message.stream === "string" ? message.stream : "");
    }
  }
  if (records.length === 0 && input.length > 0) {
    throw new InvalidArgumentError(
      "NO_MATCHING_MESSAGES",
      `No ${eventType} messages among the ${input.length} given: they hold ${describeEventTypes(input)}.`,
    );
  }
  return { records, streams };
}

type Row = Readonly<Record<string, unknown>>;

function countRemovals(levels: readonly Level[]): number {
  let n = 0;
  for (let i = 0; i < levels.length; i++) if (levels[i][1] === 0) n++;
  return n;
}

/** Adds the typed column(s) of one schema field. */
function addColumn(out: Record<string, unknown>, records: readonly Row[], field: FieldSchema): void {
  const n = records.length;
  const name = field.name;
  switch (field.kind) {
    case "boolean": {
      const flags = new Uint8Array(n);
      for (let i = 0; i < n; i++) flags[i] = records[i][name] ? 1 : 0;
      out[name] = flags;
      return;
    }
    case "enum":
    case "text":
      out[name] = records.map((record) => record[name] as string);
      return;
    case "levels": {
      const levelCount = new Uint32Array(n);
      const removalCount = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const levels = records[i][name] as readonly Level[];
        levelCount[i] = levels.length;
        removalCount[i] = countRemovals(levels);
      }
      out[`${field.side}LevelCount`] = levelCount;
      out[`${field.side}RemovalCount`] = removalCount;
      return;
    }
    default: {
      const numbers = new Float64Array(n);
      for (let i = 0; i < n; i++) numbers[i] = records[i][name] as number;
      out[name] = numbers;
    }
  }
}

/**
 * Messages (or decoded records) of one event type → its typed columns, as its schema says.
 * @example eventColumns(MARK_PRICE_SCHEMA, sample.messages).fundingRate
 */
export function eventColumns<S extends EventSchema>(
  schema: S,
  messages: readonly MessageLike[] | readonly RecordOf<S>[] | StoredLines,
): ColumnsOf<S> {
  return columnsFor(schema)(messages);
}

/** The column builder of an event schema (its decoder prepared once). */
export function columnsFor<S extends EventSchema>(schema: S): ColumnsBuilder<RecordOf<S>, ColumnsOf<S>> {
  const decode = decoderFor(schema);
  const fields = columnarFields(schema);
  return (input) => {
    let messages = input as readonly MessageLike[] | readonly RecordOf<S>[];
    if (isStoredLines(input)) {
      const fast = fastEventColumns(schema, input, decode);
      if (fast !== null) return fast as ColumnsOf<S>;
      messages = readLineMessages(input);
    }
    const collected = collectRecords<RecordOf<S>>(messages, schema.eventType, schema.kind as RecordOf<S>["kind"], decode);
    const records = collected.records as readonly Row[];
    const localTimestamp = new Float64Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const time = records[i].localTimestamp;
      localTimestamp[i] = typeof time === "number" ? time : NaN;
    }
    const out: Record<string, unknown> = { kind: schema.kind, length: records.length, stream: collected.streams, localTimestamp };
    for (const field of fields) addColumn(out, records, field);
    return out as ColumnsOf<S>;
  };
}

/**
 * `trade` messages (or decoded `Trade` records) → columns.
 * @example const t = tradeColumns(sample.messages); t.price[0] // 83849.7
 */
export const tradeColumns: ColumnsBuilder<Trade, TradeColumns> = columnsFor(TRADE_SCHEMA);
/** `aggTrade` messages (or decoded `AggTrade` records) → columns. */
export const aggTradeColumns: ColumnsBuilder<AggTrade, AggTradeColumns> = columnsFor(AGG_TRADE_SCHEMA);
/** `24hrTicker` messages (or decoded `Ticker` records) → columns. */
export const tickerColumns: ColumnsBuilder<Ticker, TickerColumns> = columnsFor(TICKER_SCHEMA);
/** `24hrMiniTicker` messages (or decoded records; `!miniTicker@arr` arrays are expanded) → columns. */
export const miniTickerColumns: ColumnsBuilder<MiniTicker, MiniTickerColumns> = columnsFor(MINI_TICKER_SCHEMA);
/**
 * `depthUpdate` messages → one row per update with ids and level counts.
 * @example const d = depthColumns(sample.messages); d.bidLevelCount[0] // 4
 */
export const depthColumns: ColumnsBuilder<DepthUpdate, DepthColumns> = columnsFor(DEPTH_UPDATE_SCHEMA);
/** `bookTicker` messages → columns (best bid/ask price and quantity per update id). */
export const bookTickerColumns: ColumnsBuilder<BookTicker, BookTickerColumns> = columnsFor(BOOK_TICKER_SCHEMA);

/** `markPriceUpdate` messages (or records; `!markPrice@arr` arrays expanded) → columns. */
export const markPriceColumns: ColumnsBuilder<MarkPrice, MarkPriceColumns> = columnsFor(MARK_PRICE_SCHEMA);
/** `kline` messages (or records) → columns. */
export const klineColumns: ColumnsBuilder<Kline, KlineColumns> = columnsFor(KLINE_SCHEMA);
/** Partial-depth messages (`@depth5|10|20` streams) → columns with the best bid and ask. */
export const partialDepthColumns: ColumnsBuilder<PartialDepth, PartialDepthColumns> = columnsFor(PARTIAL_DEPTH_SCHEMA);
/** `continuous_kline` messages (or records) → columns. */
export const continuousKlineColumns: ColumnsBuilder<ContinuousKline, ContinuousKlineColumns> = columnsFor(CONTINUOUS_KLINE_SCHEMA);
/** `forceOrder` messages (or records) → columns. */
export const forceOrderColumns: ColumnsBuilder<ForceOrder, ForceOrderColumns> = columnsFor(FORCE_ORDER_SCHEMA);
/** `contractInfo` messages (or records) → columns. */
export const contractInfoColumns: ColumnsBuilder<ContractInfo, ContractInfoColumns> = columnsFor(CONTRACT_INFO_SCHEMA);
/** `assetIndexUpdate` events (`!assetIndex@arr` arrays expanded) → columns. */
export const assetIndexColumns: ColumnsBuilder<AssetIndex, AssetIndexColumns> = columnsFor(ASSET_INDEX_SCHEMA);
/** `compositeIndex` messages (or records) → columns. */
export const compositeIndexColumns: ColumnsBuilder<CompositeIndex, CompositeIndexColumns> = columnsFor(COMPOSITE_INDEX_SCHEMA);

/**
 * Decodes `depthUpdate` messages, diff and partial depth alike (the book reads both; their
 * fields are the same), or passes decoded `DepthUpdate` records through, in order.
 */
export function decodeDepthMessages(messages: readonly MessageLike[] | readonly DepthUpdate[] | StoredLines): {
  updates: DepthUpdate[];
  streams: string[];
} {
  const collected = collectRecords<DepthUpdate>(
    isStoredLines(messages) ? readLineMessages(messages) : messages,
    "depthUpdate",
    "depth",
    decodeDepthUpdate,
    true,
  );
  return { updates: collected.records, streams: collected.streams };
}

/** `depthUpdate` messages → one row per price level (bids first, then asks, per update). */
export function depthLevelColumns(messages: readonly MessageLike[] | readonly DepthUpdate[] | StoredLines): DepthLevelColumns {
  const { updates } = decodeDepthMessages(messages);
  let total = 0;
  for (const update of updates) total += update.bids.length + update.asks.length;
  const updateIndex = new Uint32Array(total);
  const eventTime = new Float64Array(total);
  const finalUpdateId = new Float64Array(total);
  const isAsk = new Uint8Array(total);
  const price = new Float64Array(total);
  const quantity = new Float64Array(total);
  const symbol: string[] = new Array(total);
  let k = 0;
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i];
    for (let side = 0; side < 2; side++) {
      const levels = side === 0 ? update.bids : update.asks;
      for (let j = 0; j < levels.length; j++, k++) {
        updateIndex[k] = i;
        eventTime[k] = update.eventTime;
        finalUpdateId[k] = update.finalUpdateId;
        isAsk[k] = side;
        price[k] = levels[j][0];
        quantity[k] = levels[j][1];
        symbol[k] = update.symbol;
      }
    }
  }
  return { length: total, updateIndex, symbol, eventTime, finalUpdateId, isAsk, price, quantity };
}

/**
 * Keeps the rows where `keep(i)` is true, for any columns object (typed arrays and string arrays
 * are filtered, `length` updated, other fields copied).
 * @example selectRows(trades, (i) => trades.symbol[i] === "BTCUSDT")
 */
export function selectRows<C extends { readonly length: number }>(columns: C, keep: (index: number) => boolean): C {
  const indices: number[] = [];
  for (let i = 0; i < columns.length; i++) if (keep(i)) indices.push(i);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(columns as object) as Array<[string, unknown]>) {
    if (key === "length") continue;
    if (ArrayBuffer.isView(value) && !((value as object) instanceof DataView)) {
      const source = value as unknown as Float64Array;
      const target = new (source.constructor as Float64ArrayConstructor)(indices.length);
      for (let j = 0; j < indices.length; j++) target[j] = source[indices[j]];
      out[key] = target;
    } else if (Array.isArray(value) && value.length === columns.length) {
      out[key] = indices.map((j) => value[j]);
    } else {
      out[key] = value;
    }
  }
  out.length = indices.length;
  return out as unknown as C;
}
