/**
 * What a notebook imports: `import { capture, loadSample, tradesFrame, showChart } from "../lib";`
 * Re-exports only. Importing it is fast: danfojs-node and tslab are loaded on the first frame
 * built or output shown (notebook/frames.ts, notebook/charts.ts); the CLI and tests import the
 * modules they need directly.
 */
export * from "./errors";
export * from "./binance/endpoints";
export * from "./binance/schema";
export * from "./binance/raw";
export * from "./binance/decode";
export * from "./binance/sequence";
export * from "./binance/taker-side";
export * from "./binance/book-sync";
export * from "./binance/rest";
export * from "./store/sample-format";
export { loadSample } from "./store/read";
export { DEFAULT_CAPTURE_DIR, resolveInside, sampleFileName, saveSample, type SaveSampleOptions } from "./store/write";
export { finishJournal, recoverJournal, type FinishJournalOptions } from "./store/finish";
export { recoverOrphanJournals, type OrphanRecovery } from "./store/orphans";
export { listSamples, type SampleSummary } from "./store/list";
export { summarizeSample, type KnownSampleMeta } from "./store/meta";
export * from "./store/storage";
export type { CaptureOptions, CaptureProgress, RotateOptions } from "./capture/options";
export { formatCaptureStatus } from "./capture/progress";
export * from "./capture/session";
export * from "./capture/unreachable";
export * from "./capture/seed-client";
export * from "./replay/server";
export type { ReplayFaults, ReplayOptions, ReplaySpeed } from "./replay/options";
export * from "./notebook/workspace";
export * from "./notebook/capture-handle";
export * from "./notebook/notebook-data";
export * from "./analysis/inspect";
export * from "./analysis/columns";
export { readStoredLines, storedLinesOf, isStoredLines, type StoredLines } from "./analysis/fast-lines";
export * from "./analysis/taker-flow";
export * from "./analysis/trade-stats";
export * from "./analysis/histogram";
export * from "./analysis/timing";
export * from "./analysis/depth";
export * from "./analysis/book/book-side";
export * from "./analysis/book/level-text";
export * from "./analysis/book/order-book";
export * from "./analysis/book/book-builder";
export * from "./analysis/book/book-at";
export * from "./analysis/book/book-snapshots";
export * from "./analysis/book/imbalance";
export { chooseDepthMessages, type ChosenDepth, type DepthSelection, type DepthSource } from "./analysis/book/depth-source";
export * from "./notebook/frames";
export * from "./notebook/html";
export * from "./notebook/figures";
export * from "./notebook/charts";
export * from "./notebook/readouts";
export * from "./notebook/book-frames";
export * from "./notebook/book-readouts";
export * from "./notebook/resync-demo";
export * from "./binance/fields";
export { openDatabase, query, Database, type DatabaseOptions, type SqlValue } from "./query/database";
export { QueryResult, type PlainValue, type ResultColumn, type ResultRow } from "./query/result";
export { formatCsv, formatJson, formatTable } from "./query/format";
export { DATASET_TABLES, EVENT_COLUMNS, MESSAGE_COLUMNS, VIEW_NAMES, type DatasetTable, type TableColumn } from "./query/tables";
export { exportDataset, type DatasetExport, type ExportOptions, type SampleExport, type TableExport } from "./dataset/export";
export * from "./query/recipes";
export { exportRows, describeExport, datasetFileRows } from "./dataset/summary";
export { DEFAULT_DATASET_DIR } from "./dataset/layout";
