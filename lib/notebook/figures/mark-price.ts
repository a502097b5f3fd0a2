/**
 * Figures of mark price and funding: mark vs index vs last price, the premium of mark over index,
 * the funding rate, and the countdown to the next funding time (which jumps back up when a
 * funding time passes). Pure (no tslab); see figures/index.ts for the conventions.
 */
import { findFundingEvents, type MarkPriceSeries } from "../../analysis/mark-price";
import { splitSymbolAssets } from "../../binance/symbols";
import { type PlotlyFigure, type PlotlyTrace } from "../html";
import { type FigureOptions, LINE_COLOR, MUTED_COLOR, SELL_COLOR, buildLayout, finishFigure, titled } from "./base";

/** Vertical dotted lines at the funding times the series passes. */
function fundingShapes(series: MarkPriceSeries): Record<string, unknown>[] {
  return findFundingEvents(series).map((event) => ({
    type: "line",
    xref: "x",
    yref: "paper",
    x0: event.fundingTime,
    x1: event.fundingTime,
    y0: 0,
    y1: 1,
    line: { color: MUTED_COLOR, width: 1, dash: "dot" },
  }));
}

function line(
  name: string,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  color: string,
  hover: string,
  extra: PlotlyTrace = {},
): PlotlyTrace {
  return {
    type: "scatter",
    mode: "lines",
    name,
    x: Array.from(x),
    y: Array.from(y),
    line: { color, width: 1.5 },
    hovertemplate: `%{x|%H:%M:%S}<br>${hover}<extra>${name}</extra>`,
    ...extra,
  };
}

/**
 * Mark price, index price and the last traded price at each mark-price update.
 * @example showChart(markIndexLastFigure(markPriceSeries(marks, trades)))
 */
export function markIndexLastFigure(series: MarkPriceSeries, options: FigureOptions = {}): PlotlyFigure {
  const { quote } = splitSymbolAssets(series.symbol);
  const data = [
    line("Index price", series.eventTime, series.indexPrice, MUTED_COLOR, `%{y} ${quote}`),
    line("Mark price", series.eventTime, series.markPrice, LINE_COLOR, `%{y} ${quote}`, { line: { color: LINE_COLOR, width: 2 } }),
  ];
  if (Array.from(series.lastPrice).some(Number.isFinite))
    data.push(
      line("Last trade", series.eventTime, series.lastPrice, SELL_COLOR, `%{y} ${quote}`, {
        line: { color: SELL_COLOR, width: 1, shape: "hv" },
      }),
    );
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(series.symbol, "mark, index and last price"), `Price (${quote})`, options, {
      shapes: fundingShapes(series),
    }),
  );
}

/** The premium of mark over index, (mark − index) / index, in basis points. */
export function premiumFigure(series: MarkPriceSeries, options: FigureOptions = {}): PlotlyFigure {
  const data = [
    line("Mark − index", series.eventTime, series.premiumBps, LINE_COLOR, "%{y:.2f} bp", {
      fill: "tozeroy",
      fillcolor: "rgba(37,99,235,0.12)",
    }),
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(series.symbol, "premium of the mark price over the index"), "Premium (basis points)", options, {
      shapes: fundingShapes(series),
    }),
  );
}

/** The funding rate published with each update, in percent per funding interval. */
export function fundingRateFigure(series: MarkPriceSeries, options: FigureOptions = {}): PlotlyFigure {
  const percent = Float64Array.from(series.fundingRate, (rate) => rate * 100);
  const data = [
    line("Funding rate", series.eventTime, percent, LINE_COLOR, "%{y:.5f} %", { line: { color: LINE_COLOR, width: 2, shape: "hv" } }),
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(series.symbol, "funding rate"), "Funding rate (% per interval)", options, {
      shapes: fundingShapes(series),
    }),
  );
}

/** Minutes until the next funding time, at each update: it counts down, and jumps back up after a funding time. */
export function fundingCountdownFigure(series: MarkPriceSeries, options: FigureOptions = {}): PlotlyFigure {
  const minutes = Float64Array.from(series.fundingCountdownMs, (ms) => ms / 60_000);
  const data = [
    line("Until next funding", series.eventTime, minutes, LINE_COLOR, "%{y:.1f} min", { line: { color: LINE_COLOR, width: 2 } }),
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(series.symbol, "countdown to the next funding time"), "Minutes until funding", options, {
      shapes: fundingShapes(series),
    }),
  );
}
