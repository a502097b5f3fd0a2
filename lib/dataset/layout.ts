/**
 * The dataset's layout on disk (docs/datasets.md): `<dataset>/<table>/symbol=<SYMBOL>/
 * date=<YYYY-MM-DD>/<sample id>-<sample name>-<n>.parquet` (Hive partitions, as Spark, pandas
 * and DuckDB read them; `_events` is partitioned by date only). A sample's files carry its id,
 * made from its first message, so exporting it again replaces its own files and nothing else:
 * files are written to a staging folder, then moved into place one by one (a rename, atomic on
 * one file system); an identical file is left untouched; files of an earlier export of the same
 * sample that the new one does not have are removed.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The notebooks' dataset folder, data/dataset (not committed). */
export const DEFAULT_DATASET_DIR = path.join(__dirname, "..", "..", "data", "dataset");

/** Length of a sample id, in hex digits. */
export const SAMPLE_ID_LENGTH = 16;

/**
 * A sample's id: the first hex digits of SHA-256 over its first message (receive time, stream,
 * payload): the same in every format the sample is stored in and while its journal grows, and
 * different for two captures (their receive times differ). `name` stands in for samples without
 * messages.
 */
export function sampleIdOf(firstMessages: readonly (readonly unknown[])[], name: string): string {
  const hash = crypto.createHash("sha256");
  if (firstMessages.length === 0) hash.update(`empty:${name}`);
  for (const message of firstMessages) hash.update(JSON.stringify(message) + "\n");
  return hash.digest("hex").slice(0, SAMPLE_ID_LENGTH);
}

/** A partition folder's value, escaped as Hive does (`/` and other specials percent-encoded). */
export function partitionValue(value: string): string {
  return encodeURIComponent(value).replace(/\*/g, "%2A");
}

/** The file-name prefix of a sample's files: `<id>-<name>-`. */
export function sampleFilePrefix(id: string, name: string): string {
  return `${id}-${name.replace(/[^A-Za-z0-9_.-]/g, "_")}-`;
}

/** Every `.parquet` file under `dir`, relative to it. */
export function listParquetFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map(String)
    .filter((file) => file.endsWith(".parquet"))
    .sort();
}

function sameBytes(a: string, b: string): boolean {
  if (!fs.existsSync(b) || fs.statSync(a).size !== fs.statSync(b).size) return false;
  return fs.readFileSync(a).equals(fs.readFileSync(b));
}

/** What placing a sample's files did. */
export interface PlacedFiles {
  /** Files written (new or changed), relative to the dataset. */
  readonly written: string[];
  /** Files already there with the same bytes, left untouched. */
  readonly unchanged: string[];
  /** Files of an earlier export of the same sample that are gone now. */
  readonly removed: string[];
}

/**
 * Moves the files of `staging/<table>/…` into `dataset/<table>/…`, leaves identical files
 * untouched, and removes the sample's older files (named with `idPrefix`) that were not staged.
 */
export function placeStagedFiles(staging: string, dataset: string, tables: readonly string[], idPrefix: string): PlacedFiles {
  const placed: PlacedFiles = { written: [], unchanged: [], removed: [] };
  for (const table of tables) {
    const staged = new Set(listParquetFiles(path.join(staging, table)));
    for (const file of staged) {
      const from = path.join(staging, table, file);
      const to = path.join(dataset, table, file);
      const relative = path.join(table, file);
      if (sameBytes(from, to)) {
        placed.unchanged.push(relative);
        continue;
      }
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(from, to);
      placed.written.push(relative);
    }
    for (const file of listParquetFiles(path.join(dataset, table))) {
      if (path.basename(file).startsWith(idPrefix) && !staged.has(file)) {
        fs.unlinkSync(path.join(dataset, table, file));
        placed.removed.push(path.join(table, file));
        removeEmptyParents(path.dirname(path.join(dataset, table, file)), path.join(dataset, table));
      }
    }
  }
  return placed;
}

function removeEmptyParents(dir: string, stop: string): void {
  let current = dir;
  while (current.startsWith(stop) && current !== stop && fs.existsSync(current) && fs.readdirSync(current).length === 0) {
    fs.rmdirSync(current);
    current = path.dirname(current);
  }
}
