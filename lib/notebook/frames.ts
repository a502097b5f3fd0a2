/**
 * Records → danfojs-node DataFrames. An event type's frame takes its column order from its
 * schema (`frame` in binance/schema): a readable `time` (ISO 8601, UTC, from `E`) first, the ms
 * clocks kept as numbers, then the type's fields, plus the computed `notional`, `side` and
 * `spread` where the schema names them. Frames are built from the typed columns of
 * analysis/columns.ts in one step; no groupby or row loops happen in danfojs (it is slow, see
 * docs/architecture.md). This is the only analysis-side module that imports danfojs-node, and it
 * loads it on the first frame built, not on import (danfojs takes seconds to load; docs/performance.md).
 */
import type * as dfd from "danfojs-node";
import { columnsFor, depthLevelColumns, type ColumnsOf, type DepthLevelColumns, type MessageLike } from "../analysis/columns";
import {
  AGG_TRADE_SCHEMA,
  ASSET_INDEX_SCHEMA,
  BOOK_TICKER_SCHEMA,
  COMPOSITE_INDEX_SCHEMA,
  CONTINUOUS_KLINE_SCHEMA,
  CONTRACT_INFO_SCHEMA,
  DEPTH_UPDATE_SCHEMA,
  FORCE_ORDER_SCHEMA,
  KLINE_SCHEMA,
  MARK_PRICE_SCHEMA,
  MINI_TICKER_SCHEMA,
  PARTIAL_DEPTH_SCHEMA,
  TICKER_SCHEMA,
  TRADE_SCHEMA,
  type EventSchema,
} from "../binance/schema";
import type { BestBidAskColumns, BookRebuild } from "../analysis/depth";
import type { BuySellVolume, TradeBars } from "../analysis/trade-stats";
import { InvalidArgumentError } from "../errors";
import { takerSideOf } from "../binance/taker-side";

let danfo: typeof dfd | null = null;

/** danfojs-node, loaded on first use. */
function loadDanfo(): typeof dfd {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (danfo === null) danfo = require("danfojs-node") as typeof dfd;
  return danfo;
}

/** A column for `buildFrame`: a typed array or a plain array of the same length as the others. */
export type FrameColumn = ArrayLike<number> | readonly (string | number | boolean | null)[];

/**
 * Builds a DataFrame from named columns, in the given order (default: the object's key order).
 * Typed arrays become plain number arrays; an empty input gives an empty frame that still has
 * its columns.
 * @example buildFrame({ price: bars.close, volume: bars.volume })
 */
export function buildFrame(columns: Readonly<Record<string, FrameColumn>>, order: readonly string[] = Object.keys(columns)): dfd.DataFrame {
  let length = -1;
  const data: Record<string, unknown[]> = {};
  for (const name of order) {
    const column = columns[name];
    if (column === undefined) {
      throw new InvalidArgumentError(
        "UNKNOWN_COLUMN",
        `Unknown column ${JSON.stringify(name)}: expected one of ${Object.keys(columns).join(", ")}.`,
      );
    }
    if (length >= 0 && column.length !== length) {
      throw new InvalidArgumentError(
        "COLUMN_LENGTH_MISMATCH",
        `Column ${JSON.stringify(name)} has ${column.length} values, the others ${length}.`,
      );
    }
    length = column.length;
    data[name] = Array.isArray(column) ? (column as unknown[]) : Array.from(column as ArrayLike<number>);
  }
  const { DataFrame } = loadDanfo();
  if (length <= 0) return new DataFrame([], { columns: [...order] });
  return new DataFrame(data);
}

/** ISO 8601 UTC strings for ms times (`""` for NaN). */
export function formatIsoTimes(times: ArrayLike<number>): string[] {
  const out: string[] = new Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    out[i] = Number.isFinite(t) ? new Date(t).toISOString() : "";
  }
  return out;
}

function sideNames(isBuyerMaker: Uint8Array): string[] {
  const out: string[] = new Array(isBuyerMaker.length);
  for (let i = 0; i < isBuyerMaker.length; i++) out[i] = takerSideOf(isBuyerMaker[i]);
  return out;
}

function booleans(flags: Uint8Array): boolean[] {
  const out: boolean[] = new Array(flags.length);
  for (let i = 0; i < flags.length; i++) out[i] = flags[i] === 1;
  return out;
}

function combine(a: Float64Array, b: Float64Array, op: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = op(a[i], b[i]);
  return out;
}

/** A frame column computed from typed columns (a schema's `frame` may name it). */
export interface ComputedFrameColumn {
  /** The typed columns it reads. */
  readonly from: readonly string[];
  readonly meaning: string;
  readonly compute: (columns: object) => FrameColumn;
}

function read<T>(columns: object, name: string): T {
  return (columns as Readonly<Record<string, T>>)[name];
}

/** Frame columns computed from typed columns: `time`, `notional`, `side`, `spread`. */
export const COMPUTED_FRAME_COLUMNS: Readonly<Record<string, ComputedFrameColumn>> = {
  time: { from: ["eventTime"], meaning: "event time as ISO 8601, UTC", compute: (c) => formatIsoTimes(read(c, "eventTime")) },
  notional: {
    from: ["price", "quantity"],
    meaning: "price × quantity, quote asset",
    compute: (c) => combine(read(c, "price"), read(c, "quantity"), (p, q) => p * q),
  },
  side: {
    from: ["isBuyerMaker"],
    meaning: 'the taker\'s side: "sell" when the buyer was the maker',
    compute: (c) => sideNames(read(c, "isBuyerMaker")),
  },
  spread: {
    from: ["askPrice", "bidPrice"],
    meaning: "best ask − best bid",
    compute: (c) => combine(read(c, "askPrice"), read(c, "bidPrice"), (a, b) => a - b),
  },
};

/** Named columns of a result object, in order: arrays as they are, 0/1 flags as booleans where `flagNames` says. */
function pick<T extends object>(
  source: T,
  names: readonly (keyof T & string)[],
  flagNames: ReadonlySet<string> = new Set(),
): Record<string, FrameColumn> {
  const out: Record<string, FrameColumn> = {};
  for (const name of names) {
    const column = read<unknown>(source, name);
    if (column === undefined)
      throw new InvalidArgumentError(
        "UNKNOWN_COLUMN",
        `Unknown column ${JSON.stringify(name)}: expected one of ${Object.keys(source).join(", ")}.`,
      );
    out[name] = flagNames.has(name) ? booleans(column as Uint8Array) : (column as FrameColumn);
  }
  return out;
}

/** A frame builder: messages, or the typed columns already built from them → DataFrame. */
export type FrameBuilder<C> = (input: readonly MessageLike[] | C) => dfd.DataFrame;

/** The frame builder of an event schema: one row per message, columns in the schema's `frame` order. */
export function frameFor<S extends EventSchema>(schema: S): FrameBuilder<ColumnsOf<S>> {
  const toColumns = columnsFor(schema);
  const flagNames = new Set(schema.fields.filter((field) => field.kind === "boolean").map((field) => field.name));
  const stored = schema.frame.filter((name) => !(name in COMPUTED_FRAME_COLUMNS));
  return (input) => {
    const isColumns =
      typeof input === "object" && input !== null && !Array.isArray(input) && (input as { kind?: unknown }).kind === schema.kind;
    const c: object = isColumns ? input : toColumns(input as readonly MessageLike[]);
    const columns = pick(c as Record<string, unknown>, stored, flagNames);
    for (const name of schema.frame) if (name in COMPUTED_FRAME_COLUMNS) columns[name] = COMPUTED_FRAME_COLUMNS[name].compute(c);
    return buildFrame(columns, schema.frame);
  };
}

/**
 * One row per message of an event type, in its schema's column order.
 * @example eventFrame(MARK_PRICE_SCHEMA, sample.messages).head(5)
 */
export function eventFrame<S extends EventSchema>(schema: S, input: readonly MessageLike[] | ColumnsOf<S>): dfd.DataFrame {
  return frameFor(schema)(input);
}

/**
 * One row per trade: time, eventTime, tradeTime, symbol, tradeId, price, quantity, notional
 * (price × quantity), side (the taker's: `m: true` → "sell"), isBuyerMaker, executionType,
 * localTimestamp (NaN when unknown).
 * @example tradesFrame(sample.messages).head(5)
 */
export const tradesFrame = frameFor(TRADE_SCHEMA);
/** One row per aggregate trade, like `tradesFrame` plus firstTradeId, lastTradeId, tradeCount. */
export const aggTradesFrame = frameFor(AGG_TRADE_SCHEMA);
/** One row per 24h ticker: last price and quantity first, then change, average, open/high/low, volumes, window and trade ids. */
export const tickersFrame = frameFor(TICKER_SCHEMA);
/** One row per 24h mini ticker: close (last) price, open/high/low, base and quote volume. */
export const miniTickersFrame = frameFor(MINI_TICKER_SCHEMA);
/** One row per diff-depth update: ids (`U`, `u`, `pu`) and how many bid/ask levels it changed and removed. */
export const depthUpdatesFrame = frameFor(DEPTH_UPDATE_SCHEMA);
/** One row per bookTicker: best bid/ask price and quantity, and the spread (ask − bid). */
export const bookTickersFrame = frameFor(BOOK_TICKER_SCHEMA);
/** One row per mark-price update (per symbol for `!markPrice@arr`): mark, index and settle price, funding rate, next funding time. */
export const markPricesFrame = frameFor(MARK_PRICE_SCHEMA);
/** One row per kline update: interval, open/close time, OHLC, volumes, trade count, closed or not. */
export const klinesFrame = frameFor(KLINE_SCHEMA);
/** One row per partial-depth picture: update id, best bid/ask and spread, level counts. */
export const partialDepthFrame = frameFor(PARTIAL_DEPTH_SCHEMA);
/** One row per continuous-kline update: the pair, its contract type, and the candle. */
export const continuousKlinesFrame = frameFor(CONTINUOUS_KLINE_SCHEMA);
/** One row per liquidation order: side, the position it closed, prices, quantities, filled notional. */
export const forceOrdersFrame = frameFor(FORCE_ORDER_SCHEMA);
/** One row per contract change: pair, contract type and status, onboard and delivery time, bracket count. */
export const contractInfoFrame = frameFor(CONTRACT_INFO_SCHEMA);
/** One row per asset-index update: index price, bid/ask rates and buffers. */
export const assetIndexFrame = frameFor(ASSET_INDEX_SCHEMA);
/** One row per composite-index update: price and the number of components. */
export const compositeIndexFrame = frameFor(COMPOSITE_INDEX_SCHEMA);

/** One row per price level of every depth update: side ("bid"/"ask"), price, new absolute quantity (0 removes). */
export function depthLevelsFrame(messages: readonly MessageLike[] | DepthLevelColumns): dfd.DataFrame {
  const c: DepthLevelColumns = Array.isArray(messages)
    ? depthLevelColumns(messages as readonly MessageLike[])
    : (messages as DepthLevelColumns);
  const side: string[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) side[i] = c.isAsk[i] ? "ask" : "bid";
  const { time } = COMPUTED_FRAME_COLUMNS;
  return buildFrame({
    time: time.compute(c),
    ...pick(c, ["eventTime", "symbol", "updateIndex", "finalUpdateId"]),
    side,
    ...pick(c, ["price", "quantity"]),
  });
}

/** One row per applied depth event of a book rebuild: best bid/ask, spread, and whether the book was partial. */
export function bestBidAskFrame(rebuild: BookRebuild | BestBidAskColumns): dfd.DataFrame {
  const c = "bestBidAsk" in rebuild ? rebuild.bestBidAsk : rebuild;
  const { time, spread } = COMPUTED_FRAME_COLUMNS;
  return buildFrame({
    time: time.compute(c),
    ...pick(c, ["eventTime", "finalUpdateId", "bidPrice", "bidQuantity", "askPrice", "askQuantity"]),
    spread: spread.compute(c),
    ...pick(c, ["isPartial"], new Set(["isPartial"])),
  });
}

/** One row per bar of `computeTradeBars`: time (bar start), OHLC, volumes, trade count, VWAP. */
export function tradeBarsFrame(bars: TradeBars): dfd.DataFrame {
  const names = [
    "openTime",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "quoteVolume",
    "buyVolume",
    "sellVolume",
    "tradeCount",
    "vwap",
  ] as const;
  return buildFrame({ time: formatIsoTimes(bars.openTime), ...pick(bars, names) });
}

/** One row per interval of `computeBuySellVolume`. */
export function buySellVolumeFrame(volume: BuySellVolume): dfd.DataFrame {
  const names = ["buyQuantity", "sellQuantity", "buyNotional", "sellNotional", "tradeCount"] as const;
  return buildFrame({ time: formatIsoTimes(volume.time), intervalStart: volume.time, ...pick(volume, names) });
}
