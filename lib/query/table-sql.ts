/**
 * SQL of a dataset table (tables.ts) over the raw views of the samples (`_payloads`,
 * `_snapshots`), and over Parquet datasets. Payloads come as maps from wire key to text
 * (`MAP(VARCHAR, VARCHAR)`, parsed by the JSON reader itself): a field is `data['p']` cast per
 * its kind. (A struct would not do: DuckDB's struct names ignore case and Binance's letters do
 * not, `E` and `e`, `T` and `t`.) Snapshot bodies are read with one `json_extract_string` of
 * the list of their paths.
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
    case "number":
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

/** `SELECT … AS name` list of the base columns (fields and their exact texts) from the payload map. */
function baseSelect(table: DatasetTable): string[] {
  const out: string[] = [];
  for (const column of table.columns) {
    const source = column.source;
    if (source.from === "field")
      out.push(`${convert(mapAccess(source.field.path as string), source.field)} AS ${sqlIdentifier(column.name)}`);
    else if (source.from === "text") out.push(`${mapAccess(source.field.path as string)} AS ${sqlIdentifier(column.name)}`);
    else if (source.from === "payload") out.push(`${source.sql} AS ${sqlIdentifier(column.name)}`);
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

/** SQL reading a wire path from a payload map (`data['p']`; nested paths `k.o` from the JSON text of `k`). */
function mapAccess(wirePath: string): string {
  const [top, ...rest] = wirePath.split(".");
  const value = `data[${sqlString(top)}]`;
  return rest.length === 0 ? value : `json_extract_string(${value}, ${sqlString(`$.${rest.join(".")}`)})`;
}

/** The payload maps of the table's event type from `_payloads`: `source, local_timestamp, stream, data`. */
function payloadsSql(table: DatasetTable): string {
  const byStream = table.streamFilter === null ? "" : ` AND ${table.streamFilter}`;
  return `SELECT source, local_timestamp, stream, data FROM _payloads WHERE data['${EVENT_TYPE_PATH}'] = ${sqlString(table.schema.eventType)}${byStream}`;
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

/** SQL of a table over the samples' `_payloads` (and `_snapshots` for tables with levels). */
export function sampleTableSql(table: DatasetTable): string {
  const base = [...baseSelect(table), `${localTimeSql("local_timestamp")} AS local_time`, "source"].join(", ");
  const payloads = payloadsSql(table);
  if (table.levelFields.length === 0) return `SELECT ${finalSelect(table.columns)} FROM (SELECT ${base} FROM (${payloads}))`;
  const levelAccess = (field: FieldSchema) => mapAccess(field.path as string);
  const updates = `SELECT ${base}, stream, false AS is_snapshot, ${LEVEL_SELECT} FROM (SELECT *, unnest(${levelsList(table, levelAccess)}) AS l FROM (${payloads}))`;
  const rows = table.withSnapshots ? `${updates} UNION ALL BY NAME ${snapshotRowsSql(table)}` : updates;
  return `SELECT ${finalSelect(table.columns)} FROM (${rows})`;
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
