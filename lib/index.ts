/**
 * What a notebook imports: `import { capture, loadSample, tradesFrame, showChart } from "../lib";`
 * Re-exports only. (Importing this loads danfojs-node and tslab; the CLI and tests import the
 * modules they need directly.)
 */
export * from "./errors";
export * from "./binance/endpoints";
export * from "./binance/raw";
export * from "./binance/decode";
export * from "./binance/sequence";
export * from "./binance/rest";
export * from "./sample-format";
export * from "./samples";
export * from "./capture";
export * from "./seed-client";
export * from "./replay";
export * from "./workspace";
export * from "./inspect";
export * from "./analysis/columns";
export * from "./analysis/taker-flow";
export * from "./analysis/trade-stats";
export * from "./analysis/histogram";
export * from "./analysis/timing";
export * from "./analysis/depth";
export * from "./frames";
export * from "./html";
export * from "./figures";
export * from "./charts";
export * from "./binance/fields";
