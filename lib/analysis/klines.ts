/**
 * Klines from the stream and from trades: the kline stream sends the current candle again and
 * again (every 250 ms); its candles are the last update of each open time. The trades a kline
 * counted between two of its updates are the trade ids between their `L`s, which makes the
 * stream checkable against `@aggTrade` (or `@trade`): same number of trades, same volume.
 */
import { InvalidArgumentError } from "../errors";
import { selectRows, type AggTradeColumns, type KlineColumns, type TradeColumns } from "./columns";
import { computeTradeBars, type TradeBars } from "./trade-stats";

/** One row per candle: the last update the stream sent for each open time. */
export interface KlineCandles {
  readonly length: number;
  readonly symbol: string;
  readonly interval: string;
  readonly openTime: Float64Array;
  readonly closeTime: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly baseVolume: Float64Array;
  readonly quoteVolume: Float64Array;
  readonly takerBuyBaseVolume: Float64Array;
  readonly tradeCount: Float64Array;
  /** 1 when the last update seen was the candle's closing one (`x`). */
  readonly isClosed: Uint8Array;
  /** How many updates of the candle the stream sent. */
  readonly updates: Uint32Array;
  /** Row (in the kline columns) of the candle's first and last update. */
  readonly firstRow: Uint32Array;
  readonly lastRow: Uint32Array;
}

function oneSymbol<C extends { readonly length: number; readonly symbol: readonly string[] }>(
  columns: C,
  symbol: string | undefined,
  what: string,
): C {
  const symbols = [...new Set(columns.symbol)];
  if (symbol === undefined) {
    if (symbols.length > 1)
      throw new InvalidArgumentError("SYMBOL_REQUIRED", `The ${what} hold ${symbols.join(", ")}: pass { symbol } to pick one.`);
    return columns;
  }
  const wanted = symbol.toUpperCase();
  return selectRows(columns, (i) => columns.symbol[i] === wanted);
}

/**
 * The candles of one symbol and interval: the last update per open time, oldest first.
 * @example latestCandles(klineColumns(sample.messages)).close
 */
export function latestCandles(klines: KlineColumns, options: { symbol?: string } = {}): KlineCandles {
  const k = oneSymbol(klines, options.symbol, "klines");
  const intervals = [...new Set(k.interval)];
  if (intervals.length > 1)
    throw new InvalidArgumentError(
      "INVALID_INTERVAL",
      `The klines mix the intervals ${intervals.join(", ")}: pass the messages of one stream.`,
    );
  const rowsByOpen = new Map<number, number[]>();
  for (let i = 0; i < k.length; i++) {
    const rows = rowsByOpen.get(k.openTime[i]) ?? [];
    rows.push(i);
    rowsByOpen.set(k.openTime[i], rows);
  }
  const opens = [...rowsByOpen.keys()].sort((a, b) => a - b);
  const first = Uint32Array.from(opens, (open) => rowsByOpen.get(open)![0]);
  const last = Uint32Array.from(opens, (open) => {
    const rows = rowsByOpen.get(open)!;
    return rows[rows.length - 1];
  });
  const pick = (column: Float64Array) => Float64Array.from(last, (row) => column[row]);
  return {
    length: opens.length,
    symbol: k.symbol[0] ?? "",
    interval: intervals[0] ?? "",
    openTime: Float64Array.from(opens),
    closeTime: pick(k.closeTime),
    open: pick(k.open),
    high: pick(k.high),
    low: pick(k.low),
    close: pick(k.close),
    baseVolume: pick(k.baseVolume),
    quoteVolume: pick(k.quoteVolume),
    takerBuyBaseVolume: pick(k.takerBuyBaseVolume),
    tradeCount: pick(k.tradeCount),
    isClosed: Uint8Array.from(last, (row) => k.isClosed[row]),
    updates: Uint32Array.from(opens, (open) => rowsByOpen.get(open)!.length),
    firstRow: first,
    lastRow: last,
  };
}

/** One candle, checked against the trades between its first and last update seen. */
export interface KlineTradeCheckRow {
  readonly openTime: number;
  readonly updates: number;
  /** Trades the kline added between its first and last update (`n` last − `n` first). */
  readonly klineTrades: number;
  /** Trade ids in (`L` first, `L` last] that the trade stream delivered. */
  readonly streamTrades: number;
  /** Base volume the kline added (`v` last − `v` first). */
  readonly klineVolume: number;
  /** Base volume of the trades (or aggregates) wholly inside that id range. */
  readonly streamVolume: number;
  /** Aggregates that straddle an `L` (some of their trades on each side): their volume cannot be split. */
  readonly straddling: number;
  /** Whether trade count and volume agree (volume to 1e-9 relative, when nothing straddles). */
  readonly agrees: boolean;
}

/** Trade-id range [first, last] of row `i` of trade or aggTrade columns. */
function idRange(trades: TradeColumns | AggTradeColumns, i: number): [number, number] {
  return trades.kind === "aggTrade" ? [trades.firstTradeId[i], trades.lastTradeId[i]] : [trades.tradeId[i], trades.tradeId[i]];
}

/**
 * For each candle, what the kline stream added between its first and last update (trades, base
 * volume) against the trades the trade stream delivered with ids in that range.
 * @example compareKlinesWithTrades(klineColumns(messages), aggTradeColumns(messages))
 */
export function compareKlinesWithTrades(
  klines: KlineColumns,
  trades: TradeColumns | AggTradeColumns,
  options: { symbol?: string } = {},
): KlineTradeCheckRow[] {
  const k = oneSymbol(klines, options.symbol, "klines");
  const candles = latestCandles(k);
  const own = oneSymbol(trades, candles.symbol || undefined, "trades");
  return Array.from(candles.openTime, (openTime, c) => {
    const a = candles.firstRow[c];
    const b = candles.lastRow[c];
    const from = k.lastTradeId[a];
    const to = k.lastTradeId[b];
    let streamTrades = 0;
    let streamVolume = 0;
    let straddling = 0;
    for (let i = 0; i < own.length; i++) {
      const [f, l] = idRange(own, i);
      const overlap = Math.min(l, to) - Math.max(f, from + 1) + 1;
      if (overlap <= 0) continue;
      streamTrades += overlap;
      if (f > from && l <= to) streamVolume += own.quantity[i];
      else straddling++;
    }
    const klineTrades = k.tradeCount[b] - k.tradeCount[a];
    const klineVolume = k.baseVolume[b] - k.baseVolume[a];
    const volumeAgrees = straddling > 0 || Math.abs(klineVolume - streamVolume) <= 1e-9 * Math.max(1, Math.abs(klineVolume));
    return {
      openTime,
      updates: candles.updates[c],
      klineTrades,
      streamTrades,
      klineVolume,
      streamVolume,
      straddling,
      agrees: klineTrades === streamTrades && volumeAgrees,
    };
  });
}

/** The length in ms of a kline interval (`1m` … `1w`); `1M` (a calendar month) is refused. */
export function klineIntervalMs(interval: string): number {
  const match = /^(\d+)([mhdw])$/.exec(interval);
  if (!match)
    throw new InvalidArgumentError(
      "INVALID_INTERVAL",
      `Cannot turn the kline interval ${JSON.stringify(interval)} into a fixed length: expected 1m … 1w (1M is a calendar month).`,
    );
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as "m" | "h" | "d" | "w"];
  return Number(match[1]) * unit;
}

/**
 * Bars computed from trades at the klines' interval, for the same symbol: what the trades the
 * capture saw add up to (a candle that began before the capture is only partly there).
 * @example barsLikeKlines(latestCandles(klineColumns(m)), aggTradeColumns(m))
 */
export function barsLikeKlines(candles: KlineCandles, trades: TradeColumns | AggTradeColumns): TradeBars {
  const own = oneSymbol(trades, candles.symbol || undefined, "trades");
  return computeTradeBars(own, klineIntervalMs(candles.interval));
}
