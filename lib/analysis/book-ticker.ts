/**
 * The top of the book over time, from `@bookTicker` columns: spread (in price, ticks and basis
 * points of the mid), mid, and the size on each side (with its imbalance), plus a summary.
 * The bookTicker check against the rebuilt book lives in depth.ts (`compareBookWithBookTicker`).
 */
import { InvalidArgumentError } from "../errors";
import { selectRows, type BookTickerColumns } from "./columns";
import { computeQuantile } from "./timing";

/** One row per bookTicker update of one symbol. */
export interface TopOfBook {
  readonly length: number;
  readonly symbol: string;
  readonly eventTime: Float64Array;
  readonly updateId: Float64Array;
  readonly bidPrice: Float64Array;
  readonly askPrice: Float64Array;
  readonly bidQuantity: Float64Array;
  readonly askQuantity: Float64Array;
  /** ask − bid. */
  readonly spread: Float64Array;
  /** (ask + bid) / 2. */
  readonly mid: Float64Array;
  /** spread / mid, basis points. */
  readonly spreadBps: Float64Array;
  /** spread in ticks (`tickSize` below). */
  readonly spreadTicks: Float64Array;
  /** bid size / (bid size + ask size): above 0.5 the bid is heavier. */
  readonly imbalance: Float64Array;
  /** The smallest price step seen between any two quoted prices: the tick size, or a multiple of it. */
  readonly tickSize: number;
}

/** Decimals of a price as printed, to round the tick size estimate. */
function decimalsOf(value: number): number {
  const text = String(value);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** The smallest positive difference between the distinct prices quoted, rounded to their decimals. */
function estimateTickSize(prices: Float64Array[]): number {
  const distinct = [...new Set(prices.flatMap((column) => Array.from(column)))].filter(Number.isFinite).sort((a, b) => a - b);
  const decimals = Math.max(0, ...distinct.slice(0, 200).map(decimalsOf));
  let best = Infinity;
  for (let i = 1; i < distinct.length; i++) best = Math.min(best, distinct[i] - distinct[i - 1]);
  return Number.isFinite(best) ? Number(best.toFixed(decimals)) : NaN;
}

/**
 * Spread, mid, sizes and imbalance at every bookTicker update of one symbol (`symbol` picks one
 * from a `!bookTicker` capture).
 * @example topOfBook(bookTickerColumns(sample.messages)).spreadTicks
 */
export function topOfBook(bookTickers: BookTickerColumns, options: { symbol?: string } = {}): TopOfBook {
  const symbols = [...new Set(bookTickers.symbol)];
  if (options.symbol === undefined && symbols.length > 1) {
    throw new InvalidArgumentError(
      "SYMBOL_REQUIRED",
      `The bookTickers hold ${symbols.slice(0, 10).join(", ")}${symbols.length > 10 ? ", …" : ""}: pass { symbol } to pick one.`,
    );
  }
  const wanted = options.symbol?.toUpperCase();
  const b = wanted === undefined ? bookTickers : selectRows(bookTickers, (i) => bookTickers.symbol[i] === wanted);
  const n = b.length;
  const spread = new Float64Array(n);
  const mid = new Float64Array(n);
  const spreadBps = new Float64Array(n);
  const imbalance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    spread[i] = b.askPrice[i] - b.bidPrice[i];
    mid[i] = (b.askPrice[i] + b.bidPrice[i]) / 2;
    spreadBps[i] = (spread[i] / mid[i]) * 10_000;
    imbalance[i] = b.bidQuantity[i] / (b.bidQuantity[i] + b.askQuantity[i]);
  }
  const tickSize = estimateTickSize([b.bidPrice, b.askPrice]);
  const spreadTicks = Float64Array.from(spread, (s) => Math.round(s / tickSize));
  return {
    length: n,
    symbol: b.symbol[0] ?? wanted ?? "",
    eventTime: b.eventTime,
    updateId: b.updateId,
    bidPrice: b.bidPrice,
    askPrice: b.askPrice,
    bidQuantity: b.bidQuantity,
    askQuantity: b.askQuantity,
    spread,
    mid,
    spreadBps,
    spreadTicks,
    imbalance,
    tickSize,
  };
}

/** The top of the book in a few numbers. */
export interface TopOfBookSummary {
  readonly updates: number;
  readonly tickSize: number;
  /** Share of updates with a one-tick spread. */
  readonly oneTickShare: number;
  readonly medianSpreadBps: number;
  readonly maxSpreadTicks: number;
  readonly medianBidQuantity: number;
  readonly medianAskQuantity: number;
  /** Updates per second of event time. */
  readonly updatesPerSecond: number;
}

function median(values: Float64Array): number {
  return values.length === 0 ? NaN : computeQuantile(Float64Array.from(values).sort(), 0.5);
}

/** Spread and sizes of `topOfBook` in a few numbers. */
export function summarizeTopOfBook(top: TopOfBook): TopOfBookSummary {
  let oneTick = 0;
  let maxTicks = 0;
  for (let i = 0; i < top.length; i++) {
    if (top.spreadTicks[i] === 1) oneTick++;
    maxTicks = Math.max(maxTicks, top.spreadTicks[i]);
  }
  const spanMs = top.length > 1 ? top.eventTime[top.length - 1] - top.eventTime[0] : 0;
  return {
    updates: top.length,
    tickSize: top.tickSize,
    oneTickShare: top.length > 0 ? oneTick / top.length : NaN,
    medianSpreadBps: median(top.spreadBps),
    maxSpreadTicks: maxTicks,
    medianBidQuantity: median(top.bidQuantity),
    medianAskQuantity: median(top.askQuantity),
    updatesPerSecond: spanMs > 0 ? ((top.length - 1) * 1000) / spanMs : NaN,
  };
}
