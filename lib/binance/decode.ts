/**
 * Decoders: wire payloads (raw.ts) → readable records with numbers parsed. Each record keeps
 * both clocks: `eventTime` (Binance's `E`) and `localTimestamp` (when this machine received it;
 * `null` for messages recorded without one, such as the seed samples).
 *
 * A malformed payload throws `DecodeError` with a stable `code`, the `field` and the offending
 * `text`; nothing is guessed or defaulted.
 */
import { DecodeError, excerpt, type DecodeCode } from "../errors";
import { STREAM_FAMILIES } from "./endpoints";
import type { RawAggTrade, RawBookTicker, RawDepthUpdate, RawKline, RawLevel, RawMarkPrice, RawMiniTicker, RawTicker, RawTrade } from "./raw";

/** Which side the taker (the aggressor) was on. */
export type TakerSide = "buy" | "sell";

/** A decoded `24hrTicker`. */
export interface Ticker {
  readonly kind: "ticker";
  readonly eventTime: number;
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly priceChange: number;
  readonly priceChangePercent: number;
  readonly weightedAveragePrice: number;
  readonly lastPrice: number;
  readonly lastQuantity: number;
  readonly openPrice: number;
  readonly highPrice: number;
  readonly lowPrice: number;
  readonly baseVolume: number;
  readonly quoteVolume: number;
  readonly statsOpenTime: number;
  readonly statsCloseTime: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  readonly tradeCount: number;
}

/** A decoded `24hrMiniTicker`. */
export interface MiniTicker {
  readonly kind: "miniTicker";
  readonly eventTime: number;
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly closePrice: number;
  readonly openPrice: number;
  readonly highPrice: number;
  readonly lowPrice: number;
  readonly baseVolume: number;
  readonly quoteVolume: number;
}

/** A decoded `trade`. */
export interface Trade {
  readonly kind: "trade";
  readonly eventTime: number;
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly tradeId: number;
  readonly tradeTime: number;
  readonly price: number;
  readonly quantity: number;
  /** `X`: "MARKET", "INSURANCE_FUND", "ADL" or "NA". */
  readonly executionType: string;
  /** `m`: the buyer was the maker, so the taker sold. */
  readonly isBuyerMaker: boolean;
  /** The taker's side: `"sell"` when `isBuyerMaker`, else `"buy"`. */
  readonly side: TakerSide;
}

/** A decoded `aggTrade`. */
export interface AggTrade {
  readonly kind: "aggTrade";
  readonly eventTime: number;
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly aggTradeId: number;
  readonly price: number;
  readonly quantity: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  /** `l − f + 1`: how many trades were aggregated. */
  readonly tradeCount: number;
  readonly tradeTime: number;
  readonly isBuyerMaker: boolean;
  readonly side: TakerSide;
}

/** A price level with numbers: `[price, quantity]`, quantity 0 removes the level. */
export type Level = [price: number, quantity: number];

/** A decoded `depthUpdate`. */
export interface DepthUpdate {
  readonly kind: "depth";
  readonly eventTime: number;
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly transactionTime: number;
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  readonly previousFinalUpdateId: number;
  readonly bids: Level[];
  readonly asks: Level[];
}

/** A decoded `bookTicker`. */
export interface BookTicker {
  readonly kind: "bookTicker";
  readonly eventTime: number;
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly updateId: number;
  readonly transactionTime: number;
  readonly bidPrice: number;
  readonly bidQuantity: number;
  readonly askPrice: number;
  readonly askQuantity: number;
}

/** A decoded `markPriceUpdate`. */
export interface MarkPrice {
  readonly kind: "markPrice";
  readonly eventTime: number;
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly markPrice: number;
  readonly indexPrice: number;
  readonly estimatedSettlePrice: number;
  readonly fundingRate: number;
  readonly nextFundingTime: number;
}

/** A decoded `kline`. */
export interface Kline {
  readonly kind: "kline";
  readonly eventTime: number;
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly interval: string;
  readonly openTime: number;
  readonly closeTime: number;
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  readonly open: number;
  readonly close: number;
  readonly high: number;
  readonly low: number;
  readonly baseVolume: number;
  readonly quoteVolume: number;
  readonly takerBuyBaseVolume: number;
  readonly takerBuyQuoteVolume: number;
  readonly tradeCount: number;
  readonly isClosed: boolean;
}

/** Any decoded record. */
export type MarketRecord = Ticker | MiniTicker | Trade | AggTrade | DepthUpdate | BookTicker | MarkPrice | Kline;

function fail(code: DecodeCode, field: string, value: unknown, expected: string, eventType: string): never {
  const text = excerpt(typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value));
  const where = field ? `field "${field}" of ${eventType}` : eventType;
  throw new DecodeError(code, `Malformed ${where}: got ${text}, expected ${expected}.`, field, text);
}

function asObject(data: unknown, eventType: string): Record<string, unknown> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) fail("NOT_AN_OBJECT", "", data, "a JSON object", eventType);
  const record = data as Record<string, unknown>;
  if (record.e !== eventType) fail("WRONG_EVENT_TYPE", "e", record.e, `"${eventType}"`, eventType);
  return record;
}

const DECIMAL = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

function decimal(record: Record<string, unknown>, field: string, eventType: string): number {
  return parseDecimal(record[field], field, eventType);
}

function parseDecimal(value: unknown, field: string, eventType: string): number {
  if (typeof value !== "string" || !DECIMAL.test(value)) fail("INVALID_DECIMAL", field, value, "a decimal string such as \"83849.70\"", eventType);
  return Number(value);
}

function integer(record: Record<string, unknown>, field: string, eventType: string): number {
  const value = record[field];
  if (typeof value !== "number" || !Number.isSafeInteger(value)) fail("INVALID_INTEGER", field, value, "an integer", eventType);
  return value;
}

function text(record: Record<string, unknown>, field: string, eventType: string): string {
  const value = record[field];
  if (typeof value !== "string" || value.length === 0) fail("INVALID_STRING", field, value, "a non-empty string", eventType);
  return value;
}

function bool(record: Record<string, unknown>, field: string, eventType: string): boolean {
  const value = record[field];
  if (typeof value !== "boolean") fail("INVALID_BOOLEAN", field, value, "true or false", eventType);
  return value;
}

function levels(record: Record<string, unknown>, field: string, eventType: string): Level[] {
  const value = record[field];
  if (!Array.isArray(value)) fail("INVALID_LEVELS", field, value, "an array of [price, quantity] pairs", eventType);
  const result: Level[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const level = value[i] as unknown;
    if (!Array.isArray(level) || level.length !== 2) fail("INVALID_LEVELS", `${field}[${i}]`, level, "a [price, quantity] pair", eventType);
    result[i] = [parseDecimal(level[0], `${field}[${i}][0]`, eventType), parseDecimal(level[1], `${field}[${i}][1]`, eventType)];
  }
  return result;
}

/** Decodes a `24hrTicker` payload. */
export function decodeTicker(data: RawTicker | unknown, localTimestamp: number | null = null): Ticker {
  const E = "24hrTicker";
  const r = asObject(data, E);
  return {
    kind: "ticker",
    eventTime: integer(r, "E", E),
    localTimestamp,
    symbol: text(r, "s", E),
    priceChange: decimal(r, "p", E),
    priceChangePercent: decimal(r, "P", E),
    weightedAveragePrice: decimal(r, "w", E),
    lastPrice: decimal(r, "c", E),
    lastQuantity: decimal(r, "Q", E),
    openPrice: decimal(r, "o", E),
    highPrice: decimal(r, "h", E),
    lowPrice: decimal(r, "l", E),
    baseVolume: decimal(r, "v", E),
    quoteVolume: decimal(r, "q", E),
    statsOpenTime: integer(r, "O", E),
    statsCloseTime: integer(r, "C", E),
    firstTradeId: integer(r, "F", E),
    lastTradeId: integer(r, "L", E),
    tradeCount: integer(r, "n", E),
  };
}

/** Decodes a `24hrMiniTicker` payload. */
export function decodeMiniTicker(data: RawMiniTicker | unknown, localTimestamp: number | null = null): MiniTicker {
  const E = "24hrMiniTicker";
  const r = asObject(data, E);
  return {
    kind: "miniTicker",
    eventTime: integer(r, "E", E),
    localTimestamp,
    symbol: text(r, "s", E),
    closePrice: decimal(r, "c", E),
    openPrice: decimal(r, "o", E),
    highPrice: decimal(r, "h", E),
    lowPrice: decimal(r, "l", E),
    baseVolume: decimal(r, "v", E),
    quoteVolume: decimal(r, "q", E),
  };
}

/**
 * Decodes a `trade` payload.
 * @example decodeTrade(msg.data).side // "sell" when m is true (the buyer was the maker)
 */
export function decodeTrade(data: RawTrade | unknown, localTimestamp: number | null = null): Trade {
  const E = "trade";
  const r = asObject(data, E);
  const isBuyerMaker = bool(r, "m", E);
  return {
    kind: "trade",
    eventTime: integer(r, "E", E),
    localTimestamp,
    symbol: text(r, "s", E),
    tradeId: integer(r, "t", E),
    tradeTime: integer(r, "T", E),
    price: decimal(r, "p", E),
    quantity: decimal(r, "q", E),
    executionType: text(r, "X", E),
    isBuyerMaker,
    side: isBuyerMaker ? "sell" : "buy",
  };
}

/** Decodes an `aggTrade` payload. */
export function decodeAggTrade(data: RawAggTrade | unknown, localTimestamp: number | null = null): AggTrade {
  const E = "aggTrade";
  const r = asObject(data, E);
  const isBuyerMaker = bool(r, "m", E);
  const firstTradeId = integer(r, "f", E);
  const lastTradeId = integer(r, "l", E);
  if (lastTradeId < firstTradeId) fail("INVALID_RANGE", "l", r.l, `a last trade id ≥ the first (${firstTradeId})`, E);
  return {
    kind: "aggTrade",
    eventTime: integer(r, "E", E),
    localTimestamp,
    symbol: text(r, "s", E),
    aggTradeId: integer(r, "a", E),
    price: decimal(r, "p", E),
    quantity: decimal(r, "q", E),
    firstTradeId,
    lastTradeId,
    tradeCount: lastTradeId - firstTradeId + 1,
    tradeTime: integer(r, "T", E),
    isBuyerMaker,
    side: isBuyerMaker ? "sell" : "buy",
  };
}

/** Decodes a `depthUpdate` payload (diff or partial depth). */
export function decodeDepthUpdate(data: RawDepthUpdate | unknown, localTimestamp: number | null = null): DepthUpdate {
  const E = "depthUpdate";
  const r = asObject(data, E);
  return {
    kind: "depth",
    eventTime: integer(r, "E", E),
    localTimestamp,
    symbol: text(r, "s", E),
    transactionTime: integer(r, "T", E),
    firstUpdateId: integer(r, "U", E),
    finalUpdateId: integer(r, "u", E),
    previousFinalUpdateId: integer(r, "pu", E),
    bids: levels(r, "b", E),
    asks: levels(r, "a", E),
  };
}

/** Decodes a `bookTicker` payload. */
export function decodeBookTicker(data: RawBookTicker | unknown, localTimestamp: number | null = null): BookTicker {
  const E = "bookTicker";
  const r = asObject(data, E);
  return {
    kind: "bookTicker",
    eventTime: integer(r, "E", E),
    localTimestamp,
    symbol: text(r, "s", E),
    updateId: integer(r, "u", E),
    transactionTime: integer(r, "T", E),
    bidPrice: decimal(r, "b", E),
    bidQuantity: decimal(r, "B", E),
    askPrice: decimal(r, "a", E),
    askQuantity: decimal(r, "A", E),
  };
}

/** Decodes a `markPriceUpdate` payload. */
export function decodeMarkPrice(data: RawMarkPrice | unknown, localTimestamp: number | null = null): MarkPrice {
  const E = "markPriceUpdate";
  const r = asObject(data, E);
  return {
    kind: "markPrice",
    eventTime: integer(r, "E", E),
    localTimestamp,
    symbol: text(r, "s", E),
    markPrice: decimal(r, "p", E),
    indexPrice: decimal(r, "i", E),
    estimatedSettlePrice: decimal(r, "P", E),
    fundingRate: decimal(r, "r", E),
    nextFundingTime: integer(r, "T", E),
  };
}

/** Decodes a `kline` payload. */
export function decodeKline(data: RawKline | unknown, localTimestamp: number | null = null): Kline {
  const E = "kline";
  const r = asObject(data, E);
  if (typeof r.k !== "object" || r.k === null || Array.isArray(r.k)) fail("NOT_AN_OBJECT", "k", r.k, "a kline object", E);
  const k = r.k as Record<string, unknown>;
  return {
    kind: "kline",
    eventTime: integer(r, "E", E),
    localTimestamp,
    symbol: text(r, "s", E),
    interval: text(k, "i", E),
    openTime: integer(k, "t", E),
    closeTime: integer(k, "T", E),
    firstTradeId: integer(k, "f", E),
    lastTradeId: integer(k, "L", E),
    open: decimal(k, "o", E),
    close: decimal(k, "c", E),
    high: decimal(k, "h", E),
    low: decimal(k, "l", E),
    baseVolume: decimal(k, "v", E),
    quoteVolume: decimal(k, "q", E),
    takerBuyBaseVolume: decimal(k, "V", E),
    takerBuyQuoteVolume: decimal(k, "Q", E),
    tradeCount: integer(k, "n", E),
    isClosed: bool(k, "x", E),
  };
}

/** Parses the levels of a REST depth snapshot (`bids` or `asks`). */
export function decodeLevels(raw: readonly RawLevel[] | unknown, field = "bids"): Level[] {
  return levels({ [field]: raw }, field, "depth snapshot");
}

type Decoder = (data: unknown, localTimestamp: number | null) => MarketRecord;

/** One decoder per stream type; the key is the family's `type` in endpoints.ts. */
export const DECODERS: Readonly<Record<string, Decoder>> = {
  ticker: decodeTicker,
  trade: decodeTrade,
  miniTicker: decodeMiniTicker,
  depth: decodeDepthUpdate,
  aggTrade: decodeAggTrade,
  bookTicker: decodeBookTicker,
  markPrice: decodeMarkPrice,
  kline: decodeKline,
};

const DECODERS_BY_EVENT: Readonly<Record<string, Decoder>> = Object.fromEntries(
  STREAM_FAMILIES.map((family) => [family.eventType, DECODERS[family.type]]),
);

/**
 * Decodes any supported payload by its `e` field.
 * @example decodeMessage(sample.messages[0]) // → Trade | Ticker | ...
 */
export function decodeMessage(message: { data: unknown; localTimestamp?: number | null }): MarketRecord {
  const data = message.data as { e?: unknown } | null;
  const eventType = typeof data === "object" && data !== null ? data.e : undefined;
  const decoder = typeof eventType === "string" ? DECODERS_BY_EVENT[eventType] : undefined;
  if (!decoder) {
    fail("UNKNOWN_EVENT_TYPE", "e", eventType, `one of ${Object.keys(DECODERS_BY_EVENT).join(", ")}`, "payload");
  }
  return decoder(data, message.localTimestamp ?? null);
}
