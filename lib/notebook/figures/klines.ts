/**
 * Figures of klines: candlesticks with their volume as the stream sent them (the last update of
 * each candle), next to the bars computed from trades; and the current candle's close as it
 * updated, over the trades. Pure (no tslab); see figures/index.ts for the conventions.
 */
import type { AggTradeColumns, KlineColumns, TradeColumns } from "../../analysis/columns";
import type { KlineCandles } from "../../analysis/klines";
import type { TradeBars } from "../../analysis/trade-stats";
import { splitSymbolAssets } from "../../binance/symbols";
import { type PlotlyFigure, type PlotlyTrace } from "../html";
import { type FigureOptions, BUY_COLOR, LINE_COLOR, MUTED_COLOR, SELL_COLOR, buildLayout, finishFigure, titled } from "./base";

/**
 * The kline stream's candles (open/high/low/close, volume below), and when given the bars computed
 * from trades at the same interval, as a second set of candles.
 * @example klineCandlesFigure(latestCandles(klines), barsLikeKlines(latestCandles(klines), aggTrades))
 */
export function klineCandlesFigure(candles: KlineCandles, tradeBars?: TradeBars, options: FigureOptions = {}): PlotlyFigure {
  const { base, quote } = splitSymbolAssets(candles.symbol);
  const x = Array.from(candles.openTime);
  const data: PlotlyTrace[] = [
    {
      type: "candlestick",
      name: `kline_${candles.interval} (stream)`,
      x,
      open: Array.from(candles.open),
      high: Array.from(candles.high),
      low: Array.from(candles.low),
      close: Array.from(candles.close),
      increasing: { line: { color: BUY_COLOR } },
      decreasing: { line: { color: SELL_COLOR } },
      yaxis: "y",
    },
    {
      type: "bar",
      name: `Volume (stream, ${base})`,
      x,
      y: Array.from(candles.baseVolume),
      marker: { color: "rgba(37,99,235,0.35)" },
      yaxis: "y2",
      hovertemplate: `%{x|%H:%M}<br>%{y} ${base}<extra>kline volume</extra>`,
    },
  ];
  if (tradeBars && tradeBars.length > 0) {
    const bx = Array.from(tradeBars.openTime);
    data.push(
      {
        type: "ohlc",
        name: "Bars from trades (OHLC ticks)",
        x: bx,
        open: Array.from(tradeBars.open),
        high: Array.from(tradeBars.high),
        low: Array.from(tradeBars.low),
        close: Array.from(tradeBars.close),
        increasing: { line: { color: "#0f172a", width: 2 } },
        decreasing: { line: { color: "#0f172a", width: 2 } },
        tickwidth: 0.2,
        yaxis: "y",
      },
      {
        type: "bar",
        name: `Volume (trades seen, ${base})`,
        x: bx,
        y: Array.from(tradeBars.volume),
        marker: { color: "rgba(148,163,184,0.6)" },
        yaxis: "y2",
      },
    );
  }
  const layout = buildLayout(
    options.title ?? titled(candles.symbol, `kline_${candles.interval} candles from the stream`),
    `Price (${quote})`,
    options,
    {
      height: options.height ?? 480,
      margin: { l: 70, r: 20, t: 90, b: 50 },
      barmode: "group",
      yaxis: { title: { text: `Price (${quote})` }, domain: [0.32, 1], exponentformat: "none" },
      yaxis2: { title: { text: `Volume (${base})` }, domain: [0, 0.25], exponentformat: "none" },
    },
  );
  layout.xaxis = { title: { text: "Candle open time (UTC)" }, type: "date", anchor: "y2", rangeslider: { visible: false } };
  return finishFigure(data, layout);
}

/**
 * The current candle as the stream updated it: its close at every update (a step line), with
 * the trades (or aggregate trades) as dots.
 */
export function klineUpdatesFigure(
  klines: KlineColumns,
  trades?: TradeColumns | AggTradeColumns,
  options: FigureOptions = {},
): PlotlyFigure {
  const symbol = klines.symbol[0] ?? "";
  const { quote } = splitSymbolAssets(symbol);
  const data: PlotlyTrace[] = [
    {
      type: "scatter",
      mode: "lines+markers",
      name: "Kline close (each update)",
      x: Array.from(klines.eventTime),
      y: Array.from(klines.close),
      line: { color: LINE_COLOR, width: 2, shape: "hv" },
      marker: { size: 4 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>close %{y} ${quote}<extra></extra>`,
    },
  ];
  if (trades && trades.length > 0) {
    data.push({
      type: "scatter",
      mode: "markers",
      name: trades.kind === "aggTrade" ? "Aggregate trades" : "Trades",
      x: Array.from(trades.tradeTime),
      y: Array.from(trades.price),
      marker: { color: MUTED_COLOR, size: 6, symbol: "circle-open" },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>%{y} ${quote}<extra></extra>`,
    });
  }
  return finishFigure(
    data,
    buildLayout(
      options.title ?? titled(symbol, "the current candle's close at each kline update, over the trades"),
      `Price (${quote})`,
      options,
    ),
  );
}
