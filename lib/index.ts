/**
 * What a notebook imports: `import { capture, loadSample, tradesFrame, showChart } from "../lib";`
 * Re-exports only. (Importing this loads danfojs-node and tslab; the CLI and tests import the
 * modules they need directly.)
 */
export * from "./errors";
export * from "./binance/endpoints";
export * from "./binance/stream-schemas";
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
export { listSamples, type SampleSummary } from "./store/list";
export { summarizeSample, type KnownSampleMeta } from "./store/meta";
export * from "./store/examples";
export * from "./store/storage";
export type { CaptureOptions, CaptureProgress } from "./capture/options";
export * from "./capture/session";
export * from "./capture/unreachable";
export * from "./capture/seed-client";
export * from "./replay/server";
export type { ReplayFaults, ReplayOptions, ReplaySpeed } from "./replay/options";
export * from "./notebook/workspace";
export * from "./notebook/notebook-data";
export * from "./analysis/inspect";
export * from "./analysis/columns";
export * from "./analysis/taker-flow";
export * from "./analysis/trade-stats";
export * from "./analysis/histogram";
export * from "./analysis/timing";
export * from "./analysis/depth";
export * from "./analysis/item-columns";
export * from "./analysis/mark-price";
export * from "./analysis/klines";
export * from "./analysis/book-ticker";
export * from "./analysis/liquidations";
export * from "./analysis/market-overview";
export * from "./notebook/frames";
export * from "./notebook/html";
export * from "./notebook/figures";
export * from "./notebook/charts";
export * from "./notebook/readouts";
export * from "./notebook/stream-readouts";
export * from "./binance/fields";
