/**
 * How often each stream family pushes, so that a watchdog can tell a quiet stream from a
 * stalled connection: a quiet `forceOrder` or `!contractInfo` is normal, a quiet `@depth@0ms`,
 * `@bookTicker` or busy `@trade` is not. Update speeds are Binance's, from each stream's page
 * under https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 * (docs/binance.md, "Stream rates"). Keyed by the family's type in routes.ts; a family without a
 * row here gets a rate derived from its `intervalMs` and `mayBeSilent`.
 */
import type { StreamFamily } from "./routes";

/**
 * `fixed`: pushes every `intervalMs` whatever the market does (mark price, tickers);
 * `activity`: pushes when something happens, at most every `intervalMs` (`null`: in real
 * time), so its rate depends on the symbol and the hour; `sparse`: silence is normal
 * (liquidations, contract changes).
 */
export type PushPattern = "fixed" | "activity" | "sparse";

/** What to expect of one stream. */
export interface ExpectedRate {
  readonly pattern: PushPattern;
  /** `fixed`: the push interval; `activity`: the shortest interval between pushes, `null` for real time; `sparse`: `null`. */
  readonly intervalMs: number | null;
  /**
   * `activity`: the interval to expect before anything is measured: short for the book streams,
   * which push many times a second on any listed symbol; longer for trades, which come in bursts
   * and pause for seconds on quiet symbols. Else `null`.
   */
  readonly busyIntervalMs: number | null;
}

/** One row: the rate of the family's default name, and of each suffix that changes it. */
export interface StreamRateRow {
  readonly pattern: PushPattern;
  readonly intervalMs: number | null;
  readonly busyIntervalMs: number | null;
  /** Interval by suffix (e.g. `"@100ms"`), where the suffix sets the speed. */
  readonly bySuffix?: Readonly<Record<string, number | null>>;
}

/** The expected rate of each stream family, by its type. */
export const STREAM_RATES: Readonly<Record<string, StreamRateRow>> = {
  trade: { pattern: "activity", intervalMs: null, busyIntervalMs: 500 },
  aggTrade: { pattern: "activity", intervalMs: 100, busyIntervalMs: 500 },
  depth: { pattern: "activity", intervalMs: 250, busyIntervalMs: 50, bySuffix: { "@100ms": 100, "@500ms": 500, "@0ms": null } },
  bookTicker: { pattern: "activity", intervalMs: null, busyIntervalMs: 20 },
  kline: { pattern: "activity", intervalMs: 250, busyIntervalMs: 250 },
  ticker: { pattern: "fixed", intervalMs: 2000, busyIntervalMs: null },
  miniTicker: { pattern: "fixed", intervalMs: 2000, busyIntervalMs: null },
  markPrice: { pattern: "fixed", intervalMs: 3000, busyIntervalMs: null, bySuffix: { "@1s": 1000 } },
  forceOrder: { pattern: "sparse", intervalMs: null, busyIntervalMs: null },
  // Every other USDⓈ-M market stream (each family's page gives its update speed).
  partialDepth: { pattern: "activity", intervalMs: 250, busyIntervalMs: 250, bySuffix: { "@500ms": 500, "@100ms": 100 } },
  continuousKline: { pattern: "activity", intervalMs: 250, busyIntervalMs: 250 },
  compositeIndex: { pattern: "fixed", intervalMs: 1000, busyIntervalMs: null },
  assetIndex: { pattern: "fixed", intervalMs: 1000, busyIntervalMs: null },
  "!bookTicker": { pattern: "fixed", intervalMs: 5000, busyIntervalMs: null },
  "!markPrice@arr": { pattern: "fixed", intervalMs: 3000, busyIntervalMs: null, bySuffix: { "@1s": 1000 } },
  "!ticker@arr": { pattern: "fixed", intervalMs: 1000, busyIntervalMs: null },
  "!miniTicker@arr": { pattern: "fixed", intervalMs: 1000, busyIntervalMs: null },
  "!assetIndex@arr": { pattern: "fixed", intervalMs: 1000, busyIntervalMs: null },
  "!forceOrder@arr": { pattern: "sparse", intervalMs: null, busyIntervalMs: null },
  "!contractInfo": { pattern: "sparse", intervalMs: null, busyIntervalMs: null },
};

/**
 * The expected rate of a stream of `family` with `suffix` (e.g. `"@0ms"`): its row in
 * `STREAM_RATES`, else `sparse` for a family that may be silent, else `activity` at the
 * family's `intervalMs`.
 * @example expectedRateOf(parseStreamName("btcusdt@depth@0ms").family, "@0ms") // { pattern: "activity", intervalMs: null, busyIntervalMs: 50 }
 */
export function expectedRateOf(family: Pick<StreamFamily, "type" | "intervalMs" | "mayBeSilent">, suffix = ""): ExpectedRate {
  const row = STREAM_RATES[family.type];
  if (!row) {
    if (family.mayBeSilent) return { pattern: "sparse", intervalMs: null, busyIntervalMs: null };
    return { pattern: "activity", intervalMs: family.intervalMs, busyIntervalMs: family.intervalMs };
  }
  const bySuffix = row.bySuffix && suffix in row.bySuffix ? row.bySuffix[suffix] : undefined;
  const intervalMs = bySuffix === undefined ? row.intervalMs : bySuffix;
  if (row.pattern === "fixed") return { pattern: "fixed", intervalMs, busyIntervalMs: null };
  if (row.pattern === "sparse") return { pattern: "sparse", intervalMs: null, busyIntervalMs: null };
  return { pattern: "activity", intervalMs, busyIntervalMs: Math.max(intervalMs ?? 0, row.busyIntervalMs ?? 0) || null };
}
