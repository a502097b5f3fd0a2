/**
 * Trade statistics over trade or aggTrade columns: VWAP (overall and running), cumulative volume
 * delta, OHLCV bars, buy/sell volume per interval, trade-size distribution, and trades per
 * aggregate. All of it one pass over typed arrays; the columns must hold a single symbol.
 *
 * Taker side: `isBuyerMaker = 1` means the taker sold (binance/taker-side.ts, docs/binance.md).
 */
import { InvalidArgumentError } from "../errors";
import { isTakerSell } from "../binance/taker-side";
import { selectRows, type AggTradeColumns, type TradeColumns } from "./columns";
import { takerFlow } from "./taker-flow";
import { computeHistogram, type Histogram, type HistogramOptions } from "./histogram";

/** Trade or aggTrade columns. */
export type TradeLikeColumns = TradeColumns | AggTradeColumns;

/** Which clock buckets trades: `"tradeTime"` (`T`, default) or `"eventTime"` (`E`). */
export type TradeTimeField = "tradeTime" | "eventTime";

function requireSingleSymbol(columns: { readonly length: number; readonly symbol: readonly string[] }, what: string): void {
  const first = columns.symbol[0];
  for (let i = 1; i < columns.length; i++) {
    if (columns.symbol[i] !== first) {
      throw new InvalidArgumentError(
        "MIXED_SYMBOLS",
        `${what} needs one symbol, got ${JSON.stringify(first)} and ${JSON.stringify(columns.symbol[i])}: select one first, e.g. selectRows(trades, (i) => trades.symbol[i] === "${first}").`,
      );
    }
  }
}

function requireIntervalMs(intervalMs: number): void {
  if (typeof intervalMs !== "number" || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new InvalidArgumentError(
      "INVALID_INTERVAL",
      `Invalid intervalMs ${String(intervalMs)}: expected a positive number of milliseconds such as 1000.`,
    );
  }
}

function timesOf(trades: TradeLikeColumns, timeField: TradeTimeField): Float64Array {
  if (timeField !== "tradeTime" && timeField !== "eventTime") {
    throw new InvalidArgumentError(
      "INVALID_TIME_FIELD",
      `Invalid timeField ${JSON.stringify(timeField)}: expected "tradeTime" or "eventTime".`,
    );
  }
  return trades[timeField];
}

/** Row order by time (stable); `null` when the rows are already in time order. */
function orderByTime(times: Float64Array): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < times.length; i++) {
    if (times[i] < times[i - 1]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return null;
  const order = Array.from({ length: times.length }, (_, i) => i);
  order.sort((a, b) => times[a] - times[b] || a - b);
  return Uint32Array.from(order);
}

/**
 * Volume-weighted average price Σ(p×q) / Σq over all rows (`NaN` without volume).
 * @example computeVwap(tradeColumns(sample.messages)) // 83849.62...
 */
export function computeVwap(trades: TradeLikeColumns): number {
  requireSingleSymbol(trades, "computeVwap");
  let notional = 0;
  let quantity = 0;
  for (let i = 0; i < trades.length; i++) {
    notional += trades.price[i] * trades.quantity[i];
    quantity += trades.quantity[i];
  }
  return quantity === 0 ? NaN : notional / quantity;
}

/** VWAP from the first row up to each row, in row order. */
export function computeRunningVwap(trades: TradeLikeColumns): Float64Array {
  requireSingleSymbol(trades, "computeRunningVwap");
  const out = new Float64Array(trades.length);
  let notional = 0;
  let quantity = 0;
  for (let i = 0; i < trades.length; i++) {
    notional += trades.price[i] * trades.quantity[i];
    quantity += trades.quantity[i];
    out[i] = quantity === 0 ? NaN : notional / quantity;
  }
  return out;
}

/**
 * Cumulative volume delta, in row order: the running sum of taker-buy quantity minus taker-sell
 * quantity (base asset), or of notional (quote asset) with `{ unit: "notional" }`. Its last value
 * is buyQuantity − sellQuantity of `takerFlow`.
 */
export function computeCumulativeDelta(trades: TradeLikeColumns, options: { unit?: "quantity" | "notional" } = {}): Float64Array {
  requireSingleSymbol(trades, "computeCumulativeDelta");
  const useNotional = (options.unit ?? "quantity") === "notional";
  const out = new Float64Array(trades.length);
  let delta = 0;
  for (let i = 0; i < trades.length; i++) {
    const amount = useNotional ? trades.price[i] * trades.quantity[i] : trades.quantity[i];
    delta += isTakerSell(trades.isBuyerMaker[i]) ? -amount : amount;
    out[i] = delta;
  }
  return out;
}

/** OHLCV bars, one row per interval that had trades, oldest first. */
export interface TradeBars {
  readonly length: number;
  readonly intervalMs: number;
  /** The trades' symbol (`""` when there were none). */
  readonly symbol: string;
  /** Start of the interval, ms (a multiple of `intervalMs` since the epoch). */
  readonly openTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** Base-asset quantity traded. */
  readonly volume: Float64Array;
  /** Quote-asset notional traded (Σ p×q). */
  readonly quoteVolume: Float64Array;
  /** Base quantity bought by takers. */
  readonly buyVolume: Float64Array;
  /** Base quantity sold by takers. */
  readonly sellVolume: Float64Array;
  /** Rows (trades, or aggregates for aggTrade columns) in the interval. */
  readonly tradeCount: Float64Array;
  /** quoteVolume / volume. */
  readonly vwap: Float64Array;
}

/**
 * OHLCV bars per `intervalMs` (empty intervals are left out). Rows out of time order are sorted
 * first, so open and close are the earliest and latest trades of each interval.
 * @example const bars = computeTradeBars(trades, 1000); bars.close[0]
 */
export function computeTradeBars(trades: TradeLikeColumns, intervalMs: number, options: { timeField?: TradeTimeField } = {}): TradeBars {
  requireIntervalMs(intervalMs);
  requireSingleSymbol(trades, "computeTradeBars");
  const times = timesOf(trades, options.timeField ?? "tradeTime");
  const order = orderByTime(times);
  const n = trades.length;
  // First pass: how many bars, so the columns are allocated once at their size.
  let barCount = 0;
  let previous = NaN;
  for (let k = 0; k < n; k++) {
    const bucket = Math.floor(times[order === null ? k : order[k]] / intervalMs);
    if (bucket !== previous) {
      barCount++;
      previous = bucket;
    }
  }
  const openTime = new Float64Array(barCount);
  const open = new Float64Array(barCount);
  const high = new Float64Array(barCount);
  const low = new Float64Array(barCount);
  const close = new Float64Array(barCount);
  const volume = new Float64Array(barCount);
  const quoteVolume = new Float64Array(barCount);
  const buyVolume = new Float64Array(barCount);
  const sellVolume = new Float64Array(barCount);
  const tradeCount = new Float64Array(barCount);
  let bar = -1;
  let current = NaN;
  for (let k = 0; k < n; k++) {
    const i = order === null ? k : order[k];
    const bucket = Math.floor(times[i] / intervalMs);
    const p = trades.price[i];
    const q = trades.quantity[i];
    if (bucket !== current) {
      bar++;
      current = bucket;
      openTime[bar] = bucket * intervalMs;
      open[bar] = p;
      high[bar] = p;
      low[bar] = p;
    } else {
      if (p > high[bar]) high[bar] = p;
      if (p < low[bar]) low[bar] = p;
    }
    close[bar] = p;
    volume[bar] += q;
    quoteVolume[bar] += p * q;
    if (trades.isBuyerMaker[i]) sellVolume[bar] += q;
    else buyVolume[bar] += q;
    tradeCount[bar]++;
  }
  const vwap = new Float64Array(barCount);
  for (let b = 0; b < barCount; b++) vwap[b] = volume[b] === 0 ? NaN : quoteVolume[b] / volume[b];
  return {
    length: barCount,
    intervalMs,
    symbol: trades.symbol[0] ?? "",
    openTime,
    open,
    high,
    low,
    close,
    volume,
    quoteVolume,
    buyVolume,
    sellVolume,
    tradeCount,
    vwap,
  };
}

/** Taker buy and sell volume per interval, every interval from the first trade's to the last's. */
export interface BuySellVolume {
  readonly length: number;
  readonly intervalMs: number;
  /** The trades' symbol (`""` when there were none). */
  readonly symbol: string;
  /** Start of each interval, ms. */
  readonly time: Float64Array;
  readonly buyQuantity: Float64Array;
  readonly sellQuantity: Float64Array;
  readonly buyNotional: Float64Array;
  readonly sellNotional: Float64Array;
  readonly tradeCount: Float64Array;
}

const MAX_INTERVALS = 5_000_000;

/**
 * Taker buy and sell volume per interval (default 1000 ms: per second). Intervals without trades
 * are included with zeros, so the time axis has no holes.
 * @example computeBuySellVolume(trades).buyQuantity
 */
export function computeBuySellVolume(
  trades: TradeLikeColumns,
  intervalMs = 1000,
  options: { timeField?: TradeTimeField } = {},
): BuySellVolume {
  requireIntervalMs(intervalMs);
  requireSingleSymbol(trades, "computeBuySellVolume");
  const times = timesOf(trades, options.timeField ?? "tradeTime");
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < times.length; i++) {
    if (times[i] < min) min = times[i];
    if (times[i] > max) max = times[i];
  }
  const first = trades.length === 0 ? 0 : Math.floor(min / intervalMs);
  const length = trades.length === 0 ? 0 : Math.floor(max / intervalMs) - first + 1;
  if (length > MAX_INTERVALS) {
    throw new InvalidArgumentError(
      "TOO_MANY_INTERVALS",
      `intervalMs ${intervalMs} makes ${length} intervals over these trades: expected at most ${MAX_INTERVALS}; use a longer interval.`,
    );
  }
  const time = new Float64Array(length);
  for (let b = 0; b < length; b++) time[b] = (first + b) * intervalMs;
  const buyQuantity = new Float64Array(length);
  const sellQuantity = new Float64Array(length);
  const buyNotional = new Float64Array(length);
  const sellNotional = new Float64Array(length);
  const tradeCount = new Float64Array(length);
  for (let i = 0; i < trades.length; i++) {
    const b = Math.floor(times[i] / intervalMs) - first;
    const q = trades.quantity[i];
    const notional = trades.price[i] * q;
    if (trades.isBuyerMaker[i]) {
      sellQuantity[b] += q;
      sellNotional[b] += notional;
    } else {
      buyQuantity[b] += q;
      buyNotional[b] += notional;
    }
    tradeCount[b]++;
  }
  return { length, intervalMs, symbol: trades.symbol[0] ?? "", time, buyQuantity, sellQuantity, buyNotional, sellNotional, tradeCount };
}

/**
 * Distribution of trade sizes (base quantity); log10 bins by default, since sizes span decades.
 * @example computeTradeSizeHistogram(trades).count
 */
export function computeTradeSizeHistogram(trades: TradeLikeColumns, options: HistogramOptions = {}): Histogram {
  return computeHistogram(trades.quantity, { scale: "log", ...options });
}

/** How many trades each aggregate trade bundled (`l − f + 1`). */
export interface AggregateSizes {
  /** Distinct trades-per-aggregate values, ascending. */
  readonly tradesPerAggregate: Float64Array;
  /** How many aggregates had that many trades. */
  readonly aggregateCount: Float64Array;
  readonly totalAggregates: number;
  readonly totalTrades: number;
  readonly meanTradesPerAggregate: number;
  readonly maxTradesPerAggregate: number;
}

/**
 * Counts aggregates by their number of trades (`l − f + 1`).
 * @example computeAggregateSizes(aggTradeColumns(msgs)).meanTradesPerAggregate
 */
export function computeAggregateSizes(aggTrades: AggTradeColumns): AggregateSizes {
  const counts = new Map<number, number>();
  let totalTrades = 0;
  let max = 0;
  for (let i = 0; i < aggTrades.length; i++) {
    const size = aggTrades.tradeCount[i];
    counts.set(size, (counts.get(size) ?? 0) + 1);
    totalTrades += size;
    if (size > max) max = size;
  }
  const sizes = Float64Array.from(counts.keys()).sort();
  const aggregateCount = new Float64Array(sizes.length);
  for (let i = 0; i < sizes.length; i++) aggregateCount[i] = counts.get(sizes[i]) ?? 0;
  return {
    tradesPerAggregate: sizes,
    aggregateCount,
    totalAggregates: aggTrades.length,
    totalTrades,
    meanTradesPerAggregate: aggTrades.length === 0 ? NaN : totalTrades / aggTrades.length,
    maxTradesPerAggregate: max,
  };
}

/** One row of `compareAggTradesWithTrades`. */
export interface TradeStreamComparison {
  readonly stream: "aggTrade" | "trade";
  readonly messages: number;
  /** Individual trades covered: aggTrade `l − f + 1` summed; one per trade message. */
  readonly trades: number;
  readonly quantity: number;
  readonly buyNotional: number;
  readonly sellNotional: number;
  readonly vwap: number;
}

/**
 * The same market seen through `@aggTrade` and `@trade`, over the trade ids both cover: the
 * aggregates should add up to the trades (insurance-fund and ADL trades are not aggregated).
 */
export function compareAggTradesWithTrades(aggTrades: AggTradeColumns, trades: TradeColumns): TradeStreamComparison[] {
  let firstId = Infinity;
  let lastId = -Infinity;
  if (aggTrades.length > 0 && trades.length > 0) {
    firstId = Math.max(aggTrades.firstTradeId[0], trades.tradeId[0]);
    lastId = Math.min(aggTrades.lastTradeId[aggTrades.length - 1], trades.tradeId[trades.length - 1]);
  }
  const aggs = selectRows(aggTrades, (i) => aggTrades.firstTradeId[i] >= firstId && aggTrades.lastTradeId[i] <= lastId);
  const fills = selectRows(trades, (i) => trades.tradeId[i] >= firstId && trades.tradeId[i] <= lastId);
  let covered = 0;
  for (let i = 0; i < aggs.length; i++) covered += aggs.lastTradeId[i] - aggs.firstTradeId[i] + 1;
  const row = (stream: "aggTrade" | "trade", cols: TradeLikeColumns, tradeCount: number): TradeStreamComparison => {
    const flow = takerFlow(cols);
    return {
      stream,
      messages: cols.length,
      trades: tradeCount,
      quantity: flow.buyQuantity + flow.sellQuantity,
      buyNotional: flow.buyNotional,
      sellNotional: flow.sellNotional,
      vwap: cols.length > 0 ? computeVwap(cols) : NaN,
    };
  };
  return [row("aggTrade", aggs, covered), row("trade", fills, fills.length)];
}
