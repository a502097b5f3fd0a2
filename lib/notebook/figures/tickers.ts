/**
 * Figures of ticker and miniTicker: last price with the 24 h band, 24 h change, rolling volume.
 * Pure (no tslab); see figures/index.ts for the conventions every builder follows.
 */
import type { MiniTickerColumns, TickerColumns } from "../../analysis/columns";
import { splitSymbolAssets } from "../../binance/symbols";
import { type PlotlyFigure } from "../html";
import { type FigureOptions, LINE_COLOR, MUTED_COLOR, buildLayout, finishFigure, symbolOf, titled, pushTrace } from "./base";

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
