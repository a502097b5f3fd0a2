/**
 * The dataset tables, derived from the event schemas (binance/schema/): one table per event
 * type, named after its `kind` in snake_case (`trade`, `agg_trade`, `depth`, `book_ticker`, …),
 * one column per decoded wire field under the schema's snake_case `column` name. The choices
 * made here, once for every table (docs/datasets.md):
 *
 * - kinds → SQL types: `decimal` DOUBLE, `id` and `integer` BIGINT, `time` TIMESTAMP_MS (UTC),
 *   `boolean` BOOLEAN, `enum` and `text` VARCHAR; the local receive time `local_time` is a
 *   TIMESTAMP (µs, it has a fraction of a ms);
 * - `price` and `quantity` also keep Binance's exact decimal text in `price_text`, `quantity_text`;
 * - a schema with `levels` fields (depth) becomes one row per level: `side`, `price`,
 *   `quantity`, plus `is_snapshot` (REST snapshot rows) and the `stream` the update came on;
 * - derived fields become columns through `DERIVED_COLUMN_SQL` (over the columns, or over the
 *   payload for `PAYLOAD_DERIVED_COLUMNS`); every table gets the partition column `date`
 *   (UTC day of `event_time`);
 * - where two schemas share an `e` (diff and partial depth), the stream name sorts the messages
 *   (`streamFilter`), and REST snapshots are rows of the diff-depth table only.
 *
 * Adding an event schema to `EVENT_SCHEMAS` adds its table here with nothing else to write.
 */
import {
  DEPTH_SNAPSHOT_SCHEMA,
  EVENT_SCHEMAS,
  columnarFields,
  findEventSchema,
  toSnakeCase,
  type EventSchema,
  type FieldKind,
  type FieldSchema,
} from "../binance/schema";
import { STREAM_FAMILIES, streamNamePattern } from "../binance/endpoints";
import { sqlString } from "./duckdb";

/** The SQL types the tables use. */
export type SqlType = "VARCHAR" | "DOUBLE" | "BIGINT" | "BOOLEAN" | "TIMESTAMP_MS" | "TIMESTAMP" | "DATE" | "JSON";

/** Where a column's value comes from. */
export type ColumnSource =
  /** A wire field of the payload, converted per its kind. */
  | { readonly from: "field"; readonly field: FieldSchema }
  /** The exact decimal text of a wire field. */
  | { readonly from: "text"; readonly field: FieldSchema }
  /** An SQL expression over the table's other columns (a derived field). */
  | { readonly from: "derived"; readonly field: FieldSchema; readonly sql: string }
  /** An SQL expression over the payload map `data` (a derived field that counts a list: contract brackets, index components). */
  | { readonly from: "payload"; readonly field: FieldSchema; readonly sql: string }
  /** One part of a book level, for tables with `levels`. */
  | { readonly from: "level"; readonly part: "side" | "price" | "quantity" | "price_text" | "quantity_text" | "is_snapshot" }
  /** What the recorder adds: the receive time, the stream name, the sample's name. */
  | { readonly from: "recorder"; readonly part: "local_time" | "stream" | "source" }
  /** The partition column. */
  | { readonly from: "partition" }
  /** A column of `_events` or `messages`, filled by the code that builds them. */
  | { readonly from: "fixed" };

/** One column of a dataset table. */
export interface TableColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly meaning: string;
  readonly unit?: string;
  readonly source: ColumnSource;
}

/** A dataset table of one event type. */
export interface DatasetTable {
  /** The table's (and the dataset folder's) name, e.g. `"agg_trade"`. */
  readonly name: string;
  readonly schema: EventSchema;
  /** Columns in order; the partition column `date` is last. */
  readonly columns: readonly TableColumn[];
  /** The `levels` fields (depth's bids and asks): each level is a row. */
  readonly levelFields: readonly FieldSchema[];
  /**
   * SQL over `stream` that keeps this table's messages where two schemas share an `e` (diff and
   * partial depth are both `depthUpdate`: the stream name tells them apart); `null` when the
   * `e` is enough.
   */
  readonly streamFilter: string | null;
  /** Whether REST depth snapshots are rows of this table: the diff-depth book's, not partial depth's pictures. */
  readonly withSnapshots: boolean;
}

/** SQL type of a field kind (`levels` fields become rows, not columns). */
export const SQL_TYPE_OF_KIND: Readonly<Record<Exclude<FieldKind, "levels">, SqlType>> = {
  decimal: "DOUBLE",
  id: "BIGINT",
  integer: "BIGINT",
  time: "TIMESTAMP_MS",
  boolean: "BOOLEAN",
  enum: "VARCHAR",
  text: "VARCHAR",
  number: "DOUBLE",
  // `items` fields (contract brackets, index components) are not typed columns: never a table column.
  items: "JSON",
};

/** Decimal columns that also keep Binance's exact text as `<column>_text`. */
export const EXACT_TEXT_COLUMNS: readonly string[] = ["price", "quantity"];

/**
 * SQL of the derived fields that are columns (`<kind>.<name>` → expression over the table's
 * columns). A derived field missing here has no column (test/query-tables.test.ts checks none is).
 */
export const DERIVED_COLUMN_SQL: Readonly<Record<string, string>> = {
  "aggTrade.tradeCount": "last_trade_id - first_trade_id + 1",
  "forceOrder.filledNotional": "average_price * filled_quantity",
  "forceOrder.liquidatedPosition": "CASE order_side WHEN 'SELL' THEN 'long' ELSE 'short' END",
  // A partial-depth picture's best levels: the highest bid and lowest ask among its level rows.
  "partialDepth.bidPrice": "max(CASE WHEN side = 'bid' AND quantity > 0 THEN price END) OVER PICTURE",
  "partialDepth.bidQuantity":
    "arg_max(CASE WHEN side = 'bid' AND quantity > 0 THEN quantity END, CASE WHEN side = 'bid' AND quantity > 0 THEN price END) OVER PICTURE",
  "partialDepth.askPrice": "min(CASE WHEN side = 'ask' AND quantity > 0 THEN price END) OVER PICTURE",
  "partialDepth.askQuantity":
    "arg_min(CASE WHEN side = 'ask' AND quantity > 0 THEN quantity END, CASE WHEN side = 'ask' AND quantity > 0 THEN price END) OVER PICTURE",
  // Over the payload map (PAYLOAD_DERIVED_COLUMNS): the number of brackets and components.
  "contractInfo.bracketCount": "coalesce(json_array_length(data['bks']), 0)",
  "compositeIndex.componentCount": "json_array_length(data['c'])",
};

/** The rows of one partial-depth picture, for the window of its best levels. */
const PICTURE_WINDOW = "(PARTITION BY source, stream, event_time, final_update_id)";

/** The derived fields of `DERIVED_COLUMN_SQL` whose SQL reads the payload map `data` (they count a list that is not a column). */
export const PAYLOAD_DERIVED_COLUMNS: ReadonlySet<string> = new Set(["contractInfo.bracketCount", "compositeIndex.componentCount"]);

/** Depth snapshot rows: the snapshot field that fills a depth column of another name (`lastUpdateId` is the book's `u`). */
export const SNAPSHOT_COLUMN_OF: Readonly<Record<string, string>> = { final_update_id: "last_update_id" };

/** Meaning of the recorder's and the level columns. */
const EXTRA_COLUMNS = {
  local_time: {
    name: "local_time",
    type: "TIMESTAMP",
    meaning: "when the recording machine received the message (UTC, µs); NULL when the recording has none",
    source: { from: "recorder", part: "local_time" },
  },
  source: {
    name: "source",
    type: "VARCHAR",
    meaning: "the sample the row comes from: its file name without folder and extension",
    source: { from: "recorder", part: "source" },
  },
  stream: {
    name: "stream",
    type: "VARCHAR",
    meaning: "the stream the update came on, e.g. btcusdt@depth@100ms; NULL on snapshot rows",
    source: { from: "recorder", part: "stream" },
  },
  is_snapshot: {
    name: "is_snapshot",
    type: "BOOLEAN",
    meaning: "true on the levels of a REST snapshot (GET /fapi/v1/depth), false on stream updates",
    source: { from: "level", part: "is_snapshot" },
  },
  side: { name: "side", type: "VARCHAR", meaning: "'bid' or 'ask'", source: { from: "level", part: "side" } },
  price: { name: "price", type: "DOUBLE", unit: "quote asset", meaning: "level price", source: { from: "level", part: "price" } },
  quantity: {
    name: "quantity",
    type: "DOUBLE",
    unit: "base asset",
    meaning: "new absolute quantity at the price; 0 removes the level",
    source: { from: "level", part: "quantity" },
  },
  price_text: {
    name: "price_text",
    type: "VARCHAR",
    meaning: "price exactly as Binance sent it",
    source: { from: "level", part: "price_text" },
  },
  quantity_text: {
    name: "quantity_text",
    type: "VARCHAR",
    meaning: "quantity exactly as Binance sent it",
    source: { from: "level", part: "quantity_text" },
  },
  date: {
    name: "date",
    type: "DATE",
    meaning: "partition: UTC day of event_time (the folder date=YYYY-MM-DD)",
    source: { from: "partition" },
  },
} as const satisfies Readonly<Record<string, TableColumn>>;

function fieldColumns(schema: EventSchema): TableColumn[] {
  const columns: TableColumn[] = [];
  for (const field of columnarFields(schema)) {
    if (field.kind === "levels") continue;
    if (field.path === undefined) {
      const key = `${schema.kind}.${field.name}`;
      const sql = DERIVED_COLUMN_SQL[key]?.replace("PICTURE", PICTURE_WINDOW);
      const source =
        sql === undefined ? null : { from: PAYLOAD_DERIVED_COLUMNS.has(key) ? ("payload" as const) : ("derived" as const), field, sql };
      if (source)
        columns.push({ name: field.column, type: SQL_TYPE_OF_KIND[field.kind], meaning: field.meaning, unit: field.unit, source });
      continue;
    }
    columns.push({
      name: field.column,
      type: SQL_TYPE_OF_KIND[field.kind],
      meaning: field.meaning,
      unit: field.unit,
      source: { from: "field", field },
    });
  }
  const symbol = columns.findIndex((column) => column.name === "symbol");
  if (symbol > 0) columns.unshift(...columns.splice(symbol, 1));
  return columns;
}

function textColumns(columns: readonly TableColumn[]): TableColumn[] {
  return columns
    .filter(
      (column) => column.source.from === "field" && column.source.field.kind === "decimal" && EXACT_TEXT_COLUMNS.includes(column.name),
    )
    .map((column) => ({
      name: `${column.name}_text`,
      type: "VARCHAR" as const,
      meaning: `${column.meaning}, exactly as Binance sent it`,
      source: { from: "text" as const, field: (column.source as { field: FieldSchema }).field },
    }));
}

/** `stream` filter of a schema whose `e` another schema shares: its families' names, or (the first schema of the `e`) none of the others'. */
function streamFilterOf(schema: EventSchema): string | null {
  const sharing = EVENT_SCHEMAS.filter((other) => other.eventType === schema.eventType);
  if (sharing.length < 2) return null;
  const patterns = (kinds: readonly string[]) =>
    STREAM_FAMILIES.filter((family) => kinds.includes(family.kind)).map(
      (family) => `regexp_full_match(stream, ${sqlString(streamNamePattern(family))})`,
    );
  if (findEventSchema(schema.eventType) !== schema) return `(${patterns([schema.kind]).join(" OR ")})`;
  const others = sharing.filter((other) => other !== schema).map((other) => other.kind);
  return `(stream IS NULL OR NOT (${patterns(others).join(" OR ")}))`;
}

/** The dataset table of an event schema. */
export function tableOf(schema: EventSchema): DatasetTable {
  const levelFields = columnarFields(schema).filter((field) => field.kind === "levels");
  const fields = fieldColumns(schema);
  const columns: TableColumn[] =
    levelFields.length > 0
      ? [
          ...fields,
          EXTRA_COLUMNS.local_time,
          EXTRA_COLUMNS.source,
          EXTRA_COLUMNS.stream,
          EXTRA_COLUMNS.is_snapshot,
          EXTRA_COLUMNS.side,
          EXTRA_COLUMNS.price,
          EXTRA_COLUMNS.quantity,
          EXTRA_COLUMNS.price_text,
          EXTRA_COLUMNS.quantity_text,
        ]
      : [...fields, EXTRA_COLUMNS.local_time, ...textColumns(fields), EXTRA_COLUMNS.source];
  const streamFilter = streamFilterOf(schema);
  const withSnapshots = levelFields.length > 0 && findEventSchema(schema.eventType) === schema;
  return { name: toSnakeCase(schema.kind), schema, columns: [...columns, EXTRA_COLUMNS.date], levelFields, streamFilter, withSnapshots };
}

/** Every dataset table, one per event schema, in the schemas' order. */
export const DATASET_TABLES: readonly DatasetTable[] = EVENT_SCHEMAS.map((schema) => tableOf(schema));

/** Name of the table of gaps and capture events. */
export const EVENTS_TABLE = "_events";

/** Name of the view of raw stream messages (samples only). */
export const MESSAGES_VIEW = "messages";

/** Columns of `_events`: sequence gaps and capture events (open, close, reconnect, error, …). */
export const EVENT_COLUMNS: readonly TableColumn[] = [
  { name: "source", type: "VARCHAR", meaning: "the sample the row comes from (file name without extension)", source: { from: "fixed" } },
  {
    name: "kind",
    type: "VARCHAR",
    meaning:
      "'gap' for a break in an id chain, else the capture event: open, close, reconnect, error, malformed-frame, server-error, silent, stopped",
    source: { from: "fixed" },
  },
  {
    name: "local_time",
    type: "TIMESTAMP",
    meaning: "local time of the event, or of the message after the gap (UTC)",
    source: { from: "fixed" },
  },
  { name: "event_time", type: "TIMESTAMP_MS", meaning: "gaps: event time (E) of the message after the gap", source: { from: "fixed" } },
  { name: "symbol", type: "VARCHAR", meaning: "symbol of the stream, when there is one", source: { from: "fixed" } },
  { name: "stream", type: "VARCHAR", meaning: "the stream concerned, when there is one", source: { from: "fixed" } },
  { name: "url", type: "VARCHAR", meaning: "connection events: the connection URL", source: { from: "fixed" } },
  {
    name: "detail",
    type: "VARCHAR",
    meaning: "what happened, in a sentence; gaps: the chain that broke (tradeId, aggTradeId, depthChain, bookUpdateId)",
    source: { from: "fixed" },
  },
  { name: "field", type: "VARCHAR", meaning: "gaps: the field that broke the chain (t, a, f, pu, u)", source: { from: "fixed" } },
  { name: "expected", type: "BIGINT", meaning: "gaps: what the field should have been", source: { from: "fixed" } },
  { name: "actual", type: "BIGINT", meaning: "gaps: what it was", source: { from: "fixed" } },
  {
    name: "missing",
    type: "BIGINT",
    meaning: "gaps: how many ids are missing, where that can be counted (trade and aggTrade ids)",
    source: { from: "fixed" },
  },
  { name: "date", type: "DATE", meaning: "partition: UTC day of local_time (else event_time)", source: { from: "partition" } },
];

/** Columns of `messages`: every stream message of the samples, as stored. */
export const MESSAGE_COLUMNS: readonly TableColumn[] = [
  {
    name: "source",
    type: "VARCHAR",
    meaning: "the sample the message comes from (file name without extension)",
    source: { from: "fixed" },
  },
  {
    name: "local_time",
    type: "TIMESTAMP",
    meaning: "local receive time (UTC, µs); NULL when the recording has none",
    source: { from: "fixed" },
  },
  { name: "stream", type: "VARCHAR", meaning: "stream name, e.g. btcusdt@trade", source: { from: "fixed" } },
  { name: "data", type: "JSON", meaning: "the payload exactly as received (query it with ->> '$.p' etc.)", source: { from: "fixed" } },
];

/** The name of every view a query can use: the tables, `_events` and `messages`. */
export const VIEW_NAMES: readonly string[] = [...DATASET_TABLES.map((table) => table.name), EVENTS_TABLE, MESSAGES_VIEW];

/** The table of an event type (`e`), or `undefined`. */
export function findTableByEventType(eventType: string): DatasetTable | undefined {
  return DATASET_TABLES.find((table) => table.schema.eventType === eventType);
}

/** The snapshot schema's columns, for depth snapshot rows. */
export const SNAPSHOT_FIELDS: readonly FieldSchema[] = DEPTH_SNAPSHOT_SCHEMA.fields;
