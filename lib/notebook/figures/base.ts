/**
 * Shared pieces of the figure builders: options, layout, colours, downsampling of rows.
 * Pure (no tslab); see figures/index.ts for the conventions every builder follows.
 */
import { pickDownsampleIndices, takeValues } from "../../analysis/downsample";
import { type PlotlyFigure, type PlotlyLayout, type PlotlyTrace } from "../html";

/** Options every figure builder takes. */
export interface FigureOptions {
  /** Replaces the default title. */
  title?: string;
  /** Most points per trace before downsampling (default 5000). */
  maxPoints?: number;
  /** Height in px (default 380). */
  height?: number;
}

/** Chart height used by every builder unless told otherwise. */
export const FIGURE_HEIGHT_PX = 380;

export const BUY_COLOR = "#16a34a";

export const SELL_COLOR = "#dc2626";

export const LINE_COLOR = "#2563eb";

export const MUTED_COLOR = "#94a3b8";

export function buildLayout(title: string, yTitle: string, options: FigureOptions, extra: PlotlyLayout = {}): PlotlyLayout {
  return {
    title: { text: title, x: 0.01, xanchor: "left" },
    height: options.height ?? FIGURE_HEIGHT_PX,
    margin: { l: 70, r: 20, t: 60, b: 50 },
    xaxis: { title: { text: "Time (UTC)" }, type: "date" },
    yaxis: { title: { text: yTitle }, exponentformat: "none", separatethousands: true },
    legend: { orientation: "h", x: 1, xanchor: "right", y: 1.02, yanchor: "bottom" },
    hovermode: "closest",
    ...extra,
  };
}

export function finishFigure(data: PlotlyTrace[], layout: PlotlyLayout): PlotlyFigure {
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

export function symbolOf(columns: { readonly length: number; readonly symbol: readonly string[] }): string {
  return columns.length > 0 ? columns.symbol[0] : "";
}

export function titled(symbol: string, text: string): string {
  return symbol ? `${symbol} ${text}` : text.charAt(0).toUpperCase() + text.slice(1);
}

/** Row indices where `keep(i)` holds. */
export function indicesWhere(length: number, keep: (i: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < length; i++) if (keep(i)) out.push(i);
  return Uint32Array.from(out);
}

/** Downsamples a subset of rows (given by `rows`) on `y`, returning the rows kept. */
export function downsampleRows(rows: Uint32Array, y: ArrayLike<number>, maxPoints: number): Uint32Array {
  if (rows.length <= maxPoints) return rows;
  const keep = pickDownsampleIndices(takeValues(y, rows), maxPoints);
  const out = new Uint32Array(keep.length);
  for (let i = 0; i < keep.length; i++) out[i] = rows[keep[i]];
  return out;
}

export function allRows(length: number): Uint32Array {
  const out = new Uint32Array(length);
  for (let i = 0; i < length; i++) out[i] = i;
  return out;
}

/** One line with markers, one point per ticker push. */
export function pushTrace(name: string, x: ArrayLike<number>, y: ArrayLike<number>, valueHover: string): PlotlyTrace {
  return {
    type: "scatter",
    mode: "lines+markers",
    name,
    x: Array.from(x),
    y: Array.from(y),
    line: { color: LINE_COLOR, width: 2 },
    marker: { size: 5 },
    hovertemplate: `%{x|%H:%M:%S}<br>${valueHover}<extra></extra>`,
  };
}
