/**
 * Listing the samples of a folder, newest first: the CLI's `list`, and the notebooks' search for
 * a saved sample when Binance cannot be reached.
 */
import * as fs from "fs";
import * as path from "path";
import { loadSample } from "./read";
import type { SampleSource } from "./sample-format";
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

/**
 * Lists the samples in a folder (newest first), including unfinished journals
 * (`complete: false`). Files that cannot be read are left out of the list.
 */
export function listSamples(dir: string = DEFAULT_CAPTURE_DIR): SampleSummary[] {
  if (!fs.existsSync(dir)) return [];
  const summaries: SampleSummary[] = [];
  for (const entry of fs.readdirSync(dir)) {
    if (!/\.(json|jsonl|jsonl\.gz)$/.test(entry) || entry.endsWith(".tmp")) continue;
    const file = path.join(dir, entry);
    try {
      const sample = loadSample(file);
      summaries.push({
        file,
        name: entry,
        streams: sample.streams,
        symbols: sample.symbols,
        count: sample.count,
        startedAt: sample.startedAt,
        source: sample.source.kind,
        complete: sample.complete,
        modifiedMs: fs.statSync(file).mtimeMs,
      });
    } catch {
      // Not a sample (e.g. a README or a broken file): not listed.
    }
  }
  return summaries.sort((a, b) => b.modifiedMs - a.modifiedMs || a.name.localeCompare(b.name));
}
