/**
 * The whole market from all-market tickers (`!ticker@arr`, which sends the tickers that changed
 * every second): the latest 24 h ticker of each symbol, the top movers either way, the volume
 * leaders, and a grid of every symbol's 24 h change for a heatmap.
 */
import type { TickerColumns } from "./columns";

/** The latest ticker of each symbol, one row per symbol (in the order symbols first appeared). */
export interface LatestTickers {
  readonly length: number;
  readonly symbol: readonly string[];
  readonly eventTime: Float64Array;
  readonly lastPrice: Float64Array;
  readonly priceChangePercent: Float64Array;
  /** 24 h quote volume. */
  readonly quoteVolume: Float64Array;
  readonly tradeCount: Float64Array;
  /** How many pushes of the symbol the messages held. */
  readonly pushes: Uint32Array;
}

/**
 * The latest 24 h ticker of each symbol (by event time).
 * @example latestTickers(tickerColumns(sample.messages)).symbol.length // ~300 for a live !ticker@arr capture
 */
export function latestTickers(tickers: TickerColumns): LatestTickers {
  const latest = new Map<string, number>();
  const pushes = new Map<string, number>();
  for (let i = 0; i < tickers.length; i++) {
    const symbol = tickers.symbol[i];
    const previous = latest.get(symbol);
    if (previous === undefined || tickers.eventTime[i] >= tickers.eventTime[previous]) latest.set(symbol, i);
    pushes.set(symbol, (pushes.get(symbol) ?? 0) + 1);
  }
  const rows = [...latest.values()];
  const take = (column: Float64Array) => Float64Array.from(rows, (row) => column[row]);
  return {
    length: rows.length,
    symbol: rows.map((row) => tickers.symbol[row]),
    eventTime: take(tickers.eventTime),
    lastPrice: take(tickers.lastPrice),
    priceChangePercent: take(tickers.priceChangePercent),
    quoteVolume: take(tickers.quoteVolume),
    tradeCount: take(tickers.tradeCount),
    pushes: Uint32Array.from(rows, (row) => pushes.get(tickers.symbol[row])!),
  };
}

/** One symbol in a ranking. */
export interface TickerRank {
  readonly symbol: string;
  readonly priceChangePercent: number;
  readonly quoteVolume: number;
  readonly lastPrice: number;
}

function rank(latest: LatestTickers, order: (a: number, b: number) => number, limit: number): TickerRank[] {
  return Array.from({ length: latest.length }, (_, i) => i)
    .sort(order)
    .slice(0, limit)
    .map((i) => ({
      symbol: latest.symbol[i],
      priceChangePercent: latest.priceChangePercent[i],
      quoteVolume: latest.quoteVolume[i],
      lastPrice: latest.lastPrice[i],
    }));
}

/** The `limit` biggest gainers and the `limit` biggest losers over 24 h (a symbol is in one list at most). */
export function topMovers(latest: LatestTickers, limit = 10): { gainers: TickerRank[]; losers: TickerRank[] } {
  const gainers = rank(latest, (a, b) => latest.priceChangePercent[b] - latest.priceChangePercent[a], limit).filter(
    (r) => r.priceChangePercent > 0,
  );
  const losers = rank(latest, (a, b) => latest.priceChangePercent[a] - latest.priceChangePercent[b], limit).filter(
    (r) => r.priceChangePercent < 0,
  );
  return { gainers, losers };
}

/** The `limit` symbols with the largest 24 h quote volume. */
export function volumeLeaders(latest: LatestTickers, limit = 15): TickerRank[] {
  return rank(latest, (a, b) => latest.quoteVolume[b] - latest.quoteVolume[a], limit);
}

/** Every symbol's 24 h change laid out in a grid (rows × columns), largest quote volume first. */
export interface ChangeGrid {
  readonly rows: number;
  readonly columns: number;
  /** `z[row][column]`: the 24 h change in percent, `null` for the empty cells of the last row. */
  readonly z: (number | null)[][];
  readonly symbols: (string | null)[][];
}

/**
 * The 24 h change of every symbol as a near-square grid, ordered by quote volume (the busiest
 * top left), for a heatmap.
 * @example changeGrid(latestTickers(tickerColumns(messages))).z
 */
export function changeGrid(latest: LatestTickers, columns = Math.max(1, Math.ceil(Math.sqrt(latest.length)))): ChangeGrid {
  const order = rank(latest, (a, b) => latest.quoteVolume[b] - latest.quoteVolume[a], latest.length);
  const rows = Math.max(1, Math.ceil(order.length / columns));
  const z: (number | null)[][] = [];
  const symbols: (string | null)[][] = [];
  for (let r = 0; r < rows; r++) {
    const slice = order.slice(r * columns, (r + 1) * columns);
    z.push(Array.from({ length: columns }, (_, c) => slice[c]?.priceChangePercent ?? null));
    symbols.push(Array.from({ length: columns }, (_, c) => slice[c]?.symbol ?? null));
  }
  return { rows, columns, z, symbols };
}
