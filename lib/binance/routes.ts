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

/** One row of the stream-family table. */
export interface StreamFamily {
  /** The name users write and the stream name carries after `<symbol>@`, e.g. `"miniTicker"`. */
  readonly type: string;
  /** The payload's `e` field, e.g. `"24hrMiniTicker"`. */
  readonly eventType: string;
  /** Which route serves it since 2026-04-23. */
  readonly route: Route;
  /**
   * The other route, for a family whose route clients disagree on (`@trade`); a server speaking
   * Binance's protocol serves the family on both. `null` when the route is undisputed.
   */
  readonly alternativeRoute: Route | null;
  /** Allowed endings after the type, `""` meaning none (e.g. depth: `"@100ms"`). */
  readonly suffixes: readonly string[];
  /** For types with a parameter in the name (`kline_1m`): the pattern of the whole type part. */
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

/** Kline intervals Binance accepts in `<symbol>@kline_<interval>` and `continuousKline_<interval>`. */
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

/**
 * Every stream family this library captures, decodes and shows. `@trade` is routed to `/public`
 * as tardis-dev, ccxt and others do; the `binance` npm package uses `/market` (docs/binance.md,
 * "Endpoints"), hence its `alternativeRoute`. If Binance disagrees, a capture fails with a
 * "silent stream" error that names the URL, and this one row is the fix.
 */
export const STREAM_FAMILIES: readonly StreamFamily[] = [
  {
    type: "ticker",
    eventType: "24hrTicker",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "btcusdt@ticker",
    intervalMs: 2000,
    mayBeSilent: false,
    sequence: null,
    title: "24h rolling ticker",
    docUrl: `${DOCS}/Individual-Symbol-Ticker-Streams`,
  },
  {
    type: "trade",
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
    type: "miniTicker",
    eventType: "24hrMiniTicker",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "btcusdt@miniTicker",
    intervalMs: 2000,
    mayBeSilent: false,
    sequence: null,
    title: "24h rolling mini ticker",
    docUrl: `${DOCS}/Individual-Symbol-Mini-Ticker-Stream`,
  },
  {
    type: "depth",
    eventType: "depthUpdate",
    route: "public",
    alternativeRoute: null,
    suffixes: ["", "@100ms", "@500ms", "@0ms"],
    example: "btcusdt@depth@100ms",
    intervalMs: 250,
    mayBeSilent: false,
    sequence: "depthChain",
    title: "Order book diff depth",
    docUrl: `${DOCS}/Diff-Book-Depth-Streams`,
  },
  {
    type: "aggTrade",
    eventType: "aggTrade",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    example: "btcusdt@aggTrade",
    intervalMs: 100,
    mayBeSilent: false,
    sequence: "aggTradeId",
    title: "Aggregate trades",
    docUrl: `${DOCS}/Aggregate-Trade-Streams`,
  },
  {
    type: "bookTicker",
    eventType: "bookTicker",
    route: "public",
    alternativeRoute: null,
    suffixes: [""],
    example: "btcusdt@bookTicker",
    intervalMs: null,
    mayBeSilent: false,
    sequence: "bookUpdateId",
    title: "Best bid and ask",
    docUrl: `${DOCS}/Individual-Symbol-Book-Ticker-Streams`,
  },
  {
    type: "markPrice",
    eventType: "markPriceUpdate",
    route: "market",
    alternativeRoute: null,
    suffixes: ["", "@1s"],
    example: "btcusdt@markPrice@1s",
    intervalMs: 3000,
    mayBeSilent: false,
    sequence: null,
    title: "Mark price and funding rate",
    docUrl: `${DOCS}/Mark-Price-Stream`,
  },
  {
    type: "kline",
    eventType: "kline",
    route: "market",
    alternativeRoute: null,
    suffixes: [""],
    typePattern: new RegExp(`^kline_${KLINE_INTERVAL}$`),
    example: "btcusdt@kline_1m",
    intervalMs: 250,
    mayBeSilent: false,
    sequence: null,
    title: "Klines (candlesticks)",
    docUrl: `${DOCS}/Kline-Candlestick-Streams`,
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
 * `STREAM_FAMILIES`, so that any stream name a client sends can be routed.
 */
export const UNCAPTURED_STREAM_ROUTES: readonly UncapturedStreamRoute[] = [
  {
    family: "<symbol>@depth<levels>",
    pattern: /^[a-z0-9_]+@depth(5|10|20)(@(100|500)ms)?$/,
    route: "public",
    example: "btcusdt@depth5@100ms",
  },
  { family: "<symbol>@rpiDepth@500ms", pattern: /^[a-z0-9_]+@rpiDepth@500ms$/, route: "public", example: "btcusdt@rpiDepth@500ms" },
  { family: "!bookTicker", pattern: /^!bookTicker$/, route: "public", example: "!bookTicker" },
  { family: "!markPrice@arr", pattern: /^!markPrice@arr(@1s)?$/, route: "market", example: "!markPrice@arr@1s" },
  {
    family: "<pair>_<contractType>@continuousKline_<interval>",
    pattern: new RegExp(`^[a-z0-9]+_(perpetual|current_quarter|next_quarter)@continuousKline_${KLINE_INTERVAL}$`),
    route: "market",
    example: "btcusdt_perpetual@continuousKline_1m",
  },
  { family: "!ticker@arr", pattern: /^!ticker@arr$/, route: "market", example: "!ticker@arr" },
  { family: "!miniTicker@arr", pattern: /^!miniTicker@arr$/, route: "market", example: "!miniTicker@arr" },
  { family: "<symbol>@forceOrder", pattern: /^[a-z0-9_]+@forceOrder$/, route: "market", example: "btcusdt@forceOrder" },
  { family: "!forceOrder@arr", pattern: /^!forceOrder@arr$/, route: "market", example: "!forceOrder@arr" },
  { family: "!contractInfo", pattern: /^!contractInfo$/, route: "market", example: "!contractInfo" },
  { family: "!assetIndex@arr", pattern: /^!assetIndex@arr$/, route: "market", example: "!assetIndex@arr" },
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
    family: `<symbol>@${family.typePattern ? `${family.type}_<interval>` : family.type}`,
    route: family.route,
    alternativeRoute: family.alternativeRoute,
    example: family.example,
  })),
  ...UNCAPTURED_STREAM_ROUTES.map((row) => ({ family: row.family, route: row.route, alternativeRoute: null, example: row.example })),
];
