/**
 * The vocabulary of the schemas: what a field is (`FieldSchema`), what a payload and an event
 * type are (`PayloadSchema`, `EventSchema`), the field kinds, and the types derived from a
 * schema: the wire payload (`RawEventOf`) and the decoded record (`RecordOf`).
 *
 * A schema is written once, in this folder; decoders, field descriptions, typed columns and
 * DataFrame column orders are derived from it.
 */

import type { DecodeCode } from "../../errors";

/**
 * How a field travels and what it becomes:
 * `decimal` a decimal string → number; `number` a JSON number (not a string: the ratios of
 * `!contractInfo`'s brackets); `id` an integer id (exact up to 2^53);
 * `integer` a count or other integer; `time` integer ms since the epoch; `boolean` true/false;
 * `enum` a string from a documented set; `text` a non-empty string;
 * `levels` an array of `[price, quantity]` decimal-string pairs;
 * `items` an array of objects, each with the fields of `items` (`!contractInfo`'s `bks`).
 */
export type FieldKind = "decimal" | "number" | "id" | "integer" | "time" | "boolean" | "enum" | "text" | "levels" | "items";

/** A price level as sent: `[price, quantity]`; quantity is absolute, `"0"` removes the level. */
export type RawLevel = [price: string, quantity: string];

/** A price level with numbers: `[price, quantity]`, quantity 0 removes the level. */
export type Level = [price: number, quantity: number];

/** The side of the book a `levels` field holds. */
export type LevelSide = "bid" | "ask";

/** Reports an impossible derived value: throws a `DecodeError` (see decode.ts). */
export type InvalidValue = (code: DecodeCode, field: string, value: unknown, expected: string) => never;

/** One field of a payload, or one value derived from the fields before it. */
export interface FieldSchema {
  /** Wire key: a letter such as `"p"`, or a nested path such as `"k.o"`; absent on derived fields. */
  readonly path?: string;
  /** Readable camelCase name: the decoded record's property and the typed column's key. */
  readonly name: string;
  /** snake_case column name for dataset tables, e.g. `"trade_id"`. */
  readonly column: string;
  readonly kind: FieldKind;
  /** What the value means, in a few words. */
  readonly meaning: string;
  /** Unit of a number where it has one, e.g. `"quote asset"`, `"percent"`. */
  readonly unit?: string;
  /** `enum`: the values Binance documents (others still decode). */
  readonly values?: readonly string[];
  /** `levels`: which side of the book; the typed columns count `<side>LevelCount`, `<side>RemovalCount`. */
  readonly side?: LevelSide;
  /** Derived fields: computes the value from the record decoded so far. */
  readonly derive?: (record: Readonly<Record<string, unknown>>, invalid: InvalidValue) => unknown;
  /** `false`: on the record only, not a typed column (derived again where needed). */
  readonly columnar?: false;
  /** `false`: on the wire only, described but not decoded (e.g. kline's `k.B`, "ignore"). */
  readonly decoded?: false;
  /** `true`: Binance leaves the key out of some messages; it decodes to `null` when absent. */
  readonly optional?: true;
  /** `items`: the fields of each element, their `path` relative to the element. */
  readonly items?: readonly FieldSchema[];
}

/** A field as written in a schema file: `column` defaults to the snake_case of `name`. */
export type FieldInput = Omit<FieldSchema, "column" | "items"> & { readonly column?: string; readonly items?: readonly FieldInput[] };

/** The fields of a JSON payload, in the decoded record's order. */
export interface PayloadSchema {
  readonly fields: readonly FieldSchema[];
}

/** A stream event type: its `e`, its record's `kind`, its fields and its DataFrame column order. */
export interface EventSchema extends PayloadSchema {
  /** The payload's `e`, e.g. `"24hrMiniTicker"`. */
  readonly eventType: string;
  /** The decoded record's `kind`; equals the stream family's `type` in endpoints.ts. */
  readonly kind: string;
  /**
   * DataFrame column order: names of typed columns, plus the frame's own `time`, `notional`,
   * `side`, `spread` (see notebook/frames.ts).
   */
  readonly frame: readonly string[];
}

/** `tradeId` → `trade_id`. */
export function toSnakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A field as declared, with its `column` (and its items' columns) filled in. */
export type WithColumn<F extends FieldInput> = Omit<F, "items"> & { readonly column: string } & (F extends {
    readonly items: infer I extends readonly FieldInput[];
  }
    ? { readonly items: ColumnsFilled<I> }
    : unknown);

/** Declares a field shared by several schemas (its literal types kept, its column filled in). */
export function defineField<const F extends FieldInput>(field: F): WithColumn<F> {
  const items = field.items?.map((item) => defineField(item));
  return Object.freeze({
    ...field,
    column: field.column ?? toSnakeCase(field.name),
    ...(items ? { items: Object.freeze(items) } : {}),
  }) as unknown as WithColumn<F>;
}

/** A schema as declared, with every field's `column` filled in. */
export type WithColumns<S extends { readonly fields: readonly FieldInput[] }> = Omit<S, "fields"> & {
  readonly fields: ColumnsFilled<S["fields"]>;
};
type ColumnsFilled<Fields extends readonly FieldInput[]> = { readonly [I in keyof Fields]: WithColumn<Fields[I]> };

/** Declares a payload schema without an `e` (a REST body); fills in the snake_case column names. */
export function definePayload<const S extends { readonly fields: readonly FieldInput[] }>(schema: S): WithColumns<S> {
  const fields = Object.freeze(schema.fields.map((field) => defineField(field)));
  return Object.freeze({ ...schema, fields }) as unknown as WithColumns<S>;
}

/** Declares an event type's schema (see trade.ts); fills in the snake_case column names. */
export function defineEvent<const S extends Omit<EventSchema, "fields"> & { readonly fields: readonly FieldInput[] }>(
  schema: S,
): WithColumns<S> {
  return definePayload(schema);
}

/** The fields a decoder reads from the wire or derives, in record order. */
export function decodedFields(schema: PayloadSchema): FieldSchema[] {
  return schema.fields.filter((field) => field.decoded !== false);
}

/** The fields that become typed columns (`levels` fields become level and removal counts). */
export function columnarFields(schema: PayloadSchema): FieldSchema[] {
  return schema.fields.filter((field) => field.decoded !== false && field.columnar !== false);
}

/** The fields as sent: those with a wire `path`. */
export function wireFields(schema: PayloadSchema): FieldSchema[] {
  return schema.fields.filter((field) => field.path !== undefined);
}

/**
 * The events a payload carries: the elements of an array stream's payload (`!markPrice@arr`,
 * `!ticker@arr`, … send one array of events, one per symbol), else the payload itself. Every
 * reader of payloads (decoders, columns, sequence checks, sample metadata) goes through this.
 * @example eventsOf(message.data).length // 2 for a `!markPrice@arr` frame with two symbols
 */
export function eventsOf(data: unknown): readonly unknown[] {
  return Array.isArray(data) ? data : [data];
}

// ---- Types derived from a schema -------------------------------------------------------------

type FieldOf<S extends PayloadSchema> = S["fields"][number];
type DecodedFieldOf<S extends PayloadSchema> = Exclude<FieldOf<S>, { readonly decoded: false }>;
type WireFieldOf<S extends PayloadSchema> = Extract<FieldOf<S>, { readonly path: string }>;

/** The decoded value of a kind (`items`: see `ItemRecordOf`). */
export type DecodedValue<K extends FieldKind> = K extends "boolean"
  ? boolean
  : K extends "enum" | "text"
    ? string
    : K extends "levels"
      ? Level[]
      : K extends "items"
        ? Readonly<Record<string, unknown>>[]
        : number;

/** The wire value of a kind (`items`: see `RawItemOf`). */
export type WireValue<K extends FieldKind> = K extends "decimal" | "enum" | "text"
  ? string
  : K extends "boolean"
    ? boolean
    : K extends "levels"
      ? RawLevel[]
      : K extends "items"
        ? Record<string, unknown>[]
        : number;

type ItemFieldsOf<F> = F extends { readonly items: readonly (infer I extends FieldSchema)[] } ? I : never;

/** One element of an `items` field, decoded: its fields by name. */
export type ItemRecordOf<F extends FieldSchema> = { readonly [G in ItemFieldsOf<F> as G["name"]]: DecodedValue<G["kind"]> };

/** One element of an `items` field as sent: its fields by wire key. */
export type RawItemOf<F extends FieldSchema> = {
  [G in Extract<ItemFieldsOf<F>, { readonly path: string }> as G["path"]]: WireValue<G["kind"]>;
};

type Optional<F, T> = F extends { readonly optional: true } ? T | null : T;
type FieldValue<F extends FieldSchema> = F extends { readonly derive: (...args: never[]) => infer R }
  ? R
  : Optional<F, F extends { readonly kind: "items" } ? ItemRecordOf<F>[] : DecodedValue<F["kind"]>>;
type WireFieldValue<F extends FieldSchema> = F extends { readonly kind: "items" } ? RawItemOf<F>[] : WireValue<F["kind"]>;
type TopKey<P extends string> = P extends `${infer Head}.${string}` ? Head : P;
type SubKey<P extends string> = P extends `${string}.${infer Tail}` ? Tail : never;
type NestedWire<F extends { readonly path: string; readonly kind: FieldKind }, Head extends string> = {
  [G in Extract<F, { readonly path: `${Head}.${string}` }> as SubKey<G["path"]>]: WireValue<G["kind"]>;
};

type RequiredWire<S extends PayloadSchema> = Exclude<WireFieldOf<S>, { readonly optional: true }>;
type OptionalWire<S extends PayloadSchema> = Extract<WireFieldOf<S>, { readonly optional: true }>;

/**
 * A payload exactly as Binance sends it, per its schema (nested paths become nested objects;
 * `optional` fields are optional keys).
 */
export type RawPayloadOf<S extends PayloadSchema> = {
  [F in RequiredWire<S> as TopKey<F["path"]>]: F["path"] extends `${infer Head}.${string}`
    ? NestedWire<RequiredWire<S>, Head>
    : WireFieldValue<F>;
} & { [F in OptionalWire<S> as TopKey<F["path"]>]?: WireFieldValue<F> };

/** An event payload as sent, with its literal `e`. */
export type RawEventOf<S extends EventSchema> = RawPayloadOf<S> & { e: S["eventType"] };

/** The decoded record of an event schema: `kind`, `localTimestamp` and every decoded field. */
export type RecordOf<S extends EventSchema> = {
  readonly kind: S["kind"];
  /** When this machine received the message, ms; `null` for recordings without one. */
  readonly localTimestamp: number | null;
} & { readonly [F in DecodedFieldOf<S> as F["name"]]: FieldValue<F> };

type SideOf<S extends PayloadSchema> = Extract<FieldOf<S>, { readonly side: LevelSide }>["side"];

/** The typed-column names of a schema's `levels` fields, e.g. `bidLevelCount`, `bidRemovalCount`. */
export type LevelCountNames<S extends PayloadSchema> = `${SideOf<S>}LevelCount` | `${SideOf<S>}RemovalCount`;

/** The typed columns of a schema: numbers in `Float64Array`, booleans 0/1 in `Uint8Array`, strings in arrays. */
export type TypedColumnsOf<S extends EventSchema> = { readonly kind: S["kind"] } & {
  readonly [
    F in Exclude<DecodedFieldOf<S>, { readonly columnar: false } | { readonly kind: "levels" }> as F["name"]
  ]: F["kind"] extends "boolean" ? Uint8Array : F["kind"] extends "enum" | "text" ? readonly string[] : Float64Array;
} & { readonly [Name in LevelCountNames<S>]: Uint32Array };
