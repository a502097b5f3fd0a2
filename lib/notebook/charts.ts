/**
 * Showing charts and tables in a notebook: the only module that imports tslab. Each call sends
 * one `text/html` output built by html.ts.
 *
 * Run `initCharts()` once per notebook, in a setup cell near the top: it inlines plotly.js
 * (docs/architecture.md: emitting it from the first chart breaks when that cell is re-run). Every chart
 * after that is a small div plus a script that draws when plotly.js is there.
 */
import type * as tslabModule from "tslab";
import {
  renderChartHtml,
  renderPlotlyBundleHtml,
  renderTableHtml,
  type PlotlyFigure,
  type RenderChartOptions,
  type RenderTableOptions,
  type TableInput,
} from "./html";

let tslabDisplay: typeof tslabModule.display | null = null;

/** tslab's display, loaded on the first output rather than on import (tslab takes about a second to load). */
function display(): typeof tslabModule.display {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (tslabDisplay === null) tslabDisplay = (require("tslab") as typeof tslabModule).display;
  return tslabDisplay;
}

/**
 * Inlines the plotly.js bundle into this cell's output, so charts below can draw (in the live
 * notebook and in the saved file). Calling it again — re-running the setup cell — emits it again
 * for that cell and is harmless in the page (an already-loaded plotly.js is kept).
 * @example initCharts(); // in the setup cell
 */
export function initCharts(): void {
  display().html(renderPlotlyBundleHtml());
}

/**
 * Shows a plotly figure (from notebook/figures, or your own) as an interactive chart. A figure
 * whose traces hold no points (a query with no rows, a stream the sample lacks) prints a line
 * saying so instead of an empty frame.
 * @example showChart(priceBySideFigure(tradeColumns(sample.messages)))
 */
export function showChart(figure: PlotlyFigure, options: RenderChartOptions = {}): void {
  const html = renderChartHtml(figure, options);
  if (Array.isArray(figure.data) && !figure.data.some(traceHasPoints)) {
    console.log(`Nothing to draw in "${figureTitle(figure)}": its data is empty.`);
    return;
  }
  display().html(html);
}

const POINT_KEYS = ["x", "y", "z", "values", "open", "close", "lat", "r"] as const;

function traceHasPoints(trace: PlotlyFigure["data"][number]): boolean {
  const record = trace as Record<string, unknown>;
  return POINT_KEYS.some((key) => {
    const value = record[key];
    return (Array.isArray(value) || ArrayBuffer.isView(value)) && (value as ArrayLike<unknown>).length > 0;
  });
}

function figureTitle(figure: PlotlyFigure): string {
  const title = figure.layout?.title;
  if (typeof title === "string") return title;
  const text = (title as { text?: unknown } | undefined)?.text;
  return typeof text === "string" ? text : "chart";
}

/**
 * Shows a danfojs DataFrame, an array of row objects or `{ columns, rows }` as an HTML table
 * (20 rows by default, with a "N rows × M columns" line).
 * @example showTable(tradesFrame(sample.messages), { maxRows: 10 })
 */
export function showTable(data: TableInput, options: RenderTableOptions = {}): void {
  display().html(renderTableHtml(data, options));
}

/** Shows an HTML string as it is; escape any data in it first (`escapeHtml` in html.ts). */
export function showHtml(html: string): void {
  display().html(html);
}

/**
 * One output that updates in place (a capture's status line): returns a function that replaces
 * its text. Outside a notebook kernel it does nothing.
 * @example const show = updatingTextOutput(); show("capturing 1.0 s: 120 messages");
 */
export function updatingTextOutput(): (text: string) => void {
  let output: ReturnType<typeof tslabModule.newDisplay> | null = null;
  let working = true;
  return (text) => {
    if (!working) return;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      output ??= (require("tslab") as typeof tslabModule).newDisplay();
      output.text(text);
    } catch {
      working = false; // not in a kernel
    }
  };
}
