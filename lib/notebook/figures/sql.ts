/**
 * Figures from query results (`QueryResult`, lib/query/result.ts): bars and lines over a time
 * column, and candlesticks. Columns are named; times come as ms (`result.numbers`).
 */
import type { QueryResult } from "../../query/result";
import type { PlotlyFigure, PlotlyTrace } from "../html";
import {
  BUY_COLOR,
  LINE_COLOR,
  MUTED_COLOR,
  SELL_COLOR,
  allRows,
  buildLayout,
  downsampleRows,
  finishFigure,
  type FigureOptions,
} from "./base";

/** One series of a result figure: a column, its legend name, and optionally a colour or a sign flip. */
export interface ResultSeries {
  readonly column: string;
  readonly name: string;
  readonly color?: string;
  /** Draw the values below zero (e.g. taker sells under taker buys). */
  readonly negate?: boolean;
}

/** Options of the result figures: the time column, the titles. */
export interface ResultFigureOptions extends FigureOptions {
  /** The x column (a TIMESTAMP or DATE column); default the result's first column. */
  readonly x?: string;
  readonly yTitle?: string;
}

const SERIES_COLORS = [LINE_COLOR, BUY_COLOR, SELL_COLOR, MUTED_COLOR];

function xColumn(result: QueryResult, options: ResultFigureOptions): string {
  return options.x ?? result.columns[0]?.name ?? "";
}

function traceValues(result: QueryResult, series: ResultSeries): number[] {
  return Array.from(result.numbers(series.column), (value) => (series.negate ? -value : value));
}

/**
 * Bars per row of `result`, one trace per series (stacked relative, so negated series hang below).
 * @example resultBarsFigure(flow, [{ column: "buy_notional", name: "Taker buys" }, { column: "sell_notional", name: "Taker sells", negate: true }])
 */
export function resultBarsFigure(result: QueryResult, series: readonly ResultSeries[], options: ResultFigureOptions = {}): PlotlyFigure {
  const x = Array.from(result.numbers(xColumn(result, options)));
  const data: PlotlyTrace[] = series.map((s, i) => ({
    type: "bar",
    name: s.name,
    x,
    y: traceValues(result, s),
    marker: { color: s.color ?? SERIES_COLORS[i % SERIES_COLORS.length] },
  }));
  return finishFigure(
    data,
    buildLayout(options.title ?? "Query result", options.yTitle ?? "", options, { barmode: "relative", bargap: 0.1 }),
  );
}

/** Lines per row of `result`, one trace per series, downsampled to `maxPoints` (default 5000). */
export function resultLinesFigure(result: QueryResult, series: readonly ResultSeries[], options: ResultFigureOptions = {}): PlotlyFigure {
  const x = result.numbers(xColumn(result, options));
  const data: PlotlyTrace[] = series.map((s, i) => {
    const y = Float64Array.from(traceValues(result, s));
    const rows = downsampleRows(allRows(y.length), y, options.maxPoints ?? 5000);
    return {
      type: "scatter",
      mode: "lines",
      name: s.name,
      x: Array.from(rows, (row) => x[row]),
      y: Array.from(rows, (row) => y[row]),
      line: { color: s.color ?? SERIES_COLORS[i % SERIES_COLORS.length], width: 1.5 },
    };
  });
  return finishFigure(data, buildLayout(options.title ?? "Query result", options.yTitle ?? "", options));
}

/** Candlesticks from the `open`, `high`, `low`, `close` columns of `result` (names as in `OHLCV_1S`). */
export function resultCandlesFigure(result: QueryResult, options: ResultFigureOptions = {}): PlotlyFigure {
  const column = (name: string) => Array.from(result.numbers(name));
  const data: PlotlyTrace[] = [
    {
      type: "candlestick",
      name: "OHLC",
      x: column(xColumn(result, options)),
      open: column("open"),
      high: column("high"),
      low: column("low"),
      close: column("close"),
      increasing: { line: { color: BUY_COLOR } },
      decreasing: { line: { color: SELL_COLOR } },
    },
  ];
  const layout = buildLayout(options.title ?? "OHLC bars", options.yTitle ?? "Price", options);
  layout.xaxis = { title: { text: "Time (UTC)" }, type: "date", rangeslider: { visible: false } };
  return finishFigure(data, layout);
}

/** Taker buy notional up and taker sell notional down, per row of `TAKER_FLOW_BY_MINUTE`. */
export function sqlTakerFlowFigure(result: QueryResult, options: ResultFigureOptions = {}): PlotlyFigure {
  const series = [
    { column: "buy_notional", name: "Taker buys", color: BUY_COLOR },
    { column: "sell_notional", name: "Taker sells", color: SELL_COLOR, negate: true },
  ];
  return resultBarsFigure(result, series, {
    title: "Taker buy and sell notional per minute (SQL)",
    yTitle: "Notional, quote asset (sells below 0)",
    ...options,
  });
}

/** Candlesticks of `OHLCV_1S`. */
export function sqlOhlcFigure(result: QueryResult, options: ResultFigureOptions = {}): PlotlyFigure {
  return resultCandlesFigure(result, { title: "One-second bars (SQL)", yTitle: "Price, quote asset", ...options });
}

/** Last price, VWAP per second and the running VWAP of `VWAP_1S`. */
export function sqlVwapFigure(result: QueryResult, options: ResultFigureOptions = {}): PlotlyFigure {
  const series = [
    { column: "close", name: "Last price", color: MUTED_COLOR },
    { column: "vwap", name: "VWAP of the second", color: LINE_COLOR },
    { column: "running_vwap", name: "Running VWAP", color: SELL_COLOR },
  ];
  return resultLinesFigure(result, series, {
    title: "VWAP per second and since the start (SQL)",
    yTitle: "Price, quote asset",
    ...options,
  });
}

/** Mean and widest spread per second of `SPREAD_1S`. */
export function sqlSpreadFigure(result: QueryResult, options: ResultFigureOptions = {}): PlotlyFigure {
  const series = [
    { column: "mean_spread", name: "Mean spread", color: LINE_COLOR },
    { column: "max_spread", name: "Widest spread", color: MUTED_COLOR },
  ];
  return resultLinesFigure(result, series, {
    title: "Spread from book_ticker, per second (SQL)",
    yTitle: "Ask − bid, quote asset",
    ...options,
  });
}
