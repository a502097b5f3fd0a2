/**
 * Figures of depth: levels per update, best bid/ask from the rebuilt book.
 * Pure (no tslab); see figures/index.ts for the conventions every builder follows.
 */
import type { DepthColumns } from "../../analysis/columns";
import type { BestBidAskColumns, BookRebuild } from "../../analysis/depth";
import { takeValues } from "../../analysis/downsample";
import { splitSymbolAssets } from "../../binance/symbols";
import { type PlotlyFigure } from "../html";
import { type FigureOptions, BUY_COLOR, SELL_COLOR, buildLayout, finishFigure, symbolOf, titled, downsampleRows, allRows } from "./base";

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
