/**
 * Words for Binance's single-letter fields, per event type, so a notebook can show every field
 * of a message with its name and meaning.
 */

/** A field's readable name (as in decode.ts) and what it means. */
export interface FieldDescription {
  readonly name: string;
  readonly meaning: string;
}

const COMMON: Record<string, FieldDescription> = {
  e: { name: "eventType", meaning: "event type" },
  E: { name: "eventTime", meaning: "event time (ms since epoch, Binance's clock)" },
  s: { name: "symbol", meaning: "symbol" },
};

/** Field descriptions per event type (`e`). */
export const FIELD_DESCRIPTIONS: Readonly<Record<string, Readonly<Record<string, FieldDescription>>>> = {
  "24hrTicker": {
    ...COMMON,
    p: { name: "priceChange", meaning: "price change over the 24 h window" },
    P: { name: "priceChangePercent", meaning: "price change, percent" },
    w: { name: "weightedAveragePrice", meaning: "volume-weighted average price over 24 h" },
    c: { name: "lastPrice", meaning: "last traded price" },
    Q: { name: "lastQuantity", meaning: "quantity of the last trade" },
    o: { name: "openPrice", meaning: "price 24 h ago (window open)" },
    h: { name: "highPrice", meaning: "highest price in the window" },
    l: { name: "lowPrice", meaning: "lowest price in the window" },
    v: { name: "baseVolume", meaning: "traded volume, base asset" },
    q: { name: "quoteVolume", meaning: "traded volume, quote asset" },
    O: { name: "statsOpenTime", meaning: "window open time (ms)" },
    C: { name: "statsCloseTime", meaning: "window close time (ms)" },
    F: { name: "firstTradeId", meaning: "first trade id in the window" },
    L: { name: "lastTradeId", meaning: "last trade id in the window" },
    n: { name: "tradeCount", meaning: "number of trades in the window" },
  },
  "24hrMiniTicker": {
    ...COMMON,
    c: { name: "closePrice", meaning: "last traded price" },
    o: { name: "openPrice", meaning: "price 24 h ago (window open)" },
    h: { name: "highPrice", meaning: "highest price in the window" },
    l: { name: "lowPrice", meaning: "lowest price in the window" },
    v: { name: "baseVolume", meaning: "traded volume, base asset" },
    q: { name: "quoteVolume", meaning: "traded volume, quote asset" },
  },
  trade: {
    ...COMMON,
    T: { name: "tradeTime", meaning: "trade time (ms)" },
    t: { name: "tradeId", meaning: "trade id (consecutive per symbol)" },
    p: { name: "price", meaning: "price" },
    q: { name: "quantity", meaning: "quantity, base asset" },
    X: { name: "executionType", meaning: "MARKET, or INSURANCE_FUND / ADL / NA" },
    m: { name: "isBuyerMaker", meaning: "buyer was the maker: true means the taker SOLD" },
  },
  aggTrade: {
    ...COMMON,
    a: { name: "aggTradeId", meaning: "aggregate trade id (consecutive per symbol)" },
    p: { name: "price", meaning: "price" },
    q: { name: "quantity", meaning: "quantity, base asset (all trades in the aggregate)" },
    f: { name: "firstTradeId", meaning: "first trade id in the aggregate" },
    l: { name: "lastTradeId", meaning: "last trade id in the aggregate" },
    T: { name: "tradeTime", meaning: "trade time (ms)" },
    m: { name: "isBuyerMaker", meaning: "buyer was the maker: true means the taker SOLD" },
  },
  depthUpdate: {
    ...COMMON,
    T: { name: "transactionTime", meaning: "matching-engine time (ms)" },
    U: { name: "firstUpdateId", meaning: "first update id in this event" },
    u: { name: "finalUpdateId", meaning: "final update id in this event" },
    pu: { name: "previousFinalUpdateId", meaning: "previous event's u: the chain to check" },
    b: { name: "bids", meaning: "bid levels [price, new absolute quantity]; 0 removes" },
    a: { name: "asks", meaning: "ask levels [price, new absolute quantity]; 0 removes" },
  },
  bookTicker: {
    ...COMMON,
    u: { name: "updateId", meaning: "order-book update id" },
    T: { name: "transactionTime", meaning: "matching-engine time (ms)" },
    b: { name: "bidPrice", meaning: "best bid price" },
    B: { name: "bidQuantity", meaning: "best bid quantity" },
    a: { name: "askPrice", meaning: "best ask price" },
    A: { name: "askQuantity", meaning: "best ask quantity" },
  },
  markPriceUpdate: {
    ...COMMON,
    p: { name: "markPrice", meaning: "mark price" },
    i: { name: "indexPrice", meaning: "index price" },
    P: { name: "estimatedSettlePrice", meaning: "estimated settle price" },
    r: { name: "fundingRate", meaning: "funding rate" },
    T: { name: "nextFundingTime", meaning: "next funding time (ms)" },
  },
};

/** One row of `describeFields`. */
export interface FieldRow {
  readonly field: string;
  readonly name: string;
  readonly meaning: string;
  readonly value: unknown;
}

/**
 * Every field of a payload with its name and meaning, in the payload's order.
 * @example showTable(describeFields(sample.messages[0].data))
 */
export function describeFields(data: unknown): FieldRow[] {
  if (typeof data !== "object" || data === null) return [];
  const payload = data as Record<string, unknown>;
  const words = FIELD_DESCRIPTIONS[String(payload.e)] ?? COMMON;
  return Object.entries(payload).map(([field, value]) => ({
    field,
    name: words[field]?.name ?? "(not documented)",
    meaning: words[field]?.meaning ?? "",
    value: Array.isArray(value) ? `${value.length} levels` : value,
  }));
}
