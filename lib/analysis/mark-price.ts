/**
 * Mark price and funding over time, from `@markPrice` (or `!markPrice@arr`) columns: mark, index
 * and the last traded price at each update, the premium of mark over index, the funding rate, and
 * the countdown to the next funding time. The funding times the recording passes are found where
 * `nextFundingTime` moves on.
 */
import { InvalidArgumentError } from "../errors";
import { selectRows, type AggTradeColumns, type MarkPriceColumns, type TradeColumns } from "./columns";

/** One row per mark-price update of one symbol. */
export interface MarkPriceSeries {
  readonly length: number;
  readonly symbol: string;
  readonly eventTime: Float64Array;
  readonly markPrice: Float64Array;
  readonly indexPrice: Float64Array;
  /** The last trade at or before the update's event time; NaN before the first trade (or without trades). */
  readonly lastPrice: Float64Array;
  /** (mark − index) / index, in basis points. */
  readonly premiumBps: Float64Array;
  /** Funding rate per funding interval, as a fraction (0.0001 = 0.01 %). */
  readonly fundingRate: Float64Array;
  readonly nextFundingTime: Float64Array;
  /** `nextFundingTime − eventTime`, ms. */
  readonly fundingCountdownMs: Float64Array;
}

/** A funding time the recording passed: the update before it and the first after it. */
export interface FundingEvent {
  /** The funding time, ms (the `nextFundingTime` that was reached). */
  readonly fundingTime: number;
  /** The last funding rate published before the funding time. */
  readonly fundingRate: number;
  /** The funding time announced after it. */
  readonly nextFundingTime: number;
  /** Event time of the first update after the funding time. */
  readonly firstUpdateAfter: number;
}

function onlySymbol(columns: MarkPriceColumns, symbol: string | undefined): MarkPriceColumns {
  const symbols = [...new Set(columns.symbol)];
  if (symbol === undefined) {
    if (symbols.length > 1)
      throw new InvalidArgumentError("SYMBOL_REQUIRED", `The mark prices hold ${symbols.join(", ")}: pass { symbol } to pick one.`);
    return columns;
  }
  const wanted = symbol.toUpperCase();
  if (!symbols.includes(wanted))
    throw new InvalidArgumentError(
      "UNKNOWN_SYMBOL",
      `No mark prices for ${JSON.stringify(symbol)}: the columns hold ${symbols.join(", ") || "none"}.`,
    );
  return selectRows(columns, (i) => columns.symbol[i] === wanted);
}

/** For each time, the price of the last trade at or before it (trades in time order, as streams send them). */
function lastPriceAt(times: Float64Array, trades: TradeColumns | AggTradeColumns | undefined): Float64Array {
  const out = new Float64Array(times.length).fill(NaN);
  if (!trades || trades.length === 0) return out;
  let t = -1;
  for (let i = 0; i < times.length; i++) {
    while (t + 1 < trades.length && trades.tradeTime[t + 1] <= times[i]) t++;
    if (t >= 0) out[i] = trades.price[t];
  }
  return out;
}

/**
 * Mark, index and last price, premium, funding rate and countdown at each mark-price update of
 * one symbol (`symbol` picks one from `!markPrice@arr`). `trades` (of the same symbol) give the
 * last price.
 * @example markPriceSeries(markPriceColumns(sample.messages), tradeColumns(sample.messages))
 */
export function markPriceSeries(
  markPrices: MarkPriceColumns,
  trades?: TradeColumns | AggTradeColumns,
  options: { symbol?: string } = {},
): MarkPriceSeries {
  const m = onlySymbol(markPrices, options.symbol);
  const symbol = m.symbol[0] ?? "";
  const ownTrades = trades && trades.length > 0 && symbol !== "" ? selectRows(trades, (i) => trades.symbol[i] === symbol) : trades;
  const n = m.length;
  const premiumBps = new Float64Array(n);
  const fundingCountdownMs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    premiumBps[i] = ((m.markPrice[i] - m.indexPrice[i]) / m.indexPrice[i]) * 10_000;
    fundingCountdownMs[i] = m.nextFundingTime[i] - m.eventTime[i];
  }
  return {
    length: n,
    symbol,
    eventTime: m.eventTime,
    markPrice: m.markPrice,
    indexPrice: m.indexPrice,
    lastPrice: lastPriceAt(m.eventTime, ownTrades),
    premiumBps,
    fundingRate: m.fundingRate,
    nextFundingTime: m.nextFundingTime,
    fundingCountdownMs,
  };
}

/**
 * The funding times a series passes: wherever `nextFundingTime` moves on between two updates.
 * @example findFundingEvents(series)[0]?.fundingTime // Date.UTC(2023, 3, 5)
 */
export function findFundingEvents(series: MarkPriceSeries): FundingEvent[] {
  const events: FundingEvent[] = [];
  for (let i = 1; i < series.length; i++) {
    if (series.nextFundingTime[i] === series.nextFundingTime[i - 1]) continue;
    events.push({
      fundingTime: series.nextFundingTime[i - 1],
      fundingRate: series.fundingRate[i - 1],
      nextFundingTime: series.nextFundingTime[i],
      firstUpdateAfter: series.eventTime[i],
    });
  }
  return events;
}

/** Summary numbers of a series: premium and the mark's distance from the last price. */
export interface MarkPriceSummary {
  readonly updates: number;
  readonly meanPremiumBps: number;
  readonly maxAbsPremiumBps: number;
  /** Mean |mark − last| / last, in basis points, over the updates that have a last price. */
  readonly meanMarkToLastBps: number;
  readonly fundingRateFirst: number;
  readonly fundingRateLast: number;
}

/** The series in a few numbers. */
export function summarizeMarkPrice(series: MarkPriceSeries): MarkPriceSummary {
  let premium = 0;
  let maxAbs = 0;
  let toLast = 0;
  let withLast = 0;
  for (let i = 0; i < series.length; i++) {
    premium += series.premiumBps[i];
    maxAbs = Math.max(maxAbs, Math.abs(series.premiumBps[i]));
    if (Number.isFinite(series.lastPrice[i])) {
      toLast += (Math.abs(series.markPrice[i] - series.lastPrice[i]) / series.lastPrice[i]) * 10_000;
      withLast++;
    }
  }
  return {
    updates: series.length,
    meanPremiumBps: series.length > 0 ? premium / series.length : NaN,
    maxAbsPremiumBps: maxAbs,
    meanMarkToLastBps: withLast > 0 ? toLast / withLast : NaN,
    fundingRateFirst: series.length > 0 ? series.fundingRate[0] : NaN,
    fundingRateLast: series.length > 0 ? series.fundingRate[series.length - 1] : NaN,
  };
}
