/**
 * Plotly figure builders: small, readable charts for the notebooks. Pure (no tslab): show them
 * with `showChart` (charts.ts) or render them with `renderChartHtml` (html.ts), which escapes
 * their text. Each has a title, axis titles with units, dates on the x axis (ms times with
 * `type: "date"`, shown in UTC), a height of 380 px, and at most ~5000 points per trace
 * (downsampled keeping each bucket's extremes).
 */
import type { AggTradeColumns, DepthColumns, MiniTickerColumns, TickerColumns, TradeColumns } from "../analysis/columns";
import type { BestBidAskColumns, BookRebuild } from "../analysis/depth";
import { pickDownsampleIndices, takeValues } from "../analysis/downsample";
import { computeHistogram } from "../analysis/histogram";
import type { LatencyColumns, MessageRates } from "../analysis/timing";
import { computeIntervalsMs, summarizeDistribution } from "../analysis/timing";
import {
  computeCumulativeDelta,
  computeRunningVwap,
  computeTradeSizeHistogram,
  type AggregateSizes,
  type BuySellVolume,
  type TradeBars,
} from "../analysis/trade-stats";
import { splitSymbolAssets } from "../binance/symbols";
import { type TakerSide, takerSideOf } from "../binance/taker-side";
import { formatNumber, type PlotlyFigure, type PlotlyLayout, type PlotlyTrace } from "./html";

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
/** Colour of buys and bids. */
export const BUY_COLOR = "#16a34a";
/** Colour of sells and asks. */
export const SELL_COLOR = "#dc2626";
/** Colour of a single line. */
export const LINE_COLOR = "#2563eb";
/** Colour of context (grey). */
export const MUTED_COLOR = "#94a3b8";

/** The house layout: title, height, margins, a UTC date x axis, `yTitle`, a legend on top; `extra` overrides any of it. */
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

/** A figure from traces and a layout, with the house config. */
export function finishFigure(data: PlotlyTrace[], layout: PlotlyLayout): PlotlyFigure {
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

function symbolOf(columns: { readonly length: number; readonly symbol: readonly string[] }): string {
  return columns.length > 0 ? columns.symbol[0] : "";
}

function titled(symbol: string, text: string): string {
  return symbol ? `${symbol} ${text}` : text.charAt(0).toUpperCase() + text.slice(1);
}

/** Row indices where `keep(i)` holds. */
function indicesWhere(length: number, keep: (i: number) => boolean): Uint32Array {
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

/** Every row index, 0 … length − 1. */
export function allRows(length: number): Uint32Array {
  const out = new Uint32Array(length);
  for (let i = 0; i < length; i++) out[i] = i;
  return out;
}

/**
 * Trade prices over time, taker buys and taker sells in two colours (the side from `m`, see `takerSideOf`).
 * @example priceBySideFigure(tradeColumns(sample.messages))
 */
export function priceBySideFigure(trades: TradeColumns | AggTradeColumns, options: FigureOptions = {}): PlotlyFigure {
  const symbol = symbolOf(trades);
  const { base, quote } = splitSymbolAssets(symbol);
  const maxPoints = options.maxPoints ?? 5000;
  const sides: Array<[string, string, TakerSide]> = [
    ["Taker buys", BUY_COLOR, "buy"],
    ["Taker sells", SELL_COLOR, "sell"],
  ];
  const data = sides.map(([name, color, side]) => {
    const rows = downsampleRows(
      indicesWhere(trades.length, (i) => takerSideOf(trades.isBuyerMaker[i]) === side),
      trades.price,
      maxPoints,
    );
    return {
      type: "scatter",
      mode: "markers",
      name,
      x: takeValues(trades.tradeTime, rows),
      y: takeValues(trades.price, rows),
      customdata: takeValues(trades.quantity, rows),
      marker: { color, size: 6, opacity: 0.75 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>Price %{y} ${quote}<br>Quantity %{customdata} ${base}<extra>${name}</extra>`,
    };
  });
  return finishFigure(data, buildLayout(options.title ?? titled(symbol, "trade price by taker side"), `Price (${quote})`, options));
}

/** Cumulative volume delta (taker buys − taker sells, base asset) over time. */
export function cumulativeDeltaFigure(trades: TradeColumns | AggTradeColumns, options: FigureOptions = {}): PlotlyFigure {
  const symbol = symbolOf(trades);
  const { base } = splitSymbolAssets(symbol);
  const delta = computeCumulativeDelta(trades);
  const rows = downsampleRows(allRows(trades.length), delta, options.maxPoints ?? 5000);
  const data = [
    {
      type: "scatter",
      mode: "lines",
      name: "Cumulative delta",
      x: takeValues(trades.tradeTime, rows),
      y: takeValues(delta, rows),
      line: { color: LINE_COLOR, shape: "hv", width: 1.5 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>%{y} ${base}<extra></extra>`,
    },
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(symbol, "cumulative volume delta (taker buys − sells)"), `Cumulative delta (${base})`, options, {
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 0, y1: 0, line: { color: MUTED_COLOR, width: 1, dash: "dot" } }],
    }),
  );
}

/**
 * Trade-size distribution: how many trades of each size, as a filled step outline over a log
 * size axis (log10 bins, since sizes span decades).
 * @example tradeSizeHistogramFigure(trades, { binCount: 20 })
 */
export function tradeSizeHistogramFigure(
  trades: TradeColumns | AggTradeColumns,
  options: FigureOptions & { binCount?: number } = {},
): PlotlyFigure {
  const symbol = symbolOf(trades);
  const { base } = splitSymbolAssets(symbol);
  const histogram = computeTradeSizeHistogram(trades, { binCount: options.binCount ?? 30 });
  const what = trades.kind === "aggTrade" ? "aggregate trades" : "trades";
  const x: number[] = [];
  const y: number[] = [];
  const ranges: string[] = [];
  for (let b = 0; b < histogram.length; b++) {
    x.push(histogram.binStart[b]);
    y.push(histogram.count[b]);
    ranges.push(`${formatNumber(histogram.binStart[b])}–${formatNumber(histogram.binEnd[b])}`);
  }
  if (histogram.length > 0) {
    x.push(histogram.binEnd[histogram.length - 1]);
    y.push(histogram.count[histogram.length - 1]);
    ranges.push(ranges[ranges.length - 1]);
  }
  const data = [
    {
      type: "scatter",
      mode: "lines",
      name: what,
      x,
      y,
      customdata: ranges,
      line: { shape: "hv", color: LINE_COLOR, width: 1.5 },
      fill: "tozeroy",
      fillcolor: "rgba(37,99,235,0.25)",
      hovertemplate: `%{customdata} ${base}<br>%{y} ${what}<extra></extra>`,
    },
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(symbol, "trade size distribution"), `Number of ${what}`, options, {
      xaxis: { title: { text: `Trade size (${base}, log scale)` }, type: "log" },
      showlegend: false,
    }),
  );
}

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

/**
 * Last price from `@ticker` (or close from `@miniTicker`) with the 24h high–low band around it.
 * @example tickerPriceFigure(tickerColumns(sample.messages))
 */
export function tickerPriceFigure(tickers: TickerColumns | MiniTickerColumns, options: FigureOptions = {}): PlotlyFigure {
  const symbol = symbolOf(tickers);
  const { quote } = splitSymbolAssets(symbol);
  const last = tickers.kind === "ticker" ? tickers.lastPrice : tickers.closePrice;
  const x = Array.from(tickers.eventTime);
  const data = [
    {
      type: "scatter",
      mode: "lines",
      name: "24h low",
      x,
      y: Array.from(tickers.lowPrice),
      line: { color: MUTED_COLOR, width: 1, dash: "dot" },
      hovertemplate: `24h low %{y} ${quote}<extra></extra>`,
    },
    {
      type: "scatter",
      mode: "lines",
      name: "24h high",
      x,
      y: Array.from(tickers.highPrice),
      fill: "tonexty",
      fillcolor: "rgba(148,163,184,0.15)",
      line: { color: MUTED_COLOR, width: 1, dash: "dot" },
      hovertemplate: `24h high %{y} ${quote}<extra></extra>`,
    },
    {
      type: "scatter",
      mode: "lines+markers",
      name: tickers.kind === "ticker" ? "Last price" : "Close price",
      x,
      y: Array.from(last),
      line: { color: LINE_COLOR, width: 2 },
      marker: { size: 5 },
      hovertemplate: `%{x|%H:%M:%S}<br>%{y} ${quote}<extra></extra>`,
    },
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(symbol, "last price within the 24h high–low range"), `Price (${quote})`, options),
  );
}

/** Bid and ask levels changed per depth update, over time. */
export function depthLevelsFigure(depth: DepthColumns, options: FigureOptions = {}): PlotlyFigure {
  const symbol = symbolOf(depth);
  const maxPoints = options.maxPoints ?? 5000;
  const traces: Array<[string, Uint32Array, string]> = [
    ["Bid levels", depth.bidLevelCount, BUY_COLOR],
    ["Ask levels", depth.askLevelCount, SELL_COLOR],
  ];
  const data = traces.map(([name, counts, color]) => {
    const rows = downsampleRows(allRows(depth.length), counts, maxPoints);
    return {
      type: "scatter",
      mode: "lines",
      name,
      x: takeValues(depth.eventTime, rows),
      y: takeValues(counts, rows),
      line: { color, width: 1 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>%{y} levels<extra>${name}</extra>`,
    };
  });
  return finishFigure(data, buildLayout(options.title ?? titled(symbol, "levels changed per depth update"), "Levels per update", options));
}

/**
 * Best bid and ask from a rebuilt order book (`rebuildBestBidAsk`), as step lines.
 * @example bestBidAskFigure(rebuildBestBidAsk(sample))
 */
export function bestBidAskFigure(book: BookRebuild | BestBidAskColumns, options: FigureOptions = {}): PlotlyFigure {
  const best = "bestBidAsk" in book ? book.bestBidAsk : book;
  const symbol = "bestBidAsk" in book ? book.symbol : "";
  const { base, quote } = splitSymbolAssets(symbol);
  const maxPoints = options.maxPoints ?? 5000;
  const sides: Array<[string, Float64Array, Float64Array, string]> = [
    ["Best bid", best.bidPrice, best.bidQuantity, BUY_COLOR],
    ["Best ask", best.askPrice, best.askQuantity, SELL_COLOR],
  ];
  const data = sides.map(([name, price, quantity, color]) => {
    const rows = downsampleRows(allRows(best.length), price, maxPoints);
    return {
      type: "scatter",
      mode: "lines",
      name,
      x: takeValues(best.eventTime, rows),
      y: takeValues(price, rows),
      customdata: takeValues(quantity, rows),
      line: { color, shape: "hv", width: 1.5 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>%{y} ${quote} × %{customdata} ${base}<extra>${name}</extra>`,
    };
  });
  const partial = "bestBidAsk" in book && book.isPartial ? " (partial book: no snapshot)" : "";
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(symbol, `best bid and ask from the rebuilt order book${partial}`), `Price (${quote})`, options),
  );
}

/** Trade prices (grey) and the running VWAP line. */
export function vwapFigure(trades: TradeColumns | AggTradeColumns, options: FigureOptions = {}): PlotlyFigure {
  const symbol = symbolOf(trades);
  const { quote } = splitSymbolAssets(symbol);
  const vwap = computeRunningVwap(trades);
  const maxPoints = options.maxPoints ?? 5000;
  const priceRows = downsampleRows(allRows(trades.length), trades.price, maxPoints);
  const vwapRows = downsampleRows(allRows(trades.length), vwap, maxPoints);
  const data = [
    {
      type: "scatter",
      mode: "markers",
      name: "Trade price",
      x: takeValues(trades.tradeTime, priceRows),
      y: takeValues(trades.price, priceRows),
      marker: { color: MUTED_COLOR, size: 4 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>%{y} ${quote}<extra>Trade</extra>`,
    },
    {
      type: "scatter",
      mode: "lines",
      name: "Running VWAP",
      x: takeValues(trades.tradeTime, vwapRows),
      y: takeValues(vwap, vwapRows),
      line: { color: LINE_COLOR, width: 2 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>VWAP %{y:.4f} ${quote}<extra></extra>`,
    },
  ];
  return finishFigure(data, buildLayout(options.title ?? titled(symbol, "trade price and running VWAP"), `Price (${quote})`, options));
}

/**
 * Taker buy volume up and taker sell volume down, per interval (`computeBuySellVolume`).
 * @example buySellVolumeFigure(computeBuySellVolume(trades, 1000))
 */
export function buySellVolumeFigure(volume: BuySellVolume, options: FigureOptions = {}): PlotlyFigure {
  const { base } = splitSymbolAssets(volume.symbol);
  const per = volume.intervalMs === 1000 ? "second" : `${formatNumber(volume.intervalMs)} ms`;
  const x = Array.from(volume.time);
  const sells = Array.from(volume.sellQuantity, (q) => -q);
  const data = [
    {
      type: "bar",
      name: "Taker buys",
      x,
      y: Array.from(volume.buyQuantity),
      marker: { color: BUY_COLOR },
      hovertemplate: `%{x|%H:%M:%S}<br>bought %{y} ${base}<extra></extra>`,
    },
    {
      type: "bar",
      name: "Taker sells",
      x,
      y: sells,
      customdata: Array.from(volume.sellQuantity),
      marker: { color: SELL_COLOR },
      hovertemplate: `%{x|%H:%M:%S}<br>sold %{customdata} ${base}<extra></extra>`,
    },
  ];
  return finishFigure(
    data,
    buildLayout(
      options.title ?? titled(volume.symbol, `taker buy and sell volume per ${per}`),
      `Volume per ${per} (${base}; sells below 0)`,
      options,
      { barmode: "relative", bargap: 0.1 },
    ),
  );
}

/** OHLC candles of `computeTradeBars`. */
export function tradeBarsFigure(bars: TradeBars, options: FigureOptions = {}): PlotlyFigure {
  const { quote } = splitSymbolAssets(bars.symbol);
  const per =
    bars.intervalMs % 60000 === 0
      ? `${bars.intervalMs / 60000} min`
      : bars.intervalMs % 1000 === 0
        ? `${bars.intervalMs / 1000} s`
        : `${bars.intervalMs} ms`;
  const data = [
    {
      type: "candlestick",
      name: `${per} bars`,
      x: Array.from(bars.openTime),
      open: Array.from(bars.open),
      high: Array.from(bars.high),
      low: Array.from(bars.low),
      close: Array.from(bars.close),
      increasing: { line: { color: BUY_COLOR } },
      decreasing: { line: { color: SELL_COLOR } },
    },
  ];
  const layout = buildLayout(options.title ?? titled(bars.symbol, `${per} price bars from trades`), `Price (${quote})`, options);
  layout.xaxis = { title: { text: "Time (UTC)" }, type: "date", rangeslider: { visible: false } };
  return finishFigure(data, layout);
}

/**
 * The 24h change (percent, from `@ticker`'s `P`) at each ticker push.
 * @example tickerChangeFigure(tickerColumns(sample.messages))
 */
export function tickerChangeFigure(tickers: TickerColumns, options: FigureOptions = {}): PlotlyFigure {
  const symbol = symbolOf(tickers);
  const trace = pushTrace("24h change", tickers.eventTime, tickers.priceChangePercent, "%{y:.3f} %");
  return finishFigure([trace], buildLayout(options.title ?? titled(symbol, "24h price change"), "Change over 24 h (%)", options));
}

/**
 * The rolling 24h quote volume (`q`) at each ticker or miniTicker push: it grows with every trade
 * and shrinks as trades older than 24 h leave the window.
 */
export function rollingVolumeFigure(tickers: TickerColumns | MiniTickerColumns, options: FigureOptions = {}): PlotlyFigure {
  const symbol = symbolOf(tickers);
  const { quote } = splitSymbolAssets(symbol);
  const trace = pushTrace("24h quote volume", tickers.eventTime, tickers.quoteVolume, `%{y:,.0f} ${quote}`);
  return finishFigure([trace], buildLayout(options.title ?? titled(symbol, "rolling 24h volume"), `Volume over 24 h (${quote})`, options));
}

/** One line with markers, one point per ticker push. */
function pushTrace(name: string, x: ArrayLike<number>, y: ArrayLike<number>, valueHover: string): PlotlyTrace {
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

/** How many trades each aggregate trade holds (`l − f + 1`), as bars. */
export function aggregateSizesFigure(sizes: AggregateSizes, options: FigureOptions = {}): PlotlyFigure {
  const data = [
    {
      type: "bar",
      name: "Aggregates",
      x: Array.from(sizes.tradesPerAggregate),
      y: Array.from(sizes.aggregateCount),
      marker: { color: LINE_COLOR },
      hovertemplate: "%{x} trades<br>%{y} aggregates<extra></extra>",
    },
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? "Trades per aggregate trade (l − f + 1)", "Aggregate trades", options, {
      xaxis: { title: { text: "Trades in the aggregate" }, type: "linear", dtick: 1 },
    }),
  );
}
