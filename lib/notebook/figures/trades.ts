/**
 * Figures of trades and aggTrades: price by taker side, cumulative delta, sizes, VWAP, buy/sell volume, bars.
 * Pure (no tslab); see figures/index.ts for the conventions every builder follows.
 */
import type { AggTradeColumns, TradeColumns } from "../../analysis/columns";
import { takeValues } from "../../analysis/downsample";
import {
  computeCumulativeDelta,
  computeRunningVwap,
  computeTradeSizeHistogram,
  type AggregateSizes,
  type BuySellVolume,
  type TradeBars,
} from "../../analysis/trade-stats";
import { splitSymbolAssets } from "../../binance/symbols";
import { type TakerSide, takerSideOf } from "../../binance/taker-side";
import { formatNumber, type PlotlyFigure } from "../html";
import {
  type FigureOptions,
  BUY_COLOR,
  SELL_COLOR,
  LINE_COLOR,
  MUTED_COLOR,
  buildLayout,
  finishFigure,
  symbolOf,
  titled,
  indicesWhere,
  downsampleRows,
  allRows,
} from "./base";

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
