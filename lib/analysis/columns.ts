/**
 * Messages → typed columns, one function per stream type. Every payload is decoded once by the
 * decoders in binance/decode.ts (so a malformed payload throws the same `DecodeError`, with the
 * message's index and stream added to the sentence); numbers land in `Float64Array`s that the
 * other analysis functions read without touching row objects.
 *
 * Messages of other types are skipped, so a whole mixed sample can be passed; a non-empty input
 * with no message of the wanted type throws, naming the types it did hold. Combined array
 * payloads (`!miniTicker@arr`) are expanded. Times are ms since the epoch; `localTimestamp` is
 * `NaN` where the recording has none. Ids are kept in `Float64Array`s (exact up to 2^53).
 */
import { DecodeError, InvalidArgumentError, excerpt } from "../errors";
import {
  decodeAggTrade,
  decodeBookTicker,
  decodeDepthUpdate,
  decodeMiniTicker,
  decodeTicker,
  decodeTrade,
  type AggTrade,
  type BookTicker,
  type DepthUpdate,
  type MiniTicker,
  type Ticker,
  type Trade,
} from "../binance/decode";

/** The least a message needs to be turned into columns: a `StoredMessage` fits. */
export interface MessageLike {
  readonly stream?: string;
  readonly data: unknown;
  readonly localTimestamp?: number | null;
}

/** Columns every message type has. */
export interface MessageColumns {
  /** Number of rows. */
  readonly length: number;
  /** Stream name per row (`""` for decoded records, which carry none). */
  readonly stream: readonly string[];
  readonly symbol: readonly string[];
  /** Binance's `E`, ms. */
  readonly eventTime: Float64Array;
  /** When this machine received the message, ms; `NaN` when unknown. */
  readonly localTimestamp: Float64Array;
}

/** `trade` messages as columns. */
export interface TradeColumns extends MessageColumns {
  readonly kind: "trade";
  readonly tradeTime: Float64Array;
  readonly tradeId: Float64Array;
  readonly price: Float64Array;
  readonly quantity: Float64Array;
  /** 1 when the buyer was the maker (the taker sold), else 0. */
  readonly isBuyerMaker: Uint8Array;
  readonly executionType: readonly string[];
}

/** `aggTrade` messages as columns. */
export interface AggTradeColumns extends MessageColumns {
  readonly kind: "aggTrade";
  readonly tradeTime: Float64Array;
  readonly aggTradeId: Float64Array;
  readonly price: Float64Array;
  readonly quantity: Float64Array;
  readonly firstTradeId: Float64Array;
  readonly lastTradeId: Float64Array;
  /** `l − f + 1`: trades in the aggregate. */
  readonly tradeCount: Float64Array;
  /** 1 when the buyer was the maker (the taker sold), else 0. */
  readonly isBuyerMaker: Uint8Array;
}

/** `24hrTicker` messages as columns. */
export interface TickerColumns extends MessageColumns {
  readonly kind: "ticker";
  readonly priceChange: Float64Array;
  readonly priceChangePercent: Float64Array;
  readonly weightedAveragePrice: Float64Array;
  readonly lastPrice: Float64Array;
  readonly lastQuantity: Float64Array;
  readonly openPrice: Float64Array;
  readonly highPrice: Float64Array;
  readonly lowPrice: Float64Array;
  readonly baseVolume: Float64Array;
  readonly quoteVolume: Float64Array;
  readonly statsOpenTime: Float64Array;
  readonly statsCloseTime: Float64Array;
  readonly firstTradeId: Float64Array;
  readonly lastTradeId: Float64Array;
  readonly tradeCount: Float64Array;
}

/** `24hrMiniTicker` messages as columns. */
export interface MiniTickerColumns extends MessageColumns {
  readonly kind: "miniTicker";
  readonly closePrice: Float64Array;
  readonly openPrice: Float64Array;
  readonly highPrice: Float64Array;
  readonly lowPrice: Float64Array;
  readonly baseVolume: Float64Array;
  readonly quoteVolume: Float64Array;
}

/** `depthUpdate` messages as columns: one row per update, levels counted. */
export interface DepthColumns extends MessageColumns {
  readonly kind: "depth";
  readonly transactionTime: Float64Array;
  /** `U`. */
  readonly firstUpdateId: Float64Array;
  /** `u`. */
  readonly finalUpdateId: Float64Array;
  /** `pu`. */
  readonly previousFinalUpdateId: Float64Array;
  readonly bidLevelCount: Uint32Array;
  readonly askLevelCount: Uint32Array;
  /** Levels with quantity 0 (removals) among the bid levels. */
  readonly bidRemovalCount: Uint32Array;
  readonly askRemovalCount: Uint32Array;
}

/** Every level of every `depthUpdate`: one row per level. */
export interface DepthLevelColumns {
  readonly length: number;
  /** Row of the update in `depthColumns` of the same messages. */
  readonly updateIndex: Uint32Array;
  readonly symbol: readonly string[];
  readonly eventTime: Float64Array;
  /** `u` of the update. */
  readonly finalUpdateId: Float64Array;
  /** 1 for an ask level, 0 for a bid level. */
  readonly isAsk: Uint8Array;
  readonly price: Float64Array;
  /** New absolute quantity; 0 removes the level. */
  readonly quantity: Float64Array;
}

/** `bookTicker` messages as columns. */
export interface BookTickerColumns extends MessageColumns {
  readonly kind: "bookTicker";
  readonly transactionTime: Float64Array;
  /** `u`: the order-book update id this best bid/ask belongs to. */
  readonly updateId: Float64Array;
  readonly bidPrice: Float64Array;
  readonly bidQuantity: Float64Array;
  readonly askPrice: Float64Array;
  readonly askQuantity: Float64Array;
}

interface Collected<T> {
  records: T[];
  streams: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function describeEventTypes(messages: readonly unknown[]): string {
  const seen = new Set<string>();
  for (const message of messages) {
    const data = isObject(message) ? message.data : undefined;
    const first = Array.isArray(data) ? data[0] : data;
    if (isObject(first) && "e" in first) seen.add(String(first.e));
    else if (isObject(message) && "kind" in message) seen.add(`decoded ${String(message.kind)}`);
    else seen.add("unknown");
    if (seen.size > 8) break;
  }
  return [...seen].join(", ");
}

/**
 * Decodes the payloads of one event type (records of the matching `kind` pass through),
 * rethrowing decode errors with the message's position.
 */
function collectRecords<T extends { kind: string }>(
  input: readonly unknown[],
  eventType: string,
  kind: T["kind"],
  decode: (data: unknown, localTimestamp: number | null) => T,
): Collected<T> {
  if (!Array.isArray(input)) {
    throw new InvalidArgumentError("INVALID_MESSAGES", `Expected an array of messages, got ${excerpt(String(input), 80)}.`);
  }
  const records: T[] = [];
  const streams: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const item = input[i] as unknown;
    if (!isObject(item)) continue;
    if ((item as { kind?: unknown }).kind === kind && !("data" in item)) {
      records.push(item as unknown as T);
      streams.push("");
      continue;
    }
    const message = item as unknown as MessageLike;
    const payloads = Array.isArray(message.data) ? (message.data as unknown[]) : [message.data];
    for (const payload of payloads) {
      if (!isObject(payload) || payload.e !== eventType) continue;
      try {
        records.push(decode(payload, typeof message.localTimestamp === "number" ? message.localTimestamp : null));
      } catch (error) {
        if (error instanceof DecodeError) {
          throw new DecodeError(error.code, `Message ${i} (${message.stream ?? "no stream"}): ${error.message}`, error.field, error.text);
        }
        throw error;
      }
      streams.push(typeof message.stream === "string" ? message.stream : "");
    }
  }
  if (records.length === 0 && input.length > 0) {
    throw new InvalidArgumentError(
      "NO_MATCHING_MESSAGES",
      `No ${eventType} messages among the ${input.length} given: they hold ${describeEventTypes(input)}.`,
    );
  }
  return { records, streams };
}

function fillNumbers<T>(records: readonly T[], pick: (record: T) => number): Float64Array {
  const out = new Float64Array(records.length);
  for (let i = 0; i < records.length; i++) out[i] = pick(records[i]);
  return out;
}

function baseColumns<T extends { symbol: string; eventTime: number; localTimestamp: number | null }>(collected: Collected<T>): MessageColumns {
  const { records } = collected;
  return {
    length: records.length,
    stream: collected.streams,
    symbol: records.map((r) => r.symbol),
    eventTime: fillNumbers(records, (r) => r.eventTime),
    localTimestamp: fillNumbers(records, (r) => (r.localTimestamp === null ? NaN : r.localTimestamp)),
  };
}

function flags<T>(records: readonly T[], pick: (record: T) => boolean): Uint8Array {
  const out = new Uint8Array(records.length);
  for (let i = 0; i < records.length; i++) out[i] = pick(records[i]) ? 1 : 0;
  return out;
}

/**
 * `trade` messages (or decoded `Trade` records) → columns.
 * @example const t = tradeColumns(sample.messages); t.price[0] // 83849.7
 */
export function tradeColumns(messages: readonly MessageLike[] | readonly Trade[]): TradeColumns {
  const collected = collectRecords<Trade>(messages, "trade", "trade", decodeTrade);
  const r = collected.records;
  return {
    kind: "trade",
    ...baseColumns(collected),
    tradeTime: fillNumbers(r, (x) => x.tradeTime),
    tradeId: fillNumbers(r, (x) => x.tradeId),
    price: fillNumbers(r, (x) => x.price),
    quantity: fillNumbers(r, (x) => x.quantity),
    isBuyerMaker: flags(r, (x) => x.isBuyerMaker),
    executionType: r.map((x) => x.executionType),
  };
}

/** `aggTrade` messages (or decoded `AggTrade` records) → columns. */
export function aggTradeColumns(messages: readonly MessageLike[] | readonly AggTrade[]): AggTradeColumns {
  const collected = collectRecords<AggTrade>(messages, "aggTrade", "aggTrade", decodeAggTrade);
  const r = collected.records;
  return {
    kind: "aggTrade",
    ...baseColumns(collected),
    tradeTime: fillNumbers(r, (x) => x.tradeTime),
    aggTradeId: fillNumbers(r, (x) => x.aggTradeId),
    price: fillNumbers(r, (x) => x.price),
    quantity: fillNumbers(r, (x) => x.quantity),
    firstTradeId: fillNumbers(r, (x) => x.firstTradeId),
    lastTradeId: fillNumbers(r, (x) => x.lastTradeId),
    tradeCount: fillNumbers(r, (x) => x.tradeCount),
    isBuyerMaker: flags(r, (x) => x.isBuyerMaker),
  };
}

/** `24hrTicker` messages (or decoded `Ticker` records) → columns. */
export function tickerColumns(messages: readonly MessageLike[] | readonly Ticker[]): TickerColumns {
  const collected = collectRecords<Ticker>(messages, "24hrTicker", "ticker", decodeTicker);
  const r = collected.records;
  return {
    kind: "ticker",
    ...baseColumns(collected),
    priceChange: fillNumbers(r, (x) => x.priceChange),
    priceChangePercent: fillNumbers(r, (x) => x.priceChangePercent),
    weightedAveragePrice: fillNumbers(r, (x) => x.weightedAveragePrice),
    lastPrice: fillNumbers(r, (x) => x.lastPrice),
    lastQuantity: fillNumbers(r, (x) => x.lastQuantity),
    openPrice: fillNumbers(r, (x) => x.openPrice),
    highPrice: fillNumbers(r, (x) => x.highPrice),
    lowPrice: fillNumbers(r, (x) => x.lowPrice),
    baseVolume: fillNumbers(r, (x) => x.baseVolume),
    quoteVolume: fillNumbers(r, (x) => x.quoteVolume),
    statsOpenTime: fillNumbers(r, (x) => x.statsOpenTime),
    statsCloseTime: fillNumbers(r, (x) => x.statsCloseTime),
    firstTradeId: fillNumbers(r, (x) => x.firstTradeId),
    lastTradeId: fillNumbers(r, (x) => x.lastTradeId),
    tradeCount: fillNumbers(r, (x) => x.tradeCount),
  };
}

/** `24hrMiniTicker` messages (or decoded records; `!miniTicker@arr` arrays are expanded) → columns. */
export function miniTickerColumns(messages: readonly MessageLike[] | readonly MiniTicker[]): MiniTickerColumns {
  const collected = collectRecords<MiniTicker>(messages, "24hrMiniTicker", "miniTicker", decodeMiniTicker);
  const r = collected.records;
  return {
    kind: "miniTicker",
    ...baseColumns(collected),
    closePrice: fillNumbers(r, (x) => x.closePrice),
    openPrice: fillNumbers(r, (x) => x.openPrice),
    highPrice: fillNumbers(r, (x) => x.highPrice),
    lowPrice: fillNumbers(r, (x) => x.lowPrice),
    baseVolume: fillNumbers(r, (x) => x.baseVolume),
    quoteVolume: fillNumbers(r, (x) => x.quoteVolume),
  };
}

function countRemovals(levels: DepthUpdate["bids"]): number {
  let n = 0;
  for (let i = 0; i < levels.length; i++) if (levels[i][1] === 0) n++;
  return n;
}

/** Decodes `depthUpdate` messages (or passes decoded `DepthUpdate` records through), in order. */
export function decodeDepthMessages(messages: readonly MessageLike[] | readonly DepthUpdate[]): { updates: DepthUpdate[]; streams: string[] } {
  const collected = collectRecords<DepthUpdate>(messages, "depthUpdate", "depth", decodeDepthUpdate);
  return { updates: collected.records, streams: collected.streams };
}

/**
 * `depthUpdate` messages → one row per update with ids and level counts.
 * @example const d = depthColumns(sample.messages); d.bidLevelCount[0] // 4
 */
export function depthColumns(messages: readonly MessageLike[] | readonly DepthUpdate[]): DepthColumns {
  const collected = collectRecords<DepthUpdate>(messages, "depthUpdate", "depth", decodeDepthUpdate);
  const r = collected.records;
  const n = r.length;
  const bidLevelCount = new Uint32Array(n);
  const askLevelCount = new Uint32Array(n);
  const bidRemovalCount = new Uint32Array(n);
  const askRemovalCount = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    bidLevelCount[i] = r[i].bids.length;
    askLevelCount[i] = r[i].asks.length;
    bidRemovalCount[i] = countRemovals(r[i].bids);
    askRemovalCount[i] = countRemovals(r[i].asks);
  }
  return {
    kind: "depth",
    ...baseColumns(collected),
    transactionTime: fillNumbers(r, (x) => x.transactionTime),
    firstUpdateId: fillNumbers(r, (x) => x.firstUpdateId),
    finalUpdateId: fillNumbers(r, (x) => x.finalUpdateId),
    previousFinalUpdateId: fillNumbers(r, (x) => x.previousFinalUpdateId),
    bidLevelCount,
    askLevelCount,
    bidRemovalCount,
    askRemovalCount,
  };
}

/** `depthUpdate` messages → one row per price level (bids first, then asks, per update). */
export function depthLevelColumns(messages: readonly MessageLike[] | readonly DepthUpdate[]): DepthLevelColumns {
  const { updates } = decodeDepthMessages(messages);
  let total = 0;
  for (const update of updates) total += update.bids.length + update.asks.length;
  const updateIndex = new Uint32Array(total);
  const eventTime = new Float64Array(total);
  const finalUpdateId = new Float64Array(total);
  const isAsk = new Uint8Array(total);
  const price = new Float64Array(total);
  const quantity = new Float64Array(total);
  const symbol: string[] = new Array(total);
  let k = 0;
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i];
    for (let side = 0; side < 2; side++) {
      const levels = side === 0 ? update.bids : update.asks;
      for (let j = 0; j < levels.length; j++, k++) {
        updateIndex[k] = i;
        eventTime[k] = update.eventTime;
        finalUpdateId[k] = update.finalUpdateId;
        isAsk[k] = side;
        price[k] = levels[j][0];
        quantity[k] = levels[j][1];
        symbol[k] = update.symbol;
      }
    }
  }
  return { length: total, updateIndex, symbol, eventTime, finalUpdateId, isAsk, price, quantity };
}

/** `bookTicker` messages → columns (best bid/ask price and quantity per update id). */
export function bookTickerColumns(messages: readonly MessageLike[] | readonly BookTicker[]): BookTickerColumns {
  const collected = collectRecords<BookTicker>(messages, "bookTicker", "bookTicker", decodeBookTicker);
  const r = collected.records;
  return {
    kind: "bookTicker",
    ...baseColumns(collected),
    transactionTime: fillNumbers(r, (x) => x.transactionTime),
    updateId: fillNumbers(r, (x) => x.updateId),
    bidPrice: fillNumbers(r, (x) => x.bidPrice),
    bidQuantity: fillNumbers(r, (x) => x.bidQuantity),
    askPrice: fillNumbers(r, (x) => x.askPrice),
    askQuantity: fillNumbers(r, (x) => x.askQuantity),
  };
}

/**
 * Keeps the rows where `keep(i)` is true, for any columns object (typed arrays and string arrays
 * are filtered, `length` updated, other fields copied).
 * @example selectRows(trades, (i) => trades.symbol[i] === "BTCUSDT")
 */
export function selectRows<C extends { readonly length: number }>(columns: C, keep: (index: number) => boolean): C {
  const indices: number[] = [];
  for (let i = 0; i < columns.length; i++) if (keep(i)) indices.push(i);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(columns as object) as Array<[string, unknown]>) {
    if (key === "length") continue;
    if (ArrayBuffer.isView(value) && !((value as object) instanceof DataView)) {
      const source = value as unknown as Float64Array;
      const target = new (source.constructor as Float64ArrayConstructor)(indices.length);
      for (let j = 0; j < indices.length; j++) target[j] = source[indices[j]];
      out[key] = target;
    } else if (Array.isArray(value) && value.length === columns.length) {
      out[key] = indices.map((j) => value[j]);
    } else {
      out[key] = value;
    }
  }
  out.length = indices.length;
  return out as unknown as C;
}
