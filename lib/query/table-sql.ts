/**
 * SQL of a dataset table (tables.ts) over the raw views of the samples (`_messages`,
 * `_snapshots`), and over Parquet datasets. The payload of each message of the table's event
 * type is parsed once: `json_extract_string` with the list of the schema's wire paths gives a
 * list of texts, read by position and cast per field kind (a struct would not do: DuckDB's
 * struct names ignore case and Binance's letters do not, `E` and `e`, `T` and `t`). Array
 * payloads (`!…@arr` streams) are unnested into one row per element.
 */
import type { FieldSchema } from "../binance/schema";
import { sqlIdentifier, sqlString } from "./duckdb";
import { SNAPSHOT_COLUMN_OF, SNAPSHOT_FIELDS, type DatasetTable, type SqlType, type TableColumn } from "./tables";

/** The wire paths a table reads, extracted in one parse as a list of strings, and the SQL that reads each path. */
interface Extraction {
  /** `json_extract_string(<json>, ['$.e', '$.E', …])`. */
  readonly sql: (json: string) => string;
  readonly access: ReadonlyMap<string, string>;
}

function buildExtraction(fields: readonly FieldSchema[], alias: string): Extraction {
  const paths = [...new Set(fields.map((field) => field.path as string))];
  const list = paths.map((wirePath) => sqlString(`$.${wirePath}`)).join(", ");
  return {
    sql: (json) => `json_extract_string(${json}, [${list}])`,
    access: new Map(paths.map((wirePath, i) => [wirePath, `${alias}[${i + 1}]`])),
  };
}

/** A wire value (text) converted to its column's SQL type. */
function convert(value: string, field: FieldSchema): string {
  switch (field.kind) {
    case "decimal":
      return `CAST(${value} AS DOUBLE)`;
    case "id":
    case "integer":
      return `CAST(${value} AS BIGINT)`;
    case "time":
      return `CAST(epoch_ms(CAST(${value} AS BIGINT)) AS TIMESTAMP_MS)`;
    case "boolean":
      return `CAST(${value} AS BOOLEAN)`;
    case "levels":
      return `CAST(CAST(${value} AS JSON) AS VARCHAR[][])`;
    default:
      return value;
  }
}

/** The receive time (ms, fractional) as a TIMESTAMP with µs. */
export function localTimeSql(msColumn: string): string {
  return `make_timestamp(CAST(round(CAST(${msColumn} AS DOUBLE) * 1000) AS BIGINT))`;
}

/** The partition date of a row. */
const DATE_SQL = "CAST(coalesce(event_time, local_time) AS DATE)";

const EVENT_TYPE_PATH = "e";

/** The event-type field the rows are filtered on, as a wire field. */
const EVENT_TYPE_FIELD: FieldSchema = {
  path: EVENT_TYPE_PATH,
  name: "eventType",
  column: "event_type",
  kind: "enum",
  meaning: "event type",
};

function wireFieldsOf(table: DatasetTable): FieldSchema[] {
  const fields: FieldSchema[] = [EVENT_TYPE_FIELD];
  for (const column of table.columns) {
    if ((column.source.from === "field" || column.source.from === "text") && !fields.includes(column.source.field))
      fields.push(column.source.field);
  }
  return [...fields, ...table.levelFields];
}

/** `SELECT … AS name` list of the base columns (fields, texts, receive time) from the struct. */
function baseSelect(table: DatasetTable, structure: Extraction): string[] {
  const out: string[] = [];
  for (const column of table.columns) {
    const source = column.source;
    if (source.from === "field")
      out.push(`${convert(structure.access.get(source.field.path as string) as string, source.field)} AS ${sqlIdentifier(column.name)}`);
    else if (source.from === "text") out.push(`${structure.access.get(source.field.path as string)} AS ${sqlIdentifier(column.name)}`);
  }
  return out;
}

/** The column list in table order, with derived columns and the partition computed. */
function finalSelect(columns: readonly TableColumn[]): string {
  return columns
    .map((column) => {
      if (column.source.from === "derived") return `${column.source.sql} AS ${sqlIdentifier(column.name)}`;
      if (column.source.from === "partition") return `${DATE_SQL} AS ${sqlIdentifier(column.name)}`;
      return sqlIdentifier(column.name);
    })
    .join(", ");
}

/**
 * The payloads of the table's event type from `_messages`: `source, local_timestamp, stream,
 * _payload` (the list of wire texts). The event type's JSON string token prefilters cheaply; the
 * payload's `e` decides, inside the unnest so that the extraction runs once per payload.
 */
function payloadsSql(table: DatasetTable, structure: Extraction): string {
  const eventType = table.schema.eventType;
  const token = sqlString(JSON.stringify(eventType));
  const elements = `CASE WHEN starts_with(CAST(data AS VARCHAR), '[') THEN CAST(data AS JSON[]) ELSE [data] END`;
  const payloads = `list_filter(list_transform(${elements}, lambda _element: ${structure.sql("_element")}), lambda _v: ${structure.access.get(EVENT_TYPE_PATH)?.replace("_payload", "_v")} = ${sqlString(eventType)})`;
  return `SELECT source, local_timestamp, stream, unnest(${payloads}) AS _payload FROM _messages WHERE contains(CAST(data AS VARCHAR), ${token})`;
}

/** The level struct list of a row: `{side, price, quantity}` for each bid, then each ask. */
function levelsList(table: DatasetTable, access: (field: FieldSchema) => string): string {
  return table.levelFields
    .map(
      (field) =>
        `list_transform(coalesce(${convert(access(field), field)}, []), lambda x: {'side': ${sqlString(field.side as string)}, 'price': x[1], 'quantity': x[2]})`,
    )
    .join(" || ");
}

const LEVEL_SELECT =
  "l.side AS side, CAST(l.price AS DOUBLE) AS price, CAST(l.quantity AS DOUBLE) AS quantity, l.price AS price_text, l.quantity AS quantity_text";

/** The snapshot rows of a table with levels: its columns from the snapshot where they exist, else NULL. */
function snapshotRowsSql(table: DatasetTable): string {
  const structure = buildExtraction(SNAPSHOT_FIELDS, "_snapshot");
  const byColumn = new Map(SNAPSHOT_FIELDS.map((field) => [field.column, field]));
  const header = table.columns
    .filter((column) => column.source.from === "field")
    .map((column) => {
      if (column.name === "symbol") return `upper(symbol) AS symbol`;
      const field = byColumn.get(SNAPSHOT_COLUMN_OF[column.name] ?? column.name);
      const value = field && field.kind !== "levels" ? convert(structure.access.get(field.path as string) as string, field) : "NULL";
      return `CAST(${value} AS ${column.type}) AS ${sqlIdentifier(column.name)}`;
    });
  const levelAccess = (field: FieldSchema) => structure.access.get((byColumn.get(field.column) as FieldSchema).path as string) as string;
  return (
    `SELECT ${header.join(", ")}, ${localTimeSql("local_timestamp")} AS local_time, source, NULL::VARCHAR AS stream, true AS is_snapshot, ${LEVEL_SELECT} ` +
    `FROM (SELECT *, unnest(${levelsList(table, levelAccess)}) AS l FROM (SELECT source, symbol, local_timestamp, ${structure.sql("response")} AS _snapshot FROM _snapshots))`
  );
}

/** SQL of a table over the samples' `_messages` (and `_snapshots` for tables with levels). */
export function sampleTableSql(table: DatasetTable): string {
  const structure = buildExtraction(wireFieldsOf(table), "_payload");
  const base = [...baseSelect(table, structure), `${localTimeSql("local_timestamp")} AS local_time`, "source"].join(", ");
  const payloads = payloadsSql(table, structure);
  if (table.levelFields.length === 0) return `SELECT ${finalSelect(table.columns)} FROM (SELECT ${base} FROM (${payloads}))`;
  const levelAccess = (field: FieldSchema) => structure.access.get(field.path as string) as string;
  const updates =
    `SELECT ${base}, stream, false AS is_snapshot, ${LEVEL_SELECT} ` +
    `FROM (SELECT *, unnest(${levelsList(table, levelAccess)}) AS l FROM (${payloads}))`;
  return `SELECT ${finalSelect(table.columns)} FROM (${updates} UNION ALL BY NAME ${snapshotRowsSql(table)})`;
}

/** Parquet files of a table in dataset roots, as a `read_parquet` call (Hive partitions typed). */
export function parquetScanSql(roots: readonly string[], table: string, partitions: readonly string[]): string {
  const globs = roots.map((root) => sqlString(`${root.replace(/\/+$/, "")}/${table}/**/*.parquet`)).join(", ");
  const types = partitions.map((name) => `${sqlString(name)}: ${name === "date" ? "DATE" : "VARCHAR"}`).join(", ");
  return `read_parquet([${globs}], hive_partitioning = true, hive_types = {${types}}, union_by_name = true)`;
}

/** A table read from Parquet with its columns in order and types; columns no file has are NULL. */
export function parquetTableSql(scan: string, columns: readonly { name: string; type: SqlType }[], present: ReadonlySet<string>): string {
  const list = columns.map((column) => {
    const value = present.has(column.name) ? sqlIdentifier(column.name) : "NULL";
    return `CAST(${value} AS ${column.type}) AS ${sqlIdentifier(column.name)}`;
  });
  return `SELECT ${list.join(", ")} FROM ${scan}`;
}
