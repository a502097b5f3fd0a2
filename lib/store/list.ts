/**
 * Listing the samples of a folder, newest first: the CLI's `list`, and the notebooks' search for
 * a saved sample when Binance cannot be reached. Only regular files are opened (a FIFO or a link
 * to a device is skipped), a format-2 sample is summarized from its header line alone, a journal
 * is counted line by line without keeping its messages, and other files are read whole only
 * under `MAX_WHOLE_FILE_BYTES`.
 */
import * as fs from "fs";
import * as path from "path";
import { MAX_WHOLE_FILE_BYTES, isRegularFile, readLines, regularFileSize } from "./files";
import { JOURNAL_SUFFIX } from "./journal";
import { loadSample, parseLine } from "./read";
import type { SampleMeta, SampleSource } from "./sample-format";
import { DEFAULT_CAPTURE_DIR } from "./write";

/** One row of `listSamples`. */
export interface SampleSummary {
  readonly file: string;
  readonly name: string;
  readonly streams: readonly string[];
  readonly symbols: readonly string[];
  readonly count: number;
  readonly startedAt: string | null;
  readonly source: SampleSource["kind"];
  readonly complete: boolean;
  readonly modifiedMs: number;
}

type Summary = Omit<SampleSummary, "file" | "name" | "modifiedMs">;

function fromMeta(meta: Pick<SampleMeta, "streams" | "symbols" | "count" | "startedAt" | "source" | "complete">): Summary {
  return {
    streams: meta.streams,
    symbols: meta.symbols,
    count: meta.count,
    startedAt: meta.startedAt,
    source: meta.source.kind,
    complete: meta.complete,
  };
}

/** A journal's summary: its header, and its message lines counted (streams seen are added). */
function summarizeJournal(file: string): Summary {
  let summary: Summary | null = null;
  const streams = new Set<string>();
  let count = 0;
  for (const line of readLines(file)) {
    if (line.number === 1) {
      const record = parseLine(line.text, 1, file);
      if (record.kind !== "journal-header") throw new Error("no journal header");
      summary = { ...fromMeta({ ...record.meta, count: 0, complete: false }), complete: false };
      continue;
    }
    const match = /^\{"localTimestamp":[^,]*,"stream":"([^"]*)"/.exec(line.text);
    if (match && (line.terminated || !line.last)) {
      count++;
      streams.add(match[1]);
    }
  }
  if (!summary) throw new Error("empty journal");
  const known = summary.streams.length > 0 ? summary.streams : [...streams];
  return { ...summary, streams: known, count };
}

function summarize(file: string): Summary {
  if (file.endsWith(JOURNAL_SUFFIX)) return summarizeJournal(file);
  if (file.endsWith(".jsonl")) {
    for (const line of readLines(file)) {
      const record = parseLine(line.text, 1, file);
      if (record.kind === "sample-header") return fromMeta(record.meta);
      break;
    }
  }
  if (regularFileSize(file) > MAX_WHOLE_FILE_BYTES) throw new Error("too large to read whole");
  return fromMeta(loadSample(file));
}

/**
 * Lists the samples in a folder (newest first), including unfinished journals
 * (`complete: false`). Files that are not regular files, or cannot be read, are left out.
 */
export function listSamples(dir: string = DEFAULT_CAPTURE_DIR): SampleSummary[] {
  if (!fs.existsSync(dir)) return [];
  const summaries: SampleSummary[] = [];
  for (const entry of fs.readdirSync(dir)) {
    if (!/\.(json|jsonl|jsonl\.gz)$/.test(entry)) continue;
    const file = path.join(dir, entry);
    if (!isRegularFile(file)) continue;
    try {
      summaries.push({ file, name: entry, ...summarize(file), modifiedMs: fs.statSync(file).mtimeMs });
    } catch {
      // Not a sample (e.g. a README or a broken file): not listed.
    }
  }
  return summaries.sort((a, b) => b.modifiedMs - a.modifiedMs || a.name.localeCompare(b.name));
}
