/**
 * Decoders: wire payloads → readable records with numbers parsed, driven by the schemas in
 * ./schema (one parser per field kind, no per-type code). Each record keeps both clocks:
 * `eventTime` (Binance's `E`) and `localTimestamp` (when this machine received it; `null` for
 * messages recorded without one, such as the seed samples).
 *
 * A malformed payload throws `DecodeError` with a stable `code`, the `field` (its wire path, e.g.
 * `"p"`, `"b[0][1]"`, `"k.o"`, `"bks[1].mmr"`) and the offending `text`; nothing is guessed or
 * defaulted (an `optional` field Binance leaves out decodes to `null`).
 *
 * Array streams (`!markPrice@arr`, `!ticker@arr`, …) send one array of events: `decodeRecords`
 * gives one record per event (per symbol). A message's stream name picks its schema where two
 * share an `e` (diff and partial depth, see stream-schemas.ts).
 */
import { DecodeError, excerpt, type DecodeCode } from "../errors";
import type { RawLevel } from "./raw";
import {
  AGG_TRADE_SCHEMA,
  ASSET_INDEX_SCHEMA,
  BOOK_TICKER_SCHEMA,
  COMPOSITE_INDEX_SCHEMA,
  CONTINUOUS_KLINE_SCHEMA,
  CONTRACT_INFO_SCHEMA,
  DEPTH_UPDATE_SCHEMA,
  EVENT_SCHEMAS,
  FORCE_ORDER_SCHEMA,
  KLINE_SCHEMA,
  MARK_PRICE_SCHEMA,
  MINI_TICKER_SCHEMA,
  PARTIAL_DEPTH_SCHEMA,
  TICKER_SCHEMA,
  TRADE_SCHEMA,
  decodedFields,
  eventsOf,
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
  type MarketRecord,
  type MiniTicker,
  type PartialDepth,
  type Ticker,
  type Trade,
  type EventSchema,
  type FieldKind,
  type FieldSchema,
  type InvalidValue,
  type Level,
  type RecordOf,
} from "./schema";
import { schemaOfEvent } from "./stream-schemas";

/** The decoded records (`Trade`, `Ticker`, …) are derived from their schemas in ./schema. */
export type {
  AggTrade,
  AssetIndex,
  BookTicker,
  CompositeIndex,
  ContinuousKline,
  ContractInfo,
  DepthUpdate,
  ForceOrder,
  Kline,
  Level,
  MarkPrice,
  MarketRecord,
  MiniTicker,
  PartialDepth,
  TakerSide,
  Ticker,
  Trade,
} from "./schema";

/** A decoder: payload (and receive time) → record. */
export type EventDecoder<R> = (data: unknown, localTimestamp?: number | null) => R;

function fail(code: DecodeCode, field: string, value: unknown, expected: string, eventType: string): never {
  const text = excerpt(JSON.stringify(value) ?? String(value));
  const where = field ? `field "${field}" of ${eventType}` : eventType;
  throw new DecodeError(code, `Malformed ${where}: got ${text}, expected ${expected}.`, field, text);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const DECIMAL = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

function parseDecimal(value: unknown, field: string, eventType: string): number {
  if (typeof value !== "string" || !DECIMAL.test(value))
    fail("INVALID_DECIMAL", field, value, 'a decimal string such as "83849.70"', eventType);
  return Number(value);
}

function parseLevels(value: unknown, field: string, eventType: string): Level[] {
  if (!Array.isArray(value)) fail("INVALID_LEVELS", field, value, "an array of [price, quantity] pairs", eventType);
  const result: Level[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const level = value[i] as unknown;
    if (!Array.isArray(level) || level.length !== 2) fail("INVALID_LEVELS", `${field}[${i}]`, level, "a [price, quantity] pair", eventType);
    result[i] = [parseDecimal(level[0], `${field}[${i}][0]`, eventType), parseDecimal(level[1], `${field}[${i}][1]`, eventType)];
  }
  return result;
}

/** The one parser per field kind (`items` are parsed by their steps, see `parseItems`). */
function parseValue(value: unknown, kind: FieldKind, field: string, eventType: string): unknown {
  switch (kind) {
    case "decimal":
      return parseDecimal(value, field, eventType);
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) fail("INVALID_NUMBER", field, value, "a number", eventType);
      return value;
    case "id":
    case "integer":
    case "time":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) fail("INVALID_INTEGER", field, value, "an integer", eventType);
      return value;
    case "boolean":
      if (typeof value !== "boolean") fail("INVALID_BOOLEAN", field, value, "true or false", eventType);
      return value;
    case "enum":
    case "text":
      if (typeof value !== "string" || value.length === 0) fail("INVALID_STRING", field, value, "a non-empty string", eventType);
      return value;
    case "levels":
      return parseLevels(value, field, eventType);
    case "items":
      fail("INVALID_ITEMS", field, value, "items parsed by their own fields", eventType);
  }
}

/** An element field of an `items` field, prepared once. */
interface ItemStep {
  readonly name: string;
  readonly key: string;
  readonly kind: FieldKind;
}

/** Parses an `items` array: each element an object, each of its fields by its kind; errors name `bks[1].mmr`. */
function parseItems(value: unknown, items: readonly ItemStep[], field: string, eventType: string): Record<string, unknown>[] {
  if (!Array.isArray(value)) fail("INVALID_ITEMS", field, value, "an array of objects", eventType);
  const out: Record<string, unknown>[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const element = value[i] as unknown;
    if (!isPlainObject(element)) fail("INVALID_ITEMS", `${field}[${i}]`, element, "an object", eventType);
    const record: Record<string, unknown> = {};
    for (const item of items) record[item.name] = parseValue(element[item.key], item.kind, `${field}[${i}].${item.key}`, eventType);
    out[i] = record;
  }
  return out;
}

/** A schema field prepared once for decoding: its key, the nested object it sits in, its parser. */
interface Step {
  readonly name: string;
  readonly kind: FieldKind;
  /** The wire path, for error messages. */
  readonly path: string;
  readonly derive: FieldSchema["derive"];
  /** Index into the plan's `parents`, or -1 for a top-level key. */
  readonly parent: number;
  readonly key: string;
  /** Absent decodes to `null`. */
  readonly optional: boolean;
  /** `items` fields: the element's fields. */
  readonly items: readonly ItemStep[] | null;
}

interface Plan {
  readonly schema: EventSchema;
  /** Keys of nested objects (kline's `k`), checked once per message. */
  readonly parents: readonly string[];
  readonly steps: readonly Step[];
  readonly invalid: InvalidValue;
  /**
   * Every key of the record in order (`kind`, `eventTime`, `localTimestamp`, the other fields),
   * copied per message so that no key is added one by one.
   */
  readonly template: Readonly<Record<string, unknown>>;
}

function planFor(schema: EventSchema): Plan {
  const parents: string[] = [];
  const steps = decodedFields(schema).map((field): Step => {
    const path = field.path ?? "";
    const dot = path.indexOf(".");
    const items = field.items?.map((item): ItemStep => ({ name: item.name, key: item.path ?? item.name, kind: item.kind })) ?? null;
    const common = { name: field.name, kind: field.kind, path, derive: field.derive, optional: field.optional === true, items };
    if (dot < 0) return { ...common, parent: -1, key: path };
    const parent = path.slice(0, dot);
    if (!parents.includes(parent)) parents.push(parent);
    return { ...common, parent: parents.indexOf(parent), key: path.slice(dot + 1) };
  });
  const invalid: InvalidValue = (code, field, value, expected) => fail(code, field, value, expected, schema.eventType);
  const template: Record<string, unknown> = { kind: schema.kind };
  for (const step of steps) {
    template[step.name] = null;
    if (step.name === "eventTime") template.localTimestamp = null;
  }
  template.localTimestamp = null;
  return { schema, parents, steps, invalid, template };
}

function runPlan(plan: Plan, data: unknown, localTimestamp: number | null): Record<string, unknown> {
  const { eventType } = plan.schema;
  if (!isPlainObject(data)) fail("NOT_AN_OBJECT", "", data, "a JSON object", eventType);
  if (data.e !== eventType) fail("WRONG_EVENT_TYPE", "e", data.e, `"${eventType}"`, eventType);
  let nested: Record<string, unknown>[] | undefined;
  if (plan.parents.length > 0) {
    nested = new Array(plan.parents.length);
    for (let i = 0; i < plan.parents.length; i++) {
      const value = data[plan.parents[i]];
      if (!isPlainObject(value)) fail("NOT_AN_OBJECT", plan.parents[i], value, `a ${eventType} object`, eventType);
      nested[i] = value;
    }
  }
  const record: Record<string, unknown> = { ...plan.template };
  record.localTimestamp = localTimestamp;
  const { steps } = plan;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step.derive !== undefined) {
      record[step.name] = step.derive(record, plan.invalid);
    } else {
      const value = (step.parent < 0 ? data : nested![step.parent])[step.key];
      if (value === undefined && step.optional) record[step.name] = null;
      else if (step.items !== null) record[step.name] = parseItems(value, step.items, step.path, eventType);
      else record[step.name] = parseValue(value, step.kind, step.path, eventType);
    }
  }
  return record;
}

/**
 * The decoder of an event schema (prepared once; decoding allocates only the record).
 * @example decoderFor(MARK_PRICE_SCHEMA)(message.data).fundingRate
 */
export function decoderFor<S extends EventSchema>(schema: S): EventDecoder<RecordOf<S>> {
  const plan = planFor(schema);
  return (data, localTimestamp = null) => runPlan(plan, data, localTimestamp) as RecordOf<S>;
}

/** Decodes a `24hrTicker` payload. */
export const decodeTicker: EventDecoder<Ticker> = decoderFor(TICKER_SCHEMA);
/** Decodes a `24hrMiniTicker` payload. */
export const decodeMiniTicker: EventDecoder<MiniTicker> = decoderFor(MINI_TICKER_SCHEMA);
/**
 * Decodes a `trade` payload.
 * @example decodeTrade(msg.data).side // "sell" when m is true (the buyer was the maker)
 */
export const decodeTrade: EventDecoder<Trade> = decoderFor(TRADE_SCHEMA);
/** Decodes an `aggTrade` payload (refusing `l < f`: `INVALID_RANGE`). */
export const decodeAggTrade: EventDecoder<AggTrade> = decoderFor(AGG_TRADE_SCHEMA);
/** Decodes a `depthUpdate` payload (diff or partial depth). */
export const decodeDepthUpdate: EventDecoder<DepthUpdate> = decoderFor(DEPTH_UPDATE_SCHEMA);
/** Decodes a `bookTicker` payload. */
export const decodeBookTicker: EventDecoder<BookTicker> = decoderFor(BOOK_TICKER_SCHEMA);
/** Decodes a `markPriceUpdate` payload. */
export const decodeMarkPrice: EventDecoder<MarkPrice> = decoderFor(MARK_PRICE_SCHEMA);
/** Decodes a `kline` payload. */
export const decodeKline: EventDecoder<Kline> = decoderFor(KLINE_SCHEMA);
/** Decodes a partial-depth picture (`depthUpdate` of a `@depth<levels>` stream), with its best bid and ask. */
export const decodePartialDepth: EventDecoder<PartialDepth> = decoderFor(PARTIAL_DEPTH_SCHEMA);
/** Decodes a `continuous_kline` payload. */
export const decodeContinuousKline: EventDecoder<ContinuousKline> = decoderFor(CONTINUOUS_KLINE_SCHEMA);
/** Decodes a `forceOrder` payload (a liquidation order). */
export const decodeForceOrder: EventDecoder<ForceOrder> = decoderFor(FORCE_ORDER_SCHEMA);
/** Decodes a `contractInfo` payload (`brackets` null when `bks` is absent). */
export const decodeContractInfo: EventDecoder<ContractInfo> = decoderFor(CONTRACT_INFO_SCHEMA);
/** Decodes one `assetIndexUpdate` (an element of `!assetIndex@arr`, or a `<assetSymbol>@assetIndex` payload). */
export const decodeAssetIndex: EventDecoder<AssetIndex> = decoderFor(ASSET_INDEX_SCHEMA);
/** Decodes a `compositeIndex` payload. */
export const decodeCompositeIndex: EventDecoder<CompositeIndex> = decoderFor(COMPOSITE_INDEX_SCHEMA);

/** Parses the levels of a REST depth snapshot (`bids` or `asks`). */
export function decodeLevels(raw: readonly RawLevel[] | unknown, field = "bids"): Level[] {
  return parseLevels(raw, field, "depth snapshot");
}

/** One decoder per stream type; the key is the family's `type` in endpoints.ts (= the record's `kind`). */
export const DECODERS: Readonly<Record<string, EventDecoder<MarketRecord>>> = Object.fromEntries(
  EVENT_SCHEMAS.map((schema) => [schema.kind, decoderFor<EventSchema>(schema) as EventDecoder<MarketRecord>]),
);

const EVENT_TYPES = [...new Set(EVENT_SCHEMAS.map((schema) => schema.eventType))];

/** A message as stored or received: its payload, and its stream name and receive time when known. */
export interface MessageToDecode {
  readonly stream?: string;
  readonly data: unknown;
  readonly localTimestamp?: number | null;
}

function decodeEvent(stream: string | undefined, event: unknown, localTimestamp: number | null): MarketRecord {
  const schema = schemaOfEvent(stream, event);
  if (!schema) {
    const eventType = typeof event === "object" && event !== null ? (event as { e?: unknown }).e : undefined;
    fail("UNKNOWN_EVENT_TYPE", "e", eventType, `one of ${EVENT_TYPES.join(", ")}`, "payload");
  }
  return DECODERS[schema.kind](event, localTimestamp);
}

/**
 * Decodes a one-event payload: by its stream's family when the message names a stream, else by
 * its `e` field. An array payload (`!markPrice@arr`) is refused (`ARRAY_PAYLOAD`): use `decodeRecords`.
 * @example decodeMessage(sample.messages[0]) // → Trade | Ticker | ...
 */
export function decodeMessage(message: MessageToDecode): MarketRecord {
  if (Array.isArray(message.data)) {
    fail(
      "ARRAY_PAYLOAD",
      "",
      message.data,
      "one event; decodeRecords decodes an array stream's events one by one",
      message.stream ?? "payload",
    );
  }
  return decodeEvent(message.stream, message.data, message.localTimestamp ?? null);
}

/**
 * Decodes every event of a message: one record, or one per element of an array stream's payload
 * (one per symbol of `!markPrice@arr`, `!ticker@arr`, …), each with the message's receive time.
 * @example decodeRecords(message).map((r) => r.symbol) // ["BTCUSDT", "ETHUSDT"]
 */
export function decodeRecords(message: MessageToDecode): MarketRecord[] {
  const localTimestamp = message.localTimestamp ?? null;
  return eventsOf(message.data).map((event) => decodeEvent(message.stream, event, localTimestamp));
}
