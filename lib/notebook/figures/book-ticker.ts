/**
 * Figures of the top of the book from `@bookTicker`: the spread in ticks, the size on each side,
 * and the bookTicker's best bid and ask next to the book rebuilt from depth. Pure (no tslab);
 * see figures/index.ts for the conventions.
 */
import { takeValues } from "../../analysis/downsample";
import type { BookRebuild } from "../../analysis/depth";
import type { TopOfBook } from "../../analysis/book-ticker";
import { splitSymbolAssets } from "../../binance/symbols";
import { type PlotlyFigure, type PlotlyTrace } from "../html";
import { type FigureOptions, BUY_COLOR, LINE_COLOR, SELL_COLOR, allRows, buildLayout, downsampleRows, finishFigure, titled } from "./base";

function stepTrace(
  name: string,
  top: TopOfBook,
  y: Float64Array,
  color: string,
  hover: string,
  maxPoints: number,
  extra: PlotlyTrace = {},
): PlotlyTrace {
  const rows = downsampleRows(allRows(top.length), y, maxPoints);
  return {
    type: "scatter",
    mode: "lines",
    name,
    x: takeValues(top.eventTime, rows),
    y: takeValues(y, rows),
    line: { color, width: 1.5, shape: "hv" },
    hovertemplate: `%{x|%H:%M:%S.%L}<br>${hover}<extra>${name}</extra>`,
    ...extra,
  };
}

/**
 * The spread at each bookTicker update, in ticks (tick size estimated from the prices quoted).
 * @example showChart(spreadFigure(topOfBook(bookTickerColumns(messages))))
 */
export function spreadFigure(top: TopOfBook, options: FigureOptions = {}): PlotlyFigure {
  const { quote } = splitSymbolAssets(top.symbol);
  const trace = stepTrace(
    "Spread",
    top,
    top.spreadTicks,
    LINE_COLOR,
    `%{y} ticks (tick ${top.tickSize} ${quote})`,
    options.maxPoints ?? 5000,
  );
  return finishFigure(
    [trace],
    buildLayout(
      options.title ?? titled(top.symbol, "bid-ask spread at each bookTicker update"),
      `Spread (ticks of ${top.tickSize} ${quote})`,
      options,
    ),
  );
}

/** The quantity at the best bid and the best ask over time. */
export function topOfBookSizeFigure(top: TopOfBook, options: FigureOptions = {}): PlotlyFigure {
  const { base } = splitSymbolAssets(top.symbol);
  const maxPoints = options.maxPoints ?? 5000;
  const data = [
    stepTrace("Best bid size", top, top.bidQuantity, BUY_COLOR, `%{y} ${base}`, maxPoints),
    stepTrace("Best ask size", top, top.askQuantity, SELL_COLOR, `%{y} ${base}`, maxPoints),
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(top.symbol, "size at the best bid and ask"), `Quantity (${base})`, options),
  );
}

/**
 * The bookTicker's best bid and ask (lines) and the best levels of the book rebuilt from depth
 * (dots), on one time axis: where both exist at the same update id they are the same.
 */
export function bookTickerVsBookFigure(top: TopOfBook, rebuild: BookRebuild, options: FigureOptions = {}): PlotlyFigure {
  const { quote } = splitSymbolAssets(top.symbol);
  const maxPoints = options.maxPoints ?? 3000;
  const book = rebuild.bestBidAsk;
  const bookRows = downsampleRows(allRows(book.length), book.bidPrice, maxPoints);
  const dots = (name: string, y: Float64Array, color: string): PlotlyTrace => ({
    type: "scatter",
    mode: "markers",
    name,
    x: takeValues(book.eventTime, bookRows),
    y: takeValues(y, bookRows),
    marker: { color, size: 4, symbol: "circle-open" },
    hovertemplate: `%{x|%H:%M:%S.%L}<br>%{y} ${quote}<extra>${name}</extra>`,
  });
  const data = [
    stepTrace("bookTicker bid", top, top.bidPrice, BUY_COLOR, `%{y} ${quote}`, maxPoints),
    stepTrace("bookTicker ask", top, top.askPrice, SELL_COLOR, `%{y} ${quote}`, maxPoints),
    dots("Rebuilt book, best bid", book.bidPrice, BUY_COLOR),
    dots("Rebuilt book, best ask", book.askPrice, SELL_COLOR),
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? titled(top.symbol, "bookTicker vs the book rebuilt from depth"), `Price (${quote})`, options),
  );
}
