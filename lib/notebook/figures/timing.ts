/**
 * Figures of timing: receive latency, update intervals, messages per second.
 * Pure (no tslab); see figures/index.ts for the conventions every builder follows.
 */
import { computeHistogram } from "../../analysis/histogram";
import type { LatencyColumns, MessageRates } from "../../analysis/timing";
import { computeIntervalsMs, summarizeDistribution } from "../../analysis/timing";
import { formatNumber, type PlotlyFigure } from "../html";
import { type FigureOptions, SELL_COLOR, LINE_COLOR, buildLayout, finishFigure } from "./base";

/**
 * Receive latency distribution (local receive time − `E`, ms) with p50 and p99 marked. Clock
 * offsets between this machine and Binance's shift the whole distribution.
 */
export function latencyHistogramFigure(
  latency: LatencyColumns | ArrayLike<number>,
  options: FigureOptions & { binCount?: number } = {},
): PlotlyFigure {
  const values: ArrayLike<number> = "latencyMs" in latency ? (latency as LatencyColumns).latencyMs : (latency as ArrayLike<number>);
  return millisecondHistogramFigure(
    values,
    options.title ?? "Receive latency (local receive time − event time E)",
    "Latency (ms)",
    "messages",
    options,
  );
}

/**
 * Time between consecutive events (from their event times `E`), as a histogram with p50 and
 * p99 marked: for depth, how often the stream really pushes.
 * @example updateIntervalFigure(depthColumns(messages).eventTime)
 */
export function updateIntervalFigure(eventTimes: ArrayLike<number>, options: FigureOptions & { binCount?: number } = {}): PlotlyFigure {
  return millisecondHistogramFigure(
    computeIntervalsMs(eventTimes),
    options.title ?? "Time between updates (event time E)",
    "Interval (ms)",
    "updates",
    options,
  );
}

function millisecondHistogramFigure(
  values: ArrayLike<number>,
  title: string,
  xTitle: string,
  what: string,
  options: FigureOptions & { binCount?: number },
): PlotlyFigure {
  const histogram = computeHistogram(values, { binCount: options.binCount ?? 40 });
  const summary = summarizeDistribution(values);
  const centers: number[] = [];
  const widths: number[] = [];
  for (let b = 0; b < histogram.length; b++) {
    centers.push((histogram.binStart[b] + histogram.binEnd[b]) / 2);
    widths.push(Math.max(histogram.binEnd[b] - histogram.binStart[b], 1e-9));
  }
  const data = [
    {
      type: "bar",
      name: what.charAt(0).toUpperCase() + what.slice(1),
      x: centers,
      y: Array.from(histogram.count),
      width: widths,
      marker: { color: LINE_COLOR },
      hovertemplate: `%{x:.1f} ms<br>%{y} ${what}<extra></extra>`,
    },
  ];
  const marks = (
    [
      ["p50", summary.p50],
      ["p99", summary.p99],
    ] as Array<[string, number]>
  ).filter(([, v]) => Number.isFinite(v));
  return finishFigure(
    data,
    buildLayout(title, what.charAt(0).toUpperCase() + what.slice(1), options, {
      xaxis: { title: { text: xTitle } },
      bargap: 0,
      shapes: marks.map(([, v]) => ({
        type: "line",
        yref: "paper",
        y0: 0,
        y1: 1,
        x0: v,
        x1: v,
        line: { color: SELL_COLOR, width: 1, dash: "dash" },
      })),
      annotations: marks.map(([label, v]) => ({
        x: v,
        yref: "paper",
        y: 1,
        text: `${label} ${formatNumber(Math.round(v * 10) / 10)} ms`,
        showarrow: false,
        yanchor: "bottom",
        font: { size: 11, color: SELL_COLOR },
      })),
    }),
  );
}

/** Messages per second (or per `intervalMs`) for each stream, one line per stream. */
export function messagesPerSecondFigure(rates: MessageRates, options: FigureOptions = {}): PlotlyFigure {
  const per = rates.intervalMs === 1000 ? "second" : `${formatNumber(rates.intervalMs)} ms`;
  const data = rates.streams.map((stream, s) => ({
    type: "scatter",
    mode: "lines",
    name: stream || "(no stream)",
    x: Array.from(rates.time),
    y: Array.from(rates.counts[s]),
    line: { shape: "hv", width: 1.5 },
    hovertemplate: `%{x|%H:%M:%S}<br>%{y} messages<extra>${stream}</extra>`,
  }));
  return finishFigure(
    data,
    buildLayout(
      options.title ?? `Messages per ${per} by stream (${rates.clock === "local" ? "local receive time" : "event time E"})`,
      `Messages per ${per}`,
      options,
    ),
  );
}
