/**
 * What an export did and what a dataset holds, as sentences and small tables for notebooks and
 * people: one row per sample exported, one row per Parquet file.
 */
import * as fs from "fs";
import * as path from "path";
import type { DatasetExport } from "./export";
import { listParquetFiles } from "./layout";

/** One row per exported sample: messages, rows per table, files written or unchanged, size. */
export function exportRows(report: DatasetExport): Array<Record<string, string | number>> {
  return report.samples.map((sample) => ({
    sample: sample.name,
    messages: sample.messages,
    rows: sample.tables.map((table) => `${table.table} ${table.rows}`).join(", "),
    written: sample.written.length,
    unchanged: sample.unchanged.length,
    MB: Number((sample.bytes / 1e6).toFixed(3)),
  }));
}

/** One sentence: how many samples, files written, unchanged and removed. */
export function describeExport(report: DatasetExport): string {
  const sum = (pick: (sample: DatasetExport["samples"][number]) => number) =>
    report.samples.reduce((total, sample) => total + pick(sample), 0);
  const written = sum((sample) => sample.written.length);
  const unchanged = sum((sample) => sample.unchanged.length);
  const removed = sum((sample) => sample.removed.length);
  return `${report.samples.length} samples exported to ${report.dataset}: ${written} files written, ${unchanged} unchanged, ${removed} removed.`;
}

/** One row per Parquet file of a dataset: table, partition folders, file name, size. */
export function datasetFileRows(dataset: string): Array<Record<string, string | number>> {
  return fs
    .readdirSync(dataset, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .flatMap((entry) =>
      listParquetFiles(path.join(dataset, entry.name)).map((file) => ({
        table: entry.name,
        partition: path.dirname(file).split(path.sep).join("/"),
        file: path.basename(file),
        KB: Number((fs.statSync(path.join(dataset, entry.name, file)).size / 1024).toFixed(1)),
      })),
    );
}
