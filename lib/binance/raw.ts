/**
 * Wire types: payloads exactly as Binance sends them on USDⓈ-M market streams. Prices and
 * quantities are decimal strings, times are milliseconds since the epoch, ids are integers.
 */

/** A price level `[price, quantity]`; quantity is absolute, `"0"` removes the level. */
export type RawLevel = [price: string, quantity: string];

/** `<symbol>@ticker`, every 2000 ms: 24h rolling window statistics. */
export interface RawTicker {
  /** Event type, always `"24hrTicker"`. */
  e: "24hrTicker";
  /** Event time (ms). */
  E: number;
  /** Symbol, upper-case. */
  s: string;
  /** Price change over the window. */
  p: string;
  /** Price change percent. */
  P: string;
  /** Weighted average price. */
  w: string;
  /** Last price. */
  c: string;
  /** Last quantity. */
  Q: string;
  /** Open price. */
  o: string;
  /** High price. */
  h: string;
  /** Low price. */
  l: string;
  /** Total traded base asset volume. */
  v: string;
  /** Total traded quote asset volume. */
  q: string;
  /** Statistics open time (ms). */
  O: number;
  /** Statistics close time (ms). */
  C: number;
  /** First trade id in the window. */
  F: number;
  /** Last trade id in the window. */
  L: number;
  /** Number of trades in the window. */
  n: number;
}

/** `<symbol>@miniTicker`, every 2000 ms: the ticker without change, average and trade ids. */
export interface RawMiniTicker {
  /** Event type, always `"24hrMiniTicker"`. */
  e: "24hrMiniTicker";
  /** Event time (ms). */
  E: number;
  /** Symbol, upper-case. */
  s: string;
  /** Close (last) price. */
  c: string;
  /** Open price. */
  o: string;
  /** High price. */
  h: string;
  /** Low price. */
  l: string;
  /** Total traded base asset volume. */
  v: string;
  /** Total traded quote asset volume. */
  q: string;
}

/** `<symbol>@trade`: every trade. */
export interface RawTrade {
  /** Event type, always `"trade"`. */
  e: "trade";
  /** Event time (ms). */
  E: number;
  /** Trade time (ms). */
  T: number;
  /** Symbol, upper-case. */
  s: string;
  /** Trade id, consecutive per symbol. */
  t: number;
  /** Price. */
  p: string;
  /** Quantity. */
  q: string;
  /** Execution type: `"MARKET"`, or `"INSURANCE_FUND"`, `"ADL"`, `"NA"`. */
  X: string;
  /** Is the buyer the maker? `true` → the taker sold. */
  m: boolean;
}

/** `<symbol>@aggTrade`, every 100 ms: trades at one price from one taker order, aggregated. */
export interface RawAggTrade {
  /** Event type, always `"aggTrade"`. */
  e: "aggTrade";
  /** Event time (ms). */
  E: number;
  /** Symbol, upper-case. */
  s: string;
  /** Aggregate trade id, consecutive per symbol. */
  a: number;
  /** Price. */
  p: string;
  /** Quantity. */
  q: string;
  /** First trade id in the aggregate. */
  f: number;
  /** Last trade id in the aggregate. */
  l: number;
  /** Trade time (ms). */
  T: number;
  /** Is the buyer the maker? `true` → the taker sold. */
  m: boolean;
}

/** `<symbol>@depth[@100ms|@500ms|@0ms]`: order-book changes since the previous event. */
export interface RawDepthUpdate {
  /** Event type, always `"depthUpdate"`. */
  e: "depthUpdate";
  /** Event time (ms). */
  E: number;
  /** Transaction time (ms). */
  T: number;
  /** Symbol, upper-case. */
  s: string;
  /** First update id in this event. */
  U: number;
  /** Final update id in this event. */
  u: number;
  /** Final update id of the previous event: must equal the previous event's `u`. */
  pu: number;
  /** Bid levels to update. */
  b: RawLevel[];
  /** Ask levels to update. */
  a: RawLevel[];
}

/** `<symbol>@bookTicker`, real time: best bid and ask. */
export interface RawBookTicker {
  /** Event type, always `"bookTicker"`. */
  e: "bookTicker";
  /** Order-book update id (matches a depth event's `u`). */
  u: number;
  /** Event time (ms). */
  E: number;
  /** Transaction time (ms). */
  T: number;
  /** Symbol, upper-case. */
  s: string;
  /** Best bid price. */
  b: string;
  /** Best bid quantity. */
  B: string;
  /** Best ask price. */
  a: string;
  /** Best ask quantity. */
  A: string;
}

/** `<symbol>@markPrice[@1s]`, every 3 s or 1 s: mark price and funding. */
export interface RawMarkPrice {
  /** Event type, always `"markPriceUpdate"`. */
  e: "markPriceUpdate";
  /** Event time (ms). */
  E: number;
  /** Symbol, upper-case. */
  s: string;
  /** Mark price. */
  p: string;
  /** Index price. */
  i: string;
  /** Estimated settle price (only useful in the last hour before settlement). */
  P: string;
  /** Funding rate. */
  r: string;
  /** Next funding time (ms). */
  T: number;
}

/** `<symbol>@kline_<interval>`, every 250 ms: the current candlestick. */
export interface RawKline {
  /** Event type, always `"kline"`. */
  e: "kline";
  /** Event time (ms). */
  E: number;
  /** Symbol, upper-case. */
  s: string;
  k: {
    /** Kline start time (ms). */
    t: number;
    /** Kline close time (ms). */
    T: number;
    /** Symbol. */
    s: string;
    /** Interval, e.g. "1m". */
    i: string;
    /** First trade id. */
    f: number;
    /** Last trade id. */
    L: number;
    /** Open price. */
    o: string;
    /** Close price. */
    c: string;
    /** High price. */
    h: string;
    /** Low price. */
    l: string;
    /** Base asset volume. */
    v: string;
    /** Number of trades. */
    n: number;
    /** Is this kline closed? */
    x: boolean;
    /** Quote asset volume. */
    q: string;
    /** Taker buy base asset volume. */
    V: string;
    /** Taker buy quote asset volume. */
    Q: string;
    /** Ignore. */
    B: string;
  };
}

/** `GET /fapi/v1/depth` response body. */
export interface RawDepthSnapshot {
  /** Update id of the book at the snapshot. */
  lastUpdateId: number;
  /** Message output time (ms). */
  E: number;
  /** Transaction time (ms). */
  T: number;
  /** Bid levels, best first. */
  bids: RawLevel[];
  /** Ask levels, best first. */
  asks: RawLevel[];
}

/** Any payload of the supported families. */
export type RawPayload = RawTicker | RawMiniTicker | RawTrade | RawAggTrade | RawDepthUpdate | RawBookTicker | RawMarkPrice | RawKline;

/** A combined-stream frame: `{"stream": "<name>", "data": <payload>}`. */
export interface RawCombinedFrame<T = unknown> {
  stream: string;
  data: T;
}
