/**
 * Plotly figure builders: small, readable charts for the notebooks. Pure (no tslab): show them
 * with `showChart` (charts.ts) or render them with `renderChartHtml` (html.ts), which escapes
 * their text. Each has a title, axis titles with units, dates on the x axis (ms times with
 * `type: "date"`, shown in UTC), a height of 380 px, and at most ~5000 points per trace
 * (downsampled keeping each bucket's extremes).
 */
export { FIGURE_HEIGHT_PX, type FigureOptions } from "./base";
export * from "./trades";
export * from "./timing";
export * from "./tickers";
export * from "./depth";
export * from "./mark-price";
export * from "./klines";
export * from "./book-ticker";
export * from "./liquidations";
export * from "./market";
export * from "./book";
export * from "./sql";
