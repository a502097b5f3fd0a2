/**
 * Binance's single-letter fields in words, from the schemas in ./schema: every field of a message
 * with its name and meaning (`describeFields`), or a whole schema as a table (`describeSchema`).
 */
import { EVENT_HEADER, EVENT_SCHEMAS, findEventSchema, wireFields, type FieldKind, type FieldSchema, type PayloadSchema } from "./schema";
import { schemaOfEvent } from "./stream-schemas";

/** A field's readable name (as in the decoded record) and what it means. */
export interface FieldDescription {
  readonly name: string;
  readonly meaning: string;
}

function byPath(schema: PayloadSchema): Readonly<Record<string, FieldSchema>> {
  return Object.fromEntries(wireFields(schema).map((field) => [field.path!, field]));
}

/** What any event has: `e`, `E`, `s`. */
const HEADER = byPath({ fields: EVENT_HEADER });

/**
 * Field descriptions per event type (`e`), keyed by wire path (`"p"`, or `"k.o"` inside a kline),
 * in schema order; for an `e` two schemas share, the first schema's (`describeFields` with a
 * stream name picks the stream's).
 */
export const FIELD_DESCRIPTIONS: Readonly<Record<string, Readonly<Record<string, FieldSchema>>>> = Object.fromEntries(
  EVENT_SCHEMAS.filter((schema) => findEventSchema(schema.eventType) === schema).map((schema) => [schema.eventType, byPath(schema)]),
);

/** One row of `describeFields`. */
export interface FieldRow {
  readonly field: string;
  readonly name: string;
  readonly meaning: string;
  readonly value: unknown;
}

function describeEntries(
  payload: Record<string, unknown>,
  words: Readonly<Record<string, FieldSchema>>,
  prefix: string,
  rows: FieldRow[],
): void {
  for (const [key, value] of Object.entries(payload)) {
    const field = prefix + key;
    const nested = typeof value === "object" && value !== null && !Array.isArray(value);
    if (nested && words[field] === undefined) {
      describeEntries(value as Record<string, unknown>, words, `${field}.`, rows);
      continue;
    }
    rows.push({
      field,
      name: words[field]?.name ?? "(not documented)",
      meaning: words[field]?.meaning ?? "",
      value: Array.isArray(value) ? `${value.length} ${words[field]?.kind === "items" ? "entries" : "levels"}` : value,
    });
  }
}

/**
 * Every field of a payload with its name and meaning, in the payload's order (a nested object,
 * such as a kline's `k`, field by field: `k.o`, `k.c`, …). An array stream's payload
 * (`!markPrice@arr`) is described by its first event.
 * `stream` picks the schema where two share an `e` (`btcusdt@depth20`: partial depth).
 * @example showTable(describeFields(sample.messages[0].data))
 */
export function describeFields(data: unknown, stream?: string): FieldRow[] {
  const first = Array.isArray(data) ? data[0] : data;
  if (typeof first !== "object" || first === null) return [];
  const payload = first as Record<string, unknown>;
  const schema = schemaOfEvent(stream, payload);
  const rows: FieldRow[] = [];
  describeEntries(
    payload,
    schema && findEventSchema(schema.eventType) !== schema ? byPath(schema) : (FIELD_DESCRIPTIONS[String(payload.e)] ?? HEADER),
    "",
    rows,
  );
  return rows;
}

/** One row of `describeSchema`. */
export interface SchemaRow {
  /** Wire path (`bks[].bs` for an entry's field), or `""` for a derived field. */
  readonly field: string;
  readonly name: string;
  readonly column: string;
  readonly kind: FieldKind;
  readonly unit: string;
  readonly meaning: string;
  /**
   * Where it goes: `"record, column"`, `"record"` (not a typed column), `"record, counted in
   * columns"` (levels), `"in each entry"` (a field of an `items` entry), `"wire only"`.
   */
  readonly decoded: string;
}

function placeOf(field: FieldSchema): string {
  if (field.decoded === false) return "wire only";
  if (field.columnar === false) return "record";
  return field.kind === "levels" ? "record, counted in columns" : "record, column";
}

/**
 * A schema as a table: letter, readable name, snake_case column, kind, unit, meaning.
 * @example showTable(describeSchema(TRADE_SCHEMA), { caption: "trade" })
 */
export function describeSchema(schema: PayloadSchema | string): SchemaRow[] {
  const found = typeof schema === "string" ? findEventSchema(schema) : schema;
  if (!found) return [];
  return found.fields.flatMap((field) => [
    {
      field: field.path ?? "",
      name: field.name,
      column: field.column,
      kind: field.kind,
      unit: field.unit ?? "",
      meaning: field.meaning,
      decoded: placeOf(field),
    },
    ...(field.items ?? []).map((item) => ({
      field: `${field.path}[].${item.path}`,
      name: item.name,
      column: item.column,
      kind: item.kind,
      unit: item.unit ?? "",
      meaning: item.meaning,
      decoded: "in each entry",
    })),
  ]);
}
