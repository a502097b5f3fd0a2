/**
 * Decoders: wire payloads → readable records with numbers parsed, driven by the schemas in
 * ./schema (one parser per field kind, no per-type code). Each record keeps both clocks:
 * `eventTime` (Binance's `E`) and `localTimestamp` (when this machine received it; `null` for
 * messages recorded without one, such as the seed samples).
 *
 * A malformed payload throws `DecodeError` with a stable `code`, the `field` (its wire path, e.g.
 * `"p"`, `"b[0][1]"`, `"k.o"`) and the offending `text`; nothing is guessed or defaulted.
 */
import { DecodeError, excerpt, type DecodeCode } from "../errors";
import type { RawLevel } from "./raw";
import {
  AGG_TRADE_SCHEMA,
  BOOK_TICKER_SCHEMA,
  DEPTH_UPDATE_SCHEMA,
  EVENT_SCHEMAS,
  KLINE_SCHEMA,
  MARK_PRICE_SCHEMA,
  MINI_TICKER_SCHEMA,
  TICKER_SCHEMA,
  TRADE_SCHEMA,
  decodedFields,
  type AggTrade,
  type BookTicker,
  type DepthUpdate,
  type Kline,
  type MarkPrice,
  type MarketRecord,
  type MiniTicker,
  type Ticker,
  type Trade,
  type EventSchema,
  type FieldKind,
  type FieldSchema,
  type InvalidValue,
  type Level,
  type RecordOf,
} from "./schema";

/** The decoded records (`Trade`, `Ticker`, …) are derived from their schemas in ./schema. */
export type {
  AggTrade,
  BookTicker,
  DepthUpdate,
  Kline,
  Level,
  MarkPrice,
  MarketRecord,
  MiniTicker,
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

/** The one parser per field kind. */
function parseValue(value: unknown, kind: FieldKind, field: string, eventType: string): unknown {
  switch (kind) {
    case "decimal":
      return parseDecimal(value, field, eventType);
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
  }
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
    const common = { name: field.name, kind: field.kind, path, derive: field.derive };
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
      const source = step.parent < 0 ? data : nested![step.parent];
      record[step.name] = parseValue(source[step.key], step.kind, step.path, eventType);
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

/** Parses the levels of a REST depth snapshot (`bids` or `asks`). */
export function decodeLevels(raw: readonly RawLevel[] | unknown, field = "bids"): Level[] {
  return parseLevels(raw, field, "depth snapshot");
}

/** One decoder per stream type; the key is the family's `type` in endpoints.ts (= the record's `kind`). */
export const DECODERS: Readonly<Record<string, EventDecoder<MarketRecord>>> = Object.fromEntries(
  EVENT_SCHEMAS.map((schema) => [schema.kind, decoderFor<EventSchema>(schema) as EventDecoder<MarketRecord>]),
);

const DECODERS_BY_EVENT: Readonly<Record<string, EventDecoder<MarketRecord>>> = Object.fromEntries(
  EVENT_SCHEMAS.map((schema) => [schema.eventType, DECODERS[schema.kind]]),
);

/**
 * Decodes any supported payload by its `e` field.
 * @example decodeMessage(sample.messages[0]) // → Trade | Ticker | ...
 */
export function decodeMessage(message: { data: unknown; localTimestamp?: number | null }): MarketRecord {
  const data = message.data as { e?: unknown } | null;
  const eventType = typeof data === "object" && data !== null ? data.e : undefined;
  const decoder = typeof eventType === "string" ? DECODERS_BY_EVENT[eventType] : undefined;
  if (!decoder) {
    fail("UNKNOWN_EVENT_TYPE", "e", eventType, `one of ${Object.keys(DECODERS_BY_EVENT).join(", ")}`, "payload");
  }
  return decoder(data, message.localTimestamp ?? null);
}
