/**
 * Binance USDⓈ-M futures routing table: which route (`/public` or `/market`) serves each stream
 * family since the 2026 endpoint split, plus what the project knows about each family it captures.
 * Data only: the rules that read it live in stream-names.ts. docs/binance.md carries the same
 * table for people, and test/endpoints.test.ts checks that the two agree.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice
 *
 * Adding a stream family is adding its schema (binance/schema/, from which decoders, columns
 * and frames derive), a row to `STREAM_FAMILIES` and the same row in docs/binance.md; nothing in
 * the capture code changes.
 */

/** The two market-data routes of the 2026 endpoint split (docs/binance.md, "Endpoints"). */
export type Route = "public" | "market";

/** How a family's messages are chained, for gap detection (see sequence.ts). */
export type SequenceKind = "tradeId" | "aggTradeId" | "depthChain" | "bookUpdateId";

/**
 * What comes before the `@` of a family's stream names: a `symbol` (`btcusdt@trade`), a `pair`
 * with a contract type (`btcusdt_perpetual@continuousKline_1m`), an `asset` index symbol
 * (`adausd@assetIndex`), or nothing: a `market` stream covers every symbol (`!ticker@arr`).
 */
export type StreamScope = "symbol" | "pair" | "asset" | "market";

/** How a family's payloads carry events: one event per frame, or an `array` of events, one per symbol. */
export type PayloadShape = "event" | "array";

/** One row of the stream-family table. */
export interface StreamFamily {
  /**
   * The family's key: the name users write after `<symbol>@` (`"miniTicker"`), the base of a
   * parameterized name (`"kline"` for `kline_1m`, `"partialDepth"` for `depth5`), or a market
   * stream's name without its suffix (`"!markPrice@arr"`).
   */
  readonly type: string;
  /** The family as Binance's docs write it, e.g. `"<symbol>@kline_<interval>"` or `"!markPrice@arr"`. */
  readonly notation: string;
  /** What precedes the `@` (nothing for market streams). */
  readonly scope: StreamScope;
  /** The payload's `e` field, e.g. `"24hrMiniTicker"`. */
  readonly eventType: string;
  /** The `kind` of the schema (binance/schema) its events decode into, e.g. `"markPrice"` for `!markPrice@arr`. */
  readonly kind: string;
  /** One event per frame, or an array of events (one per symbol). */
  readonly payload: PayloadShape;
  /** Which route serves it since 2026-04-23. */
  readonly route: Route;
  /**
   * The other route, for a family whose route clients disagree on (`@trade`); a server speaking
   * Binance's protocol serves the family on both. `null` when the route is undisputed.
   */
  readonly alternativeRoute: Route | null;
  /** Allowed endings after the type, `""` meaning none (e.g. depth: `"@100ms"`). */
  readonly suffixes: readonly string[];
  /** For types with a parameter in the name (`kline_1m`, `depth5`): the pattern of the whole type part. */
  readonly typePattern?: RegExp;
  /** A valid stream name of the family, e.g. `"btcusdt@depth@100ms"`. */
  readonly example: string;
  /** Push interval in ms for the default suffix; `null` when it pushes on every event. */
  readonly intervalMs: number | null;
  /** True when silence is normal (e.g. no liquidations); false when silence means a wrong route. */
  readonly mayBeSilent: boolean;
  /** The id chain checked for gaps, or `null` when the family has none. */
  readonly sequence: SequenceKind | null;
  /** A short human title. */
  readonly title: string;
  /** Binance's documentation page for the stream. */
  readonly docUrl: string;
}

/** Binance's documentation of the USDⓈ-M websocket market streams; stream pages live below it. */
export const MARKET_STREAMS_DOC_URL = "https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams";

const DOCS = MARKET_STREAMS_DOC_URL;

/**
 * Kline intervals Binance lists for `<symbol>@kline_<interval>` and `continuousKline_<interval>`
 * (both pages list the same fifteen; `1s` is spot only).
 */
export const KLINE_INTERVALS: readonly string[] = [
  "1m",
  "3m",
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "8h",
  "12h",
  "1d",
  "3d",
  "1w",
  "1M",
];

const KLINE_INTERVAL = `(${KLINE_INTERVALS.join("|")})`;

/** The contract types of `<pair>_<contractType>@continuousKline_<interval>`. */
export const CONTRACT_TYPES: readonly string[] = ["perpetual", "current_quarter", "next_quarter"];

/** The fields every family of one symbol, one event per frame, shares. */
const SYMBOL_EVENT = { scope: "symbol", payload: "event", alternativeRoute: null } as const;

/**
 * Every stream family this library captures, decodes and shows. `@trade` is routed to `/public`
 * as tardis-dev, ccxt and others do; the `binance` npm package uses `/market` (docs/binance.md,
 * "Endpoints"), hence its `alternativeRoute`. If Binance disagrees, a capture fails with a
 * "silent stream" error that names the URL, and this one row is the fix.
 */
export const STREAM_FAMILIES: readonly StreamFamily[] = [
  {
    ...SYMBOL_EVENT,
    type: "ticker",
    notation: "<symbol>@ticker",
    kind: "ticker",
    eventType: "24hrTicker",
    route: "market",
    suffixes: [""],
    example: "btcusdt@ticker",
    intervalMs: 2000,
    mayBeSilent: false,
    sequence: null,
    title: "24h rolling ticker",
    docUrl: `${DOCS}/Individual-Symbol-Ticker-Streams`,
  },
  {
    ...SYMBOL_EVENT,
    type: "trade",
    notation: "<symbol>@trade",
    kind: "trade",
    eventType: "trade",
    route: "public",
    alternativeRoute: "market",
    suffixes: [""],
    example: "btcusdt@trade",
    intervalMs: null,
    mayBeSilent: false,
    sequence: "tradeId",
    title: "Trades",
    docUrl: `${DOCS}/Trade-Streams`,
  },
  {
    ...SYMBOL_EVENT,
    type: "miniTicker",
    notation: "<symbol>@miniTicker",
    kind: "miniTicker",
    eventType: "24hrMiniTicker",
    route: "market",
    suffixes: [""],
    example: "btcusdt@miniTicker",
    intervalMs: 2000,
    mayBeSilent: false,
    sequence: null,
    title: "24h rolling mini ticker",
    docUrl: `${DOCS}/Individual-Symbol-Mini-Ticker-Stream`,
  },
  {
    ...SYMBOL_EVENT,
    type: "depth",
    notation: "<symbol>@depth",
    kind: "depth",
    eventType: "depthUpdate",
    route: "public",
    suffixes: ["", "@100ms", "@500ms", "@0ms"],
    example: "btcusdt@depth@100ms",
    intervalMs: 250,
    mayBeSilent: false,
    sequence: "depthChain",
    title: "Order book diff depth",
    docUrl: `${DOCS}/Diff-Book-Depth-Streams`,
  },
  {
    ...SYMBOL_EVENT,
    type: "aggTrade",
    notation: "<symbol>@aggTrade",
    kind: "aggTrade",
    eventType: "aggTrade",
    route: "market",
    suffixes: [""],
    example: "btcusdt@aggTrade",
    intervalMs: 100,
    mayBeSilent: false,
    sequence: "aggTradeId",
    title: "Aggregate trades",
    docUrl: `${DOCS}/Aggregate-Trade-Streams`,
  },
  {
    ...SYMBOL_EVENT,
    type: "bookTicker",
    notation: "<symbol>@bookTicker",
    kind: "bookTicker",
    eventType: "bookTicker",
    route: "public",
    suffixes: [""],
    example: "btcusdt@bookTicker",
    intervalMs: null,
    mayBeSilent: false,
    sequence: "bookUpdateId",
    title: "Best bid and ask",
    docUrl: `${DOCS}/Individual-Symbol-Book-Ticker-Streams`,
  },
  {
    ...SYMBOL_EVENT,
    type: "markPrice",
    notation: "<symbol>@markPrice",
    kind: "markPrice",
    eventType: "markPriceUpdate",
    route: "market",
    suffixes: ["", "@1s"],
    example: "btcusdt@markPrice@1s",
    intervalMs: 3000,
    mayBeSilent: false,
    sequence: null,
    title: "Mark price and funding rate",
    docUrl: `${DOCS}/Mark-Price-Stream`,
  },
  {
    ...SYMBOL_EVENT,
    type: "kline",
    notation: "<symbol>@kline_<interval>",
    kind: "kline",
    eventType: "kline",
    route: "market",
    suffixes: [""],
    typePattern: new RegExp(`^kline_${KLINE_INTERVAL}$`),
    example: "btcusdt@kline_1m",
    intervalMs: 250,
    mayBeSilent: false,
    sequence: null,
    title: "Klines (candlesticks)",
    docUrl: `${DOCS}/Kline-Candlestick-Streams`,
  },
  {
    ...SYMBOL_EVENT,
    type: "partialDepth",
    notation: "<symbol>@depth<levels>",
    kind: "partialDepth",
    eventType: "depthUpdate",
    route: "public",
    suffixes: ["", "@500ms", "@100ms"],
    typePattern: /^depth(5|10|20)$/,
    example: "btcusdt@depth5@100ms",
    intervalMs: 250,
    mayBeSilent: false,
    sequence: null,
    title: "Partial book depth (top 5, 10 or 20 levels)",
    docUrl: `${DOCS}/Partial-Book-Depth-Streams`,
  },
  {
    type: "!bookTicker",
    notation: "!bookTicker",
    scope: "market",
    payload: "event",
    kind: "bookTicker",
    eventType: "bookTicker",
    route: "public",
    alternativeRoute: null,
    suffixes: [""],
    example: "!bookTicker",
    intervalMs: 5000,
    mayBeSilent: false,
    sequence: "bookUpdateId",
    title: "Best bid and ask of every symbol",
    docUrl: `${DOCS}/All-Book-Tickers-Stream`,
  },
  {
    type: "!markPrice@arr",
    notation: "!markPrice@arr",
    scope: "market",
    payload: "array",
    kind: "markPrice",
    eventType: "markPriceUpdate",
    route: "market",
    alternativeRoute: null,
    suffixes: ["", "@1s"],
    example: "!markPrice@arr@1s",
    intervalMs: 3000,
    mayBeSilent: false,
    sequence: null,
    title: "Mark price and funding rate of every symbol",
    docUrl: `${DOCS}/Mark-Price-Stream-for-All-market`,
  },
  {
    type: "continuousKline",
    notation: "<pair>_<contractType>@continuousKline_<interval>",
    scope: "pair",
    payload: "event",
    kind: "continuousKline",
    eventType: "continuous_kline",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    typePattern: new RegExp(`^continuousKline_${KLINE_INTERVAL}$`),
    example: "btcusdt_perpetual@continuousKline_1m",
    intervalMs: 250,
    mayBeSilent: false,
    sequence: null,
    title: "Continuous contract klines (perpetual, current or next quarter)",
    docUrl: `${DOCS}/Continuous-Contract-Kline-Candlestick-Streams`,
  },
  {
    type: "!ticker@arr",
    notation: "!ticker@arr",
    scope: "market",
    payload: "array",
    kind: "ticker",
    eventType: "24hrTicker",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "!ticker@arr",
    intervalMs: 1000,
    mayBeSilent: false,
    sequence: null,
    title: "24h rolling tickers of every symbol that changed",
    docUrl: `${DOCS}/All-Market-Tickers-Streams`,
  },
  {
    type: "!miniTicker@arr",
    notation: "!miniTicker@arr",
    scope: "market",
    payload: "array",
    kind: "miniTicker",
    eventType: "24hrMiniTicker",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "!miniTicker@arr",
    intervalMs: 1000,
    mayBeSilent: false,
    sequence: null,
    title: "24h rolling mini tickers of every symbol that changed",
    docUrl: `${DOCS}/All-Market-Mini-Tickers-Stream`,
  },
  {
    ...SYMBOL_EVENT,
    type: "forceOrder",
    notation: "<symbol>@forceOrder",
    kind: "forceOrder",
    eventType: "forceOrder",
    route: "market",
    suffixes: [""],
    example: "btcusdt@forceOrder",
    intervalMs: 1000,
    mayBeSilent: true,
    sequence: null,
    title: "Liquidation orders",
    docUrl: `${DOCS}/Liquidation-Order-Streams`,
  },
  {
    type: "!forceOrder@arr",
    notation: "!forceOrder@arr",
    scope: "market",
    payload: "event",
    kind: "forceOrder",
    eventType: "forceOrder",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "!forceOrder@arr",
    intervalMs: 1000,
    mayBeSilent: true,
    sequence: null,
    title: "Liquidation orders of every symbol",
    docUrl: `${DOCS}/All-Market-Liquidation-Order-Streams`,
  },
  {
    type: "!contractInfo",
    notation: "!contractInfo",
    scope: "market",
    payload: "event",
    kind: "contractInfo",
    eventType: "contractInfo",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "!contractInfo",
    intervalMs: null,
    mayBeSilent: true,
    sequence: null,
    title: "Contract changes (listing, settlement, status, brackets)",
    docUrl: `${DOCS}/Contract-Info-Stream`,
  },
  {
    type: "!assetIndex@arr",
    notation: "!assetIndex@arr",
    scope: "market",
    payload: "array",
    kind: "assetIndex",
    eventType: "assetIndexUpdate",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "!assetIndex@arr",
    intervalMs: 1000,
    mayBeSilent: false,
    sequence: null,
    title: "Multi-Assets mode asset index of every asset",
    docUrl: `${DOCS}/Multi-Assets-Mode-Asset-Index`,
  },
  {
    type: "assetIndex",
    notation: "<assetSymbol>@assetIndex",
    scope: "asset",
    payload: "event",
    kind: "assetIndex",
    eventType: "assetIndexUpdate",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "adausd@assetIndex",
    intervalMs: 1000,
    mayBeSilent: false,
    sequence: null,
    title: "Multi-Assets mode asset index",
    docUrl: `${DOCS}/Multi-Assets-Mode-Asset-Index`,
  },
  {
    ...SYMBOL_EVENT,
    type: "compositeIndex",
    notation: "<symbol>@compositeIndex",
    kind: "compositeIndex",
    eventType: "compositeIndex",
    route: "market",
    suffixes: [""],
    example: "btcdomusdt@compositeIndex",
    intervalMs: 1000,
    mayBeSilent: false,
    sequence: null,
    title: "Composite index price and composition",
    docUrl: `${DOCS}/Composite-Index-Symbol-Information-Streams`,
  },
];

/** A stream family Binance routes but this library does not capture (no decoder, no figures). */
export interface UncapturedStreamRoute {
  /** The family as Binance's docs write it, e.g. `"<symbol>@depth<levels>"` or `"!bookTicker"`. */
  readonly family: string;
  /** Whole stream names of the family. */
  readonly pattern: RegExp;
  readonly route: Route;
  /** A valid stream name of the family. */
  readonly example: string;
}

/**
 * The rest of Binance's routing table, from its change notice: families with no row in
 * `STREAM_FAMILIES`, so that any stream name a client sends can be routed. RPI depth (the book
 * with Retail Price Improvement orders) is routed but not decoded.
 */
export const UNCAPTURED_STREAM_ROUTES: readonly UncapturedStreamRoute[] = [
  { family: "<symbol>@rpiDepth@500ms", pattern: /^[a-z0-9_]+@rpiDepth@500ms$/, route: "public", example: "btcusdt@rpiDepth@500ms" },
];

/** One row of the routing table as docs/binance.md shows it. */
export interface RoutingTableRow {
  /** `"<symbol>@trade"`, `"<symbol>@kline_<interval>"`, `"!bookTicker"`, ... */
  readonly family: string;
  readonly route: Route;
  /** See `StreamFamily.alternativeRoute`. */
  readonly alternativeRoute: Route | null;
  readonly example: string;
}

/** The whole routing table: the captured families first (in `STREAM_FAMILIES` order), then the others. */
export const ROUTING_TABLE: readonly RoutingTableRow[] = [
  ...STREAM_FAMILIES.map((family) => ({
    family: family.notation,
    route: family.route,
    alternativeRoute: family.alternativeRoute,
    example: family.example,
  })),
  ...UNCAPTURED_STREAM_ROUTES.map((row) => ({ family: row.family, route: row.route, alternativeRoute: null, example: row.example })),
];
