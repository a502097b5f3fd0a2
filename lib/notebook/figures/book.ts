/**
 * Plotly figures of the order book (analysis/book/): cumulative depth at one moment, spread and
 * mid over time, imbalance against the next mid move, a liquidity heatmap (price × time), and the
 * book's sync state over time (what a gap and its resync look like). Same house style as the
 * other builders (base.ts); moments where the book is not synced are gaps in the lines, never guessed values.
 */
import type { BookAtResult } from "../../analysis/book/book-at";
import { BOOK_STATES, type BookSnapshotColumns } from "../../analysis/book/book-snapshots";
import { imbalanceAgainstMidMove, type ImbalanceMidMove, type ImbalanceMoveOptions } from "../../analysis/book/imbalance";
import { OrderBook } from "../../analysis/book/order-book";
import { splitSymbolAssets } from "../../binance/symbols";
import { BUY_COLOR, LINE_COLOR, MUTED_COLOR, SELL_COLOR, buildLayout, finishFigure, type FigureOptions } from "./base";
import type { PlotlyFigure, PlotlyTrace } from "../html";

/** Row indices 0, k, 2k, … so at most `maxPoints` remain (the last row always kept). */
function strideRows(length: number, maxPoints: number): number[] {
  const step = Math.max(1, Math.ceil(length / maxPoints));
  const rows: number[] = [];
  for (let i = 0; i < length; i += step) rows.push(i);
  if (length > 0 && rows[rows.length - 1] !== length - 1) rows.push(length - 1);
  return rows;
}

/** Values at `rows`, NaN as `null` so plotly leaves a gap. */
function valuesAt(values: ArrayLike<number>, rows: readonly number[]): (number | null)[] {
  return rows.map((i) => (Number.isFinite(values[i]) ? values[i] : null));
}

function bookOf(source: OrderBook | BookAtResult): { book: OrderBook; symbol: string; time: number } {
  if (source instanceof OrderBook) return { book: source, symbol: source.symbol ?? "", time: source.eventTime };
  return { book: source.book, symbol: source.symbol, time: source.eventTime };
}

/** Options of `cumulativeDepthFigure`. */
export interface CumulativeDepthOptions extends FigureOptions {
  /** Levels per side (default 200). */
  levels?: number;
}

/**
 * Cumulative quantity from the best price outwards, bids and asks, at one moment (`bookAt`).
 * @example cumulativeDepthFigure(bookAt(sample))
 */
export function cumulativeDepthFigure(source: OrderBook | BookAtResult, options: CumulativeDepthOptions = {}): PlotlyFigure {
  const { book, symbol, time } = bookOf(source);
  const { base, quote } = splitSymbolAssets(symbol);
  const levels = options.levels ?? 200;
  const top = book.isExact ? book.top(levels) : { bids: [], asks: [] };
  const side = (name: string, list: readonly { price: number; quantity: number }[], color: string): PlotlyTrace => {
    let sum = 0;
    const cumulative = list.map((level) => (sum += level.quantity));
    return {
      type: "scatter",
      mode: "lines",
      name,
      x: list.map((level) => level.price),
      y: cumulative,
      line: { color, shape: "hv", width: 2 },
      fill: "tozeroy",
      hovertemplate: `%{x} ${quote}<br>%{y} ${base} up to here<extra>${name}</extra>`,
    };
  };
  const when = Number.isFinite(time) ? ` at ${new Date(time).toISOString().slice(11, 23)} UTC` : "";
  const state = book.isExact ? "" : ` (no exact book: ${book.describeState()})`;
  return finishFigure(
    [side("Bids", top.bids, BUY_COLOR), side("Asks", top.asks, SELL_COLOR)],
    buildLayout(
      options.title ?? `${symbol} cumulative depth${when}, ${levels} levels per side${state}`,
      `Cumulative quantity (${base})`,
      options,
      {
        xaxis: { title: { text: `Price (${quote})` }, exponentformat: "none", separatethousands: true },
      },
    ),
  );
}

/**
 * Mid (left axis) and spread (right axis) over time from the book over time; gaps where the book
 * was not synced.
 * @example spreadMidFigure(bookSnapshots(sample, { intervalMs: 250 }))
 */
export function spreadMidFigure(book: BookSnapshotColumns, options: FigureOptions = {}): PlotlyFigure {
  const { quote } = splitSymbolAssets(book.symbol);
  const rows = strideRows(book.length, options.maxPoints ?? 5000);
  const x = rows.map((i) => book.time[i]);
  const data: PlotlyTrace[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "Mid",
      x,
      y: valuesAt(book.mid, rows),
      line: { color: LINE_COLOR, shape: "hv", width: 1.5 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>mid %{y} ${quote}<extra></extra>`,
    },
    {
      type: "scatter",
      mode: "lines",
      name: "Spread",
      x,
      y: valuesAt(book.spread, rows),
      yaxis: "y2",
      line: { color: MUTED_COLOR, shape: "hv", width: 1 },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>spread %{y} ${quote}<extra></extra>`,
    },
  ];
  return finishFigure(
    data,
    buildLayout(options.title ?? `${book.symbol} mid and spread over time`, `Mid (${quote})`, options, {
      yaxis2: { title: { text: `Spread (${quote})` }, overlaying: "y", side: "right", rangemode: "tozero", showgrid: false },
      margin: { l: 80, r: 70, t: 60, b: 50 },
    }),
  );
}

/** Options of `imbalanceMidMoveFigure`. */
export interface ImbalanceFigureOptions extends FigureOptions, ImbalanceMoveOptions {}

/**
 * Each moment's order-book imbalance against the mid move that followed (grey points), and the
 * mean move per imbalance bin (line).
 * @example imbalanceMidMoveFigure(bookSnapshots(sample, { levels: 5, intervalMs: 250 }), { horizonMs: 1000 })
 */
export function imbalanceMidMoveFigure(source: BookSnapshotColumns | ImbalanceMidMove, options: ImbalanceFigureOptions = {}): PlotlyFigure {
  const result = "binCenter" in source ? source : imbalanceAgainstMidMove(source, options);
  const levels = "levels" in source ? `${source.levels} levels` : "the book's levels";
  const symbol = "symbol" in source ? `${source.symbol} ` : "";
  const rows = strideRows(result.length, options.maxPoints ?? 5000);
  const bins = Array.from(result.binCenter.keys()).filter((b) => result.binCount[b] > 0);
  const data: PlotlyTrace[] = [
    {
      type: "scatter",
      mode: "markers",
      name: "Moments",
      x: rows.map((i) => result.imbalance[i]),
      y: rows.map((i) => result.moveBps[i]),
      marker: { color: MUTED_COLOR, size: 4, opacity: 0.5 },
      hovertemplate: "imbalance %{x:.3f}<br>move %{y:.2f} bps<extra></extra>",
    },
    {
      type: "scatter",
      mode: "lines+markers",
      name: "Mean per bin",
      x: bins.map((b) => result.binCenter[b]),
      y: bins.map((b) => result.binMeanMoveBps[b]),
      customdata: bins.map((b) => result.binCount[b]),
      line: { color: LINE_COLOR, width: 2 },
      hovertemplate: "imbalance %{x:.2f}<br>mean move %{y:.2f} bps over %{customdata} moments<extra></extra>",
    },
  ];
  const correlation = Number.isFinite(result.correlation) ? `, correlation ${result.correlation.toFixed(2)}` : "";
  return finishFigure(
    data,
    buildLayout(
      options.title ?? `${symbol}imbalance over ${levels} against the mid move ${result.horizonMs} ms later${correlation}`,
      "Mid move (bps)",
      options,
      {
        xaxis: { title: { text: "Imbalance (bid − ask) / (bid + ask)" }, range: [-1.05, 1.05], zeroline: true },
      },
    ),
  );
}

/** Options of `liquidityHeatmapFigure`. */
export interface HeatmapOptions extends FigureOptions {
  /** Height of a price row, in quote units (default: the price range over `priceBins`). */
  priceStep?: number;
  /** Price rows when `priceStep` is not given (default 80). */
  priceBins?: number;
}

/**
 * Resting quantity by price (rows) and time (columns) from the book over time, bids and asks,
 * with the mid on top: where liquidity sat, and how it moved. Unknown or unsynced cells are blank.
 * @example liquidityHeatmapFigure(bookSnapshots(sample, { levels: 50, intervalMs: 250 }))
 */
export function liquidityHeatmapFigure(book: BookSnapshotColumns, options: HeatmapOptions = {}): PlotlyFigure {
  const { base, quote } = splitSymbolAssets(book.symbol);
  const columns = strideRows(book.length, Math.min(options.maxPoints ?? 600, 2000));
  let low = Infinity;
  let high = -Infinity;
  for (const prices of [...book.bidPrice, ...book.askPrice]) {
    for (const i of columns) {
      const p = prices[i];
      if (Number.isFinite(p)) {
        if (p < low) low = p;
        if (p > high) high = p;
      }
    }
  }
  const finite = Number.isFinite(low) && Number.isFinite(high);
  const step = options.priceStep ?? (finite && high > low ? (high - low) / (options.priceBins ?? 80) : 1);
  const rowCount = finite ? Math.floor((high - low) / step) + 1 : 0;
  const z: (number | null)[][] = Array.from({ length: rowCount }, () => new Array<number | null>(columns.length).fill(null));
  const add = (prices: readonly Float64Array[], quantities: readonly Float64Array[]) => {
    columns.forEach((i, c) => {
      for (let k = 0; k < prices.length; k++) {
        const p = prices[k][i];
        if (!Number.isFinite(p)) continue;
        const r = Math.floor((p - low) / step);
        z[r][c] = (z[r][c] ?? 0) + quantities[k][i];
      }
    });
  };
  add(book.bidPrice, book.bidQuantity);
  add(book.askPrice, book.askQuantity);
  const x = columns.map((i) => book.time[i]);
  const data: PlotlyTrace[] = [
    {
      type: "heatmap",
      name: "Resting quantity",
      x,
      y: Array.from({ length: rowCount }, (_, r) => low + (r + 0.5) * step),
      z,
      colorscale: "Viridis",
      colorbar: { title: { text: base } },
      hovertemplate: `%{x|%H:%M:%S.%L}<br>%{y} ${quote}<br>%{z} ${base}<extra></extra>`,
    },
    {
      type: "scatter",
      mode: "lines",
      name: "Mid",
      x,
      y: valuesAt(book.mid, columns),
      line: { color: "#ffffff", width: 1.5 },
      hovertemplate: `mid %{y} ${quote}<extra></extra>`,
    },
  ];
  return finishFigure(
    data,
    buildLayout(
      options.title ?? `${book.symbol} liquidity by price and time (top ${book.levels} levels per side)`,
      `Price (${quote})`,
      options,
      {
        height: options.height ?? 460,
        margin: { l: 80, r: 20, t: 60, b: 50 },
      },
    ),
  );
}

/** Options of `bookStateFigure`. */
export interface BookStateFigureOptions extends FigureOptions {
  /** Time shown on each side of the broken spans (default 1500 ms); `null` shows the whole sample. */
  aroundGapsMs?: number | null;
}

/**
 * The book's sync state over time: best bid, best ask, and shaded spans where it was not synced
 * (waiting for a snapshot, or broken by a gap until a resync), each labelled. When the book was
 * broken, the time axis opens on the broken spans, `aroundGapsMs` either side (zoom out to see all).
 * @example bookStateFigure(bookSnapshots(sample, { levels: 1 }))
 */
export function bookStateFigure(book: BookSnapshotColumns, options: BookStateFigureOptions = {}): PlotlyFigure {
  const { quote } = splitSymbolAssets(book.symbol);
  const rows = strideRows(book.length, options.maxPoints ?? 5000);
  const x = rows.map((i) => book.time[i]);
  const data: PlotlyTrace[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "Best bid",
      x,
      y: valuesAt(book.bidPrice[0], rows),
      line: { color: BUY_COLOR, shape: "hv", width: 1.5 },
    },
    {
      type: "scatter",
      mode: "lines",
      name: "Best ask",
      x,
      y: valuesAt(book.askPrice[0], rows),
      line: { color: SELL_COLOR, shape: "hv", width: 1.5 },
    },
  ];
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const brokenTimes: number[] = [];
  let start = -1;
  for (let i = 0; i <= book.length; i++) {
    const synced = i < book.length && BOOK_STATES[book.state[i]] === "synced";
    if (!synced && start < 0 && i < book.length) start = i;
    if ((synced || i === book.length) && start >= 0) {
      const end = Math.min(i, book.length - 1);
      const state = BOOK_STATES[book.state[start]];
      const broken = state === "broken";
      shapes.push({
        type: "rect",
        xref: "x",
        yref: "paper",
        x0: book.time[start],
        x1: book.time[end],
        y0: 0,
        y1: 1,
        fillcolor: broken ? SELL_COLOR : MUTED_COLOR,
        opacity: 0.15,
        line: { width: 0 },
      });
      const label = broken ? `broken since u=${book.finalUpdateId[start]}` : state;
      if (broken) brokenTimes.push(book.time[start], book.time[end]);
      annotations.push({
        x: book.time[start],
        y: 1,
        xref: "x",
        yref: "paper",
        text: label,
        showarrow: false,
        xanchor: "left",
        yanchor: "top",
        font: { size: 11 },
      });
      start = -1;
    }
  }
  const around = options.aroundGapsMs === undefined ? 1500 : options.aroundGapsMs;
  const zoom =
    around !== null && brokenTimes.length > 0
      ? {
          xaxis: {
            title: { text: "Time (UTC)" },
            type: "date",
            range: [Math.min(...brokenTimes) - around, Math.max(...brokenTimes) + around],
          },
        }
      : {};
  const title =
    options.title ??
    `${book.symbol} book state over time: shaded where it was not synced${zoom.xaxis ? " (around the gaps; zoom out for all)" : ""}`;
  return finishFigure(data, buildLayout(title, `Price (${quote})`, options, { shapes, annotations, ...zoom }));
}
