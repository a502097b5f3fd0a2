/**
 * What `query` and `export` read: sample files (every format the workspace writes or ships)
 * and Parquet datasets, found from the paths the user names. A file is a sample; a folder is a
 * dataset when it holds table folders with Parquet files, and its sample files are read too.
 *
 * Each sample is read by DuckDB in the layout that is fast for it (docs/datasets.md, "Reading
 * samples"): JSON Lines (v2 samples `*.jsonl`, recordings `*.jsonl.gz`, journals
 * `*.partial.jsonl`) with `read_json` line by line; a v1 one-document sample (`*.json` written by
 * this library, one message per line) line by line too; other JSON documents and arrays whole.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import type { SequenceGap } from "../binance/sequence";
import { InvalidArgumentError, SampleFileError } from "../errors";
import { JOURNAL_SUFFIX } from "../store/journal";
import { loadSample } from "../store/read";
import { SAMPLE_FORMAT, type CaptureEvent, type SampleMeta, type StoredDepthSnapshot } from "../store/sample-format";
import { DATASET_TABLES, EVENTS_TABLE } from "./tables";

/**
 * How a sample file is laid out: `lines` one JSON object a line (v2, recordings, journals);
 * `v1-lines` a v1 sample document with one message a line; `document` any other sample document;
 * `array` a JSON array of `{stream, data}` (the seed samples).
 */
export type SampleLayout = "lines" | "v1-lines" | "document" | "array";

/** A sample file to read. */
export interface SampleFile {
  readonly file: string;
  /** The file name without folder and extension, e.g. `"btcusdt-trade"`: the `source` column. */
  readonly name: string;
  readonly layout: SampleLayout;
  /** An unfinished capture journal (`*.partial.jsonl`): a cut-off last line is left out. */
  readonly isJournal: boolean;
  /** Metadata stored in the file's header (v2 header line, v1 document head), when it has one. */
  readonly storedMeta: StoredSampleMeta | null;
  /**
   * Every payload is a JSON object (no `!…@arr` array streams), so DuckDB's JSON reader can
   * parse payloads straight into maps (about twice as fast). Known from the header's streams,
   * else from the first MiB of the file; a query that meets an array anyway retries without it.
   */
  readonly objectPayloads: boolean;
}

/** What a sample's header says besides its messages. */
export interface StoredSampleMeta {
  readonly meta: Partial<SampleMeta>;
  /** v1 documents: the snapshots and events are in the head; v2 keeps them as lines. */
  readonly snapshots?: readonly StoredDepthSnapshot[];
}

/** A Parquet dataset folder and the tables it holds. */
export interface DatasetRoot {
  readonly root: string;
  /** Table folders that hold Parquet files, e.g. `["trade", "depth", "_events"]`. */
  readonly tables: readonly string[];
}

/** Everything the named paths hold. */
export interface Sources {
  readonly samples: readonly SampleFile[];
  readonly datasets: readonly DatasetRoot[];
}

const SAMPLE_FILE = /\.(json|jsonl|jsonl\.gz)$/;

/** The `source` name of a sample file: its name without folder and extension. */
export function sampleName(file: string): string {
  return path.basename(file).replace(/(\.partial)?\.jsonl(\.gz)?$|\.json$/, "");
}

/** The first `maxBytes` of a file (gunzipped for `.gz`). */
function readStart(file: string, maxBytes: number): string {
  if (file.endsWith(".gz")) {
    const fd = fs.openSync(file, "r");
    try {
      const buffer = Buffer.alloc(Math.min(maxBytes, 1 << 20));
      const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
      try {
        return zlib.gunzipSync(buffer.subarray(0, read), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8").slice(0, maxBytes);
      } catch (error) {
        throw new SampleFileError("CORRUPT_GZIP", `Recording ${file} is not a gzip file (${(error as Error).message}).`, file, {
          cause: error,
        });
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.alloc(Math.min(maxBytes, fs.fstatSync(fd).size));
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads from the start of `file` until `marker` appears (at most `limit` bytes); the text before it, or `null`. */
function readUntil(file: string, marker: string, limit: number): string | null {
  const fd = fs.openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(1 << 16);
    while (total < limit) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, total);
      if (read === 0) return null;
      chunks.push(Buffer.from(buffer.subarray(0, read)));
      total += read;
      const text = Buffer.concat(chunks).toString("utf8");
      const at = text.indexOf(marker);
      if (at >= 0) return text.slice(0, at);
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

const V1_MESSAGES_MARKER = '\n"messages":[';
const HEAD_LIMIT = 64 << 20;

/** The head of a v1 sample written by this library (everything before its messages), or `null` for another layout. */
function readV1Head(file: string): StoredSampleMeta | null {
  const head = readUntil(file, V1_MESSAGES_MARKER, HEAD_LIMIT);
  if (head === null) return null;
  try {
    const value = JSON.parse(`${head}"messages":[]}`) as SampleMeta & { snapshots?: StoredDepthSnapshot[] };
    if (value.format !== SAMPLE_FORMAT) return null;
    const { snapshots, ...meta } = value as SampleMeta & { snapshots?: StoredDepthSnapshot[]; messages?: unknown };
    delete (meta as { messages?: unknown }).messages;
    return { meta, snapshots: snapshots ?? [] };
  } catch {
    return null;
  }
}

/** The header of a JSON Lines sample (v2 `{"format":…,"meta":…}`, journal `{"journal":…,"meta":…}`), or `null`. */
function readLinesHeader(file: string): StoredSampleMeta | null {
  const start = readStart(file, 1 << 20);
  const end = start.indexOf("\n");
  const first = end >= 0 ? start.slice(0, end) : start;
  let value: unknown;
  try {
    value = JSON.parse(first);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const header = value as { format?: unknown; journal?: unknown; meta?: Partial<SampleMeta> };
  if ((header.format === SAMPLE_FORMAT || header.journal === "streamlab") && typeof header.meta === "object" && header.meta !== null)
    return { meta: header.meta };
  return null;
}

/** Whether every payload of a JSON Lines file is an object: from its header's streams, else from its first MiB. */
function holdsObjectPayloadsOnly(file: string, stored: StoredSampleMeta | null): boolean {
  const streams = stored?.meta.streams;
  if (Array.isArray(streams) && streams.length > 0) return !streams.some((stream) => stream.includes("@arr"));
  return !readStart(file, 1 << 20).includes('"data":[');
}

/** A sample file with its layout; `NOT_A_SAMPLE` for files of other kinds. */
export function describeSampleFile(file: string): SampleFile {
  const name = sampleName(file);
  const isJournal = file.endsWith(JOURNAL_SUFFIX);
  if (/\.jsonl(\.gz)?$/.test(file)) {
    const storedMeta = readLinesHeader(file);
    return { file, name, layout: "lines", isJournal, storedMeta, objectPayloads: holdsObjectPayloadsOnly(file, storedMeta) };
  }
  if (!file.endsWith(".json")) {
    throw new SampleFileError(
      "NOT_A_SAMPLE",
      `File ${file} is not a sample: expected .json, .jsonl or .jsonl.gz (or a dataset folder).`,
      file,
    );
  }
  const start = readStart(file, 4096).trimStart();
  if (start.startsWith("[")) return { file, name, layout: "array", isJournal, storedMeta: null, objectPayloads: false };
  if (start.startsWith(`{"format":"${SAMPLE_FORMAT}"`)) {
    const head = readV1Head(file);
    if (head) return { file, name, layout: "v1-lines", isJournal, storedMeta: head, objectPayloads: false };
  }
  if (!start.startsWith("{"))
    throw new SampleFileError("NOT_A_SAMPLE", `File ${file} is not a sample: it does not hold a JSON object or array.`, file);
  return { file, name, layout: "document", isJournal, storedMeta: null, objectPayloads: false };
}

/** Table folders of `dir` that hold Parquet files (at any depth). */
function datasetTablesIn(dir: string): string[] {
  const names = [...DATASET_TABLES.map((table) => table.name), EVENTS_TABLE];
  return names.filter((name) => {
    const folder = path.join(dir, name);
    return fs.existsSync(folder) && fs.statSync(folder).isDirectory() && containsParquet(folder);
  });
}

function containsParquet(dir: string): boolean {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".parquet")) return true;
    if (entry.isDirectory() && !entry.name.startsWith(".") && containsParquet(path.join(dir, entry.name))) return true;
  }
  return false;
}

/**
 * The samples and datasets at `paths`: a file is a sample; a folder contributes its sample files
 * (not recursively) and, when it holds table folders with Parquet files, itself as a dataset.
 * A missing path is `FILE_NOT_FOUND`; a folder with neither is `NO_SOURCES`.
 */
export function resolveSources(paths: readonly string[]): Sources {
  const samples: SampleFile[] = [];
  const datasets: DatasetRoot[] = [];
  for (const given of paths) {
    if (!fs.existsSync(given)) throw new SampleFileError("FILE_NOT_FOUND", `No such sample, dataset or folder: ${given}.`, given);
    if (fs.statSync(given).isFile()) {
      samples.push(describeSampleFile(given));
      continue;
    }
    const tables = datasetTablesIn(given);
    if (tables.length > 0) datasets.push({ root: given, tables });
    const files = fs
      .readdirSync(given)
      .filter((entry) => SAMPLE_FILE.test(entry) && !entry.startsWith("."))
      .sort()
      .map((entry) => path.join(given, entry))
      .filter((file) => fs.statSync(file).isFile());
    for (const file of files) samples.push(describeSampleFile(file));
    if (tables.length === 0 && files.length === 0) {
      throw new InvalidArgumentError(
        "NO_SOURCES",
        `Folder ${given} holds no samples (.json, .jsonl, .jsonl.gz) and no dataset tables (${DATASET_TABLES[0].name}/, …).`,
      );
    }
  }
  if (samples.length + datasets.length === 0)
    throw new InvalidArgumentError("NO_SOURCES", "No samples or datasets to read: name at least one file or folder.");
  return { samples, datasets };
}

/** The REST snapshots of a sample kept outside its lines; `null` when they are lines of the file (read by DuckDB). */
export function storedSnapshotsOf(sample: SampleFile): readonly StoredDepthSnapshot[] | null {
  switch (sample.layout) {
    case "lines":
      return null;
    case "array":
      return [];
    case "v1-lines":
      return sample.storedMeta?.snapshots ?? [];
    case "document":
      return loadSample(sample.file).snapshots;
  }
}

/** A sample's sequence gaps and the capture events kept outside its lines (`null`: they are lines, read by DuckDB). */
export interface SampleEvents {
  readonly events: readonly CaptureEvent[] | null;
  readonly gaps: readonly SequenceGap[];
}

/**
 * The gaps and events of a sample, from its header where it has them; otherwise the sample is
 * loaded (`loadSample` finds the gaps with the sequence checks of binance/sequence.ts).
 */
export function sampleEventsOf(sample: SampleFile): SampleEvents {
  const stored = sample.storedMeta;
  if (sample.layout === "lines") {
    const gaps = stored && !sample.isJournal && Array.isArray(stored.meta.gaps) ? stored.meta.gaps : loadSample(sample.file).gaps;
    return { events: null, gaps };
  }
  if (sample.layout === "v1-lines" && stored) return { events: stored.meta.events ?? [], gaps: stored.meta.gaps ?? [] };
  const loaded = loadSample(sample.file);
  return { events: loaded.events, gaps: loaded.gaps };
}
