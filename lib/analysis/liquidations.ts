/**
 * Liquidations (`@forceOrder`, `!forceOrder@arr`) summed up: by the position they closed (a
 * forced SELL closes a long, a forced BUY a short), by symbol, and per interval of time. Sizes
 * are the filled notional (average price × filled quantity, quote asset), which adds up across
 * symbols where base quantities do not.
 */
import { InvalidArgumentError } from "../errors";
import type { ForceOrderColumns } from "./columns";

/** At most this many intervals, as the other per-interval sums allow. */
const MAX_INTERVALS = 5_000_000;

/** Liquidations of one side (the position closed), or of one symbol. */
export interface LiquidationTotal {
  /** `"long"` / `"short"` for sides, the symbol for symbols. */
  readonly key: string;
  readonly orders: number;
  /** Σ filled notional, quote asset. */
  readonly notional: number;
  /** The largest single order's filled notional. */
  readonly largest: number;
}

function totalsBy(forceOrders: ForceOrderColumns, keyOf: (i: number) => string): LiquidationTotal[] {
  const totals = new Map<string, { orders: number; notional: number; largest: number }>();
  for (let i = 0; i < forceOrders.length; i++) {
    const key = keyOf(i);
    const total = totals.get(key) ?? { orders: 0, notional: 0, largest: 0 };
    total.orders++;
    total.notional += forceOrders.filledNotional[i];
    total.largest = Math.max(total.largest, forceOrders.filledNotional[i]);
    totals.set(key, total);
  }
  return [...totals].map(([key, total]) => ({ key, ...total })).sort((a, b) => b.notional - a.notional);
}

/**
 * Orders and filled notional by the position closed: `long` (forced sells) and `short` (forced
 * buys), both always present.
 * @example liquidationsBySide(forceOrderColumns(sample.messages))
 */
export function liquidationsBySide(forceOrders: ForceOrderColumns): LiquidationTotal[] {
  const bySide = totalsBy(forceOrders, (i) => forceOrders.liquidatedPosition[i]);
  return ["long", "short"].map((key) => bySide.find((total) => total.key === key) ?? { key, orders: 0, notional: 0, largest: 0 });
}

/** Orders and filled notional per symbol, largest notional first (the first `limit`). */
export function liquidationsBySymbol(forceOrders: ForceOrderColumns, limit = 15): LiquidationTotal[] {
  return totalsBy(forceOrders, (i) => forceOrders.symbol[i]).slice(0, limit);
}

/** Filled notional of long and short liquidations per interval of trade time. */
export interface LiquidationVolume {
  readonly length: number;
  readonly intervalMs: number;
  /** Interval start, ms; every interval from the first order's to the last's. */
  readonly time: Float64Array;
  readonly longNotional: Float64Array;
  readonly shortNotional: Float64Array;
  readonly orders: Float64Array;
}

/**
 * Long and short liquidation notional per `intervalMs` (by the orders' trade time).
 * @example liquidationVolume(forceOrderColumns(sample.messages), 60_000)
 */
export function liquidationVolume(forceOrders: ForceOrderColumns, intervalMs = 60_000): LiquidationVolume {
  if (typeof intervalMs !== "number" || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new InvalidArgumentError(
      "INVALID_INTERVAL",
      `Invalid intervalMs ${String(intervalMs)}: expected a positive number of milliseconds such as 60000.`,
    );
  }
  if (forceOrders.length === 0)
    return {
      length: 0,
      intervalMs,
      time: new Float64Array(0),
      longNotional: new Float64Array(0),
      shortNotional: new Float64Array(0),
      orders: new Float64Array(0),
    };
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < forceOrders.length; i++) {
    first = Math.min(first, forceOrders.tradeTime[i]);
    last = Math.max(last, forceOrders.tradeTime[i]);
  }
  const start = Math.floor(first / intervalMs);
  const n = Math.floor(last / intervalMs) - start + 1;
  if (n > MAX_INTERVALS)
    throw new InvalidArgumentError(
      "TOO_MANY_INTERVALS",
      `intervalMs ${intervalMs} makes ${n} intervals: expected at most ${MAX_INTERVALS}; use a longer interval.`,
    );
  const time = Float64Array.from({ length: n }, (_, k) => (start + k) * intervalMs);
  const longNotional = new Float64Array(n);
  const shortNotional = new Float64Array(n);
  const orders = new Float64Array(n);
  for (let i = 0; i < forceOrders.length; i++) {
    const k = Math.floor(forceOrders.tradeTime[i] / intervalMs) - start;
    if (forceOrders.liquidatedPosition[i] === "long") longNotional[k] += forceOrders.filledNotional[i];
    else shortNotional[k] += forceOrders.filledNotional[i];
    orders[k]++;
  }
  return { length: n, intervalMs, time, longNotional, shortNotional, orders };
}
