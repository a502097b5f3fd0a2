/**
 * The views a query sees: one per dataset table (`trade`, `depth`, …), `messages` (the raw
 * stream messages of the samples) and `_events` (gaps and capture events), each over every
 * sample and every dataset named. Samples are read where they lie, on every query (DuckDB
 * reads JSON Lines fast, docs/datasets.md); nothing is copied or cached.
 */
import type { DuckDb } from "./duckdb";
import { sqlIdentifier } from "./duckdb";
import { samplePayloadsSql, sampleEventsSql, sampleMessagesSql, sampleSnapshotsSql } from "./sample-sql";
import { sampleEventsOf, storedSnapshotsOf, type Sources } from "./sources";
import { localTimeSql, parquetScanSql, parquetTableSql, sampleTableSql } from "./table-sql";
import { DATASET_TABLES, EVENTS_TABLE, EVENT_COLUMNS, MESSAGES_VIEW, MESSAGE_COLUMNS, type TableColumn } from "./tables";

function emptySelect(columns: readonly { name: string; type: string }[]): string {
  return `SELECT ${columns.map((column) => `NULL::${column.type} AS ${sqlIdentifier(column.name)}`).join(", ")} WHERE false`;
}

function unionAll(parts: readonly string[], empty: string): string {
  return parts.length === 0 ? empty : parts.map((part) => `(${part})`).join("\nUNION ALL\n");
}

const RAW_MESSAGE_COLUMNS = [
  { name: "source", type: "VARCHAR" },
  { name: "local_timestamp", type: "DOUBLE" },
  { name: "stream", type: "VARCHAR" },
  { name: "data", type: "JSON" },
];

const RAW_PAYLOAD_COLUMNS = [
  { name: "source", type: "VARCHAR" },
  { name: "local_timestamp", type: "DOUBLE" },
  { name: "stream", type: "VARCHAR" },
  { name: "data", type: "MAP(VARCHAR, VARCHAR)" },
];

const RAW_SNAPSHOT_COLUMNS = [
  { name: "source", type: "VARCHAR" },
  { name: "local_timestamp", type: "DOUBLE" },
  { name: "symbol", type: "VARCHAR" },
  { name: "response", type: "JSON" },
];

/** Columns the Parquet files of a table hold, partitions included. */
async function parquetColumns(db: DuckDb, scan: string): Promise<Set<string>> {
  const reader = await db.read(`DESCRIBE SELECT * FROM ${scan}`);
  return new Set(reader.getRowObjectsJson().map((row) => String(row.column_name)));
}

/** The dataset side of a table: its Parquet files in every dataset root that has them, or `null`. */
async function datasetSql(db: DuckDb, sources: Sources, table: string, columns: readonly TableColumn[]): Promise<string | null> {
  const roots = sources.datasets.filter((dataset) => dataset.tables.includes(table)).map((dataset) => dataset.root);
  if (roots.length === 0) return null;
  const partitions = columns.some((column) => column.name === "symbol") && table !== EVENTS_TABLE ? ["symbol", "date"] : ["date"];
  const scan = parquetScanSql(roots, table, partitions);
  return parquetTableSql(scan, columns, await parquetColumns(db, scan));
}

/** Options of `createViews`. */
export interface ViewOptions {
  /**
   * Read the samples once into temporary tables (`_payloads`, `_snapshots`) instead of on every
   * query: slower to open, faster for many queries (the export does this).
   */
  readonly materialize?: boolean;
}

/**
 * Creates `_messages`, `_payloads`, `_snapshots`, `messages` and one view per dataset table over `sources`.
 * `_events` is created by `createEventsView`, only when a query needs it (finding the gaps of
 * a recording means reading it once more).
 */
export async function createViews(db: DuckDb, sources: Sources, options: ViewOptions = {}): Promise<void> {
  const messages = sources.samples.map((sample) => sampleMessagesSql(sample));
  const snapshots = sources.samples.map((sample) => sampleSnapshotsSql(sample, storedSnapshotsOf(sample)));
  const payloads = sources.samples.map((sample) => samplePayloadsSql(sample));
  const kind = options.materialize ? "TABLE" : "VIEW";
  await db.run(`CREATE OR REPLACE TEMP VIEW _messages AS ${unionAll(messages, emptySelect(RAW_MESSAGE_COLUMNS))}`);
  await db.run(`CREATE OR REPLACE TEMP ${kind} _payloads AS ${unionAll(payloads, emptySelect(RAW_PAYLOAD_COLUMNS))}`);
  await db.run(`CREATE OR REPLACE TEMP ${kind} _snapshots AS ${unionAll(snapshots, emptySelect(RAW_SNAPSHOT_COLUMNS))}`);
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${MESSAGES_VIEW} AS SELECT source, ${localTimeSql("local_timestamp")} AS local_time, stream, data FROM _messages`,
  );
  for (const table of DATASET_TABLES) {
    const parts = sources.samples.length > 0 ? [sampleTableSql(table)] : [];
    const parquet = await datasetSql(db, sources, table.name, table.columns);
    if (parquet) parts.push(parquet);
    await db.run(`CREATE OR REPLACE TEMP VIEW ${sqlIdentifier(table.name)} AS ${unionAll(parts, emptySelect(table.columns))}`);
  }
}

/**
 * `sources` with `file` read as a mix of object and array payloads: what to retry with when a
 * query met an array in a file that looked like objects only (`arrayPayloadFile`).
 */
export function withArrayPayloads(sources: Sources, file: string): Sources | null {
  const index = sources.samples.findIndex((sample) => sample.file === file && sample.objectPayloads);
  if (index < 0) return null;
  const samples = sources.samples.map((sample, i) => (i === index ? { ...sample, objectPayloads: false } : sample));
  return { ...sources, samples };
}

/** Creates the `_events` view: the samples' gaps and capture events, and the datasets' `_events`. */
export async function createEventsView(db: DuckDb, sources: Sources): Promise<void> {
  const rows = sources.samples.map((sample) => sampleEventsSql(sample, sampleEventsOf(sample)));
  const parts: string[] = [];
  if (rows.length > 0) {
    const symbol = "CASE WHEN stream IS NULL OR starts_with(stream, '!') THEN NULL ELSE upper(split_part(stream, '@', 1)) END";
    parts.push(
      `SELECT source, kind, ${localTimeSql("local_timestamp")} AS local_time, CAST(epoch_ms(event_time) AS TIMESTAMP_MS) AS event_time, ${symbol} AS symbol, ` +
        `stream, url, detail, field, expected, actual, missing, CAST(coalesce(${localTimeSql("local_timestamp")}, epoch_ms(event_time)) AS DATE) AS date ` +
        `FROM (${unionAll(rows, "")})`,
    );
  }
  const parquet = await datasetSql(db, sources, EVENTS_TABLE, EVENT_COLUMNS);
  if (parquet) parts.push(parquet);
  await db.run(`CREATE OR REPLACE TEMP VIEW ${EVENTS_TABLE} AS ${unionAll(parts, emptySelect(EVENT_COLUMNS))}`);
}

/** The columns of each view a query can use, for help texts and docs. */
export function viewColumns(): Record<string, readonly TableColumn[]> {
  return Object.fromEntries([
    ...DATASET_TABLES.map((table) => [table.name, table.columns] as const),
    [EVENTS_TABLE, EVENT_COLUMNS],
    [MESSAGES_VIEW, MESSAGE_COLUMNS],
  ]);
}
