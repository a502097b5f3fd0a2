/**
 * `exportDataset`: samples → a Hive-partitioned Parquet dataset that DuckDB, Spark and pandas
 * read directly (docs/datasets.md). Each sample is read once by DuckDB into memory (spilling to
 * a temporary folder when large); each table of lib/query/tables.ts (`trade`, `depth`, …,
 * `_events`) is written per `symbol=`/`date=` partition, zstd-compressed, in row groups of
 * `rowGroupRows` and files of at most about `maxFileBytes`, with deterministic names and bytes,
 * so that exporting the same sample again changes nothing and captures from several machines
 * land side by side (layout.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InvalidArgumentError, StreamlabError } from "../errors";
import { DuckDb, sqlIdentifier, sqlString } from "../query/duckdb";
import { plainValue } from "../query/result";
import { arrayPayloadFile } from "../query/sample-sql";
import { resolveSources, type SampleFile, type Sources } from "../query/sources";
import { DATASET_TABLES, EVENTS_TABLE } from "../query/tables";
import { createEventsView, createViews, withArrayPayloads } from "../query/views";
import { partitionValue, placeStagedFiles, sampleFilePrefix, sampleIdOf } from "./layout";

/** Options of `exportDataset`. */
export interface ExportOptions {
  /** The dataset folder (created if missing). */
  readonly out: string;
  /** Rows per Parquet row group (default 122,880, DuckDB's). */
  readonly rowGroupRows?: number;
  /** A file is closed and the next one started past about this size (default 256 MiB). */
  readonly maxFileBytes?: number;
  /** Called after each sample. */
  readonly onSample?: (report: SampleExport) => void;
}

/** What was written for one table of one sample. */
export interface TableExport {
  readonly table: string;
  readonly rows: number;
  /** Its files, relative to the dataset. */
  readonly files: readonly string[];
}

/** What the export of one sample did. */
export interface SampleExport {
  readonly file: string;
  /** The sample's name (its file name without extension): the `source` column. */
  readonly name: string;
  /** The sample's id: the first part of its files' names. */
  readonly id: string;
  /** Stream messages in the sample. */
  readonly messages: number;
  /** Tables with rows, in the order of lib/query/tables.ts. */
  readonly tables: readonly TableExport[];
  /** Files written, left untouched (identical) and removed (an earlier export's), relative to the dataset. */
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  /** Bytes of the sample's Parquet files. */
  readonly bytes: number;
  readonly elapsedMs: number;
}

/** What `exportDataset` did. */
export interface DatasetExport {
  readonly dataset: string;
  readonly samples: readonly SampleExport[];
}

function checkOut(out: string, inputs: readonly string[]): void {
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) {
    throw new InvalidArgumentError("INVALID_DATASET_PATH", `The dataset ${out} is a file: give a folder, e.g. data/dataset.`);
  }
  const resolved = path.resolve(out);
  for (const input of inputs) {
    const table = path.relative(path.resolve(input), resolved).split(path.sep)[0];
    if ([...DATASET_TABLES.map((t) => t.name), EVENTS_TABLE].includes(table)) {
      throw new InvalidArgumentError(
        "INVALID_DATASET_PATH",
        `The dataset ${out} is inside the table folder ${path.join(input, table)} of an input.`,
      );
    }
  }
}

async function sampleId(db: DuckDb, sample: SampleFile): Promise<string> {
  const reader = await db.read(`SELECT local_timestamp, stream, data FROM _messages LIMIT 1`);
  const types = reader.columnTypes();
  const rows = reader.getRows().map((row) => row.map((value, i) => plainValue(value, types[i])));
  return sampleIdOf(rows, sample.name);
}

async function count(db: DuckDb, sql: string): Promise<number> {
  const reader = await db.read(`SELECT count(*) AS n FROM (${sql})`);
  return Number(reader.getRowsJson()[0][0]);
}

/** Writes one table of the sample into `staging/<table>/<partitions>/`; returns its row count. */
async function writeTable(
  db: DuckDb,
  table: string,
  staging: string,
  prefix: string,
  threads: number,
  options: ExportOptions,
): Promise<number> {
  // Sorted here, with every thread; written below with one, in this order, so the bytes are the same every time.
  await db.run(`CREATE OR REPLACE TEMP TABLE _export AS SELECT * FROM ${sqlIdentifier(table)} ORDER BY ALL`);
  const rows = await count(db, "SELECT * FROM _export");
  if (rows === 0) return 0;
  const bySymbol = table !== EVENTS_TABLE;
  const keys = bySymbol ? ["symbol", "date"] : ["date"];
  const partitions = (await db.read(`SELECT DISTINCT ${keys.join(", ")} FROM _export ORDER BY ALL`)).getRowsJson();
  const settings = `FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${options.rowGroupRows ?? 122880}, FILE_SIZE_BYTES ${options.maxFileBytes ?? 256 << 20}, FILENAME_PATTERN ${sqlString(`${prefix}{i}`)}`;
  for (const values of partitions) {
    const where = keys
      .map(
        (key, i) =>
          `${key} IS NOT DISTINCT FROM ${values[i] === null ? "NULL" : `${sqlString(String(values[i]))}${key === "date" ? "::DATE" : ""}`}`,
      )
      .join(" AND ");
    const folder = keys.map((key, i) => `${key}=${values[i] === null ? "__HIVE_DEFAULT_PARTITION__" : partitionValue(String(values[i]))}`);
    const target = path.join(staging, table, ...folder);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await db.run("SET threads = 1");
    try {
      await db.run(`COPY (SELECT * EXCLUDE (${keys.join(", ")}) FROM _export WHERE ${where}) TO ${sqlString(target)} (${settings})`);
    } finally {
      await db.run(`SET threads = ${threads}`);
    }
  }
  return rows;
}

function sizeOf(dataset: string, files: readonly string[]): number {
  return files.reduce((sum, file) => sum + fs.statSync(path.join(dataset, file)).size, 0);
}

/** Exports one sample into `out`. */
export async function exportSample(sample: SampleFile, options: ExportOptions): Promise<SampleExport> {
  const started = Date.now();
  const db = await DuckDb.open();
  const spill = fs.mkdtempSync(path.join(os.tmpdir(), "streamlab-duckdb-"));
  let staging: string | null = null;
  try {
    await db.run(`SET temp_directory = ${sqlString(spill)}`);
    let sources: Sources = { samples: [sample], datasets: [] };
    try {
      await createViews(db, sources, { materialize: true });
    } catch (error) {
      // The file holds an array stream after all: read its payloads the slower way.
      const retry = withArrayPayloads(sources, arrayPayloadFile((error as Error).cause ?? error) ?? "");
      if (!retry) throw error;
      sources = retry;
      await createViews(db, sources, { materialize: true });
    }
    await createEventsView(db, sources);
    const id = await sampleId(db, sample);
    const messages = await count(db, "SELECT 1 FROM _messages");
    const prefix = sampleFilePrefix(id, sample.name);
    staging = path.join(options.out, `.staging-${id}-${process.pid}`);
    const tables: { table: string; rows: number }[] = [];
    const threads = Number((await db.read("SELECT current_setting('threads') AS n")).getRowsJson()[0][0]);
    for (const table of [...DATASET_TABLES.map((t) => t.name), EVENTS_TABLE]) {
      const rows = await writeTable(db, table, staging, prefix, threads, options);
      if (rows > 0) tables.push({ table, rows });
    }
    const placed = placeStagedFiles(staging, options.out, [...DATASET_TABLES.map((t) => t.name), EVENTS_TABLE], `${id}-`);
    const files = [...placed.written, ...placed.unchanged].sort();
    return {
      file: sample.file,
      name: sample.name,
      id,
      messages,
      tables: tables.map(({ table, rows }) => ({ table, rows, files: files.filter((file) => file.split(path.sep)[0] === table) })),
      written: placed.written,
      unchanged: placed.unchanged,
      removed: placed.removed,
      bytes: sizeOf(options.out, files),
      elapsedMs: Date.now() - started,
    };
  } catch (error) {
    if (error instanceof StreamlabError && error.code !== "QUERY_FAILED") throw error;
    throw new StreamlabError("EXPORT_FAILED", `Exporting ${sample.file} to ${options.out} failed: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    db.close();
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(spill, { recursive: true, force: true });
  }
}

/**
 * Exports samples (files, or folders of samples) into a Parquet dataset at `options.out`.
 * @example await exportDataset(["data/bundled"], { out: "data/dataset" })
 */
export async function exportDataset(inputs: string | readonly string[], options: ExportOptions): Promise<DatasetExport> {
  const paths = typeof inputs === "string" ? [inputs] : inputs;
  checkOut(options.out, paths);
  const { samples } = resolveSources(paths);
  if (samples.length === 0)
    throw new InvalidArgumentError(
      "NO_SOURCES",
      `No samples to export in ${paths.join(", ")}: export reads samples (.json, .jsonl, .jsonl.gz).`,
    );
  fs.mkdirSync(options.out, { recursive: true });
  const reports: SampleExport[] = [];
  for (const sample of samples) {
    const report = await exportSample(sample, options);
    options.onSample?.(report);
    reports.push(report);
  }
  return { dataset: options.out, samples: reports };
}
