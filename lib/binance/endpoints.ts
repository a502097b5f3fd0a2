/**
 * Binance USDⓈ-M futures endpoints: the table of stream families, the /public-/market routing,
 * stream-name builders and validators, and the configurable base URLs.
 *
 * Adding a stream family is adding a row to `STREAM_FAMILIES` (plus its decoder in decode.ts
 * and its frame builder in frames.ts); nothing in the capture code changes.
 */
import { InvalidArgumentError } from "../errors";

/** The two routes of the 2026 endpoint split (BINANCE.md, "Endpoints"). */
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
  /** Allowed endings after the type, `""` meaning none (e.g. depth: `"@100ms"`). */
  readonly suffixes: readonly string[];
  /** For types with a parameter in the name (`kline_1m`): the pattern of the whole type part. */
  readonly typePattern?: RegExp;
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

const DOCS = "https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams";

/**
 * Every stream family this library captures, decodes and shows. `@trade` is routed to `/public`
 * as tardis-dev, ccxt and others do; the `binance` npm package uses `/market` (BINANCE.md). If
 * Binance disagrees, a capture fails with a "silent stream" error that names the URL, and this
 * one row is the fix.
 */
export const STREAM_FAMILIES: readonly StreamFamily[] = [
  {
    type: "ticker",
    eventType: "24hrTicker",
    route: "market",
    suffixes: [""],
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
    suffixes: [""],
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
    suffixes: [""],
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
    suffixes: ["", "@100ms", "@500ms", "@0ms"],
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
    suffixes: [""],
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
    suffixes: [""],
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
    suffixes: ["", "@1s"],
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
    suffixes: [""],
    typePattern: /^kline_(1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1M)$/,
    intervalMs: 250,
    mayBeSilent: false,
    sequence: null,
    title: "Klines (candlesticks)",
    docUrl: `${DOCS}/Kline-Candlestick-Streams`,
  },
];

/** The stream types users may ask for, in the seed's order (`kline` is written `kline_<interval>`). */
export const STREAM_TYPES: readonly string[] = STREAM_FAMILIES.map((family) => (family.typePattern ? `${family.type}_<interval>` : family.type));

const familiesByType = new Map(STREAM_FAMILIES.filter((family) => !family.typePattern).map((family) => [family.type, family]));
const familiesByEventType = new Map(STREAM_FAMILIES.map((family) => [family.eventType, family]));

/** The family of a type name such as `"trade"`; throws a sentence listing the known types. */
export function getStreamFamily(type: string): StreamFamily {
  const family = familiesByType.get(type) ?? STREAM_FAMILIES.find((candidate) => candidate.typePattern?.test(type));
  if (!family) {
    throw new InvalidArgumentError(
      "UNKNOWN_STREAM_TYPE",
      `Unknown stream type ${JSON.stringify(type)}: expected one of ${STREAM_TYPES.join(", ")}.`,
    );
  }
  return family;
}

/** The family of a payload's event type (`e`), or `undefined`. */
export function findFamilyByEventType(eventType: string): StreamFamily | undefined {
  return familiesByEventType.get(eventType);
}

const SYMBOL_PATTERN = /^[A-Za-z0-9]{2,20}(_[0-9]{6})?$/;

/**
 * Checks a trading symbol (`BTCUSDT`, `btcusdt`, or a delivery contract such as
 * `BTCUSDT_240628`) and returns it upper-cased; throws for anything else, including path tricks.
 */
export function normalizeSymbol(symbol: string): string {
  if (typeof symbol !== "string" || !SYMBOL_PATTERN.test(symbol)) {
    throw new InvalidArgumentError(
      "INVALID_SYMBOL",
      `Invalid symbol ${JSON.stringify(symbol)}: expected 2-20 letters or digits such as "BTCUSDT" ` +
        `(optionally "_YYMMDD" for a delivery contract).`,
    );
  }
  return symbol.toUpperCase();
}

/** A validated stream name split into its parts. */
export interface StreamName {
  /** The full stream name as sent to Binance, e.g. `"btcusdt@depth@100ms"`. */
  readonly name: string;
  /** The upper-case symbol, e.g. `"BTCUSDT"`. */
  readonly symbol: string;
  /** The family's type, e.g. `"depth"`. */
  readonly type: string;
  /** The ending after the type, e.g. `"@100ms"`, or `""`. */
  readonly suffix: string;
  readonly family: StreamFamily;
}

/**
 * Parses and validates a stream name such as `"btcusdt@trade"` or `"btcusdt@depth@0ms"`.
 * @example parseStreamName("btcusdt@depth@100ms").route // via .family.route → "public"
 */
export function parseStreamName(name: string): StreamName {
  if (typeof name !== "string") {
    throw new InvalidArgumentError("INVALID_STREAM_NAME", `Invalid stream name ${String(name)}: expected a string such as "btcusdt@trade".`);
  }
  const at = name.indexOf("@");
  if (at <= 0) {
    throw new InvalidArgumentError(
      "INVALID_STREAM_NAME",
      `Invalid stream name ${JSON.stringify(name)}: expected "<symbol>@<type>" such as "btcusdt@trade".`,
    );
  }
  const symbolPart = name.slice(0, at);
  const symbol = normalizeSymbol(symbolPart);
  if (symbolPart !== symbolPart.toLowerCase()) {
    throw new InvalidArgumentError(
      "INVALID_STREAM_NAME",
      `Invalid stream name ${JSON.stringify(name)}: symbols are lower-case in stream names ("${symbolPart.toLowerCase()}${name.slice(at)}").`,
    );
  }
  const rest = name.slice(at + 1);
  const nextAt = rest.indexOf("@");
  const type = nextAt < 0 ? rest : rest.slice(0, nextAt);
  const suffix = nextAt < 0 ? "" : rest.slice(nextAt);
  const family = getStreamFamily(type);
  if (!family.suffixes.includes(suffix)) {
    const allowed = family.suffixes.map((s) => `"${type}${s}"`).join(", ");
    throw new InvalidArgumentError(
      "INVALID_STREAM_NAME",
      `Invalid stream name ${JSON.stringify(name)}: ${type} streams are ${allowed}.`,
    );
  }
  return { name, symbol, type, suffix, family };
}

/**
 * Builds stream names for every symbol × type. A type may carry its suffix (`"depth@100ms"`).
 * @example buildStreamNames(["BTCUSDT"], ["trade", "depth@100ms"]) // ["btcusdt@trade", "btcusdt@depth@100ms"]
 */
export function buildStreamNames(symbols: readonly string[], types: readonly string[]): string[] {
  if (symbols.length === 0) throw new InvalidArgumentError("NO_SYMBOLS", "No symbols given: expected at least one, such as \"BTCUSDT\".");
  if (types.length === 0) throw new InvalidArgumentError("NO_TYPES", `No stream types given: expected some of ${STREAM_TYPES.join(", ")}.`);
  const names: string[] = [];
  for (const symbol of symbols) {
    const lower = normalizeSymbol(symbol).toLowerCase();
    for (const type of types) {
      const name = `${lower}@${type}`;
      parseStreamName(name);
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}

/** Splits validated stream names by route, keeping their order within each route. */
export function groupStreamsByRoute(streams: readonly string[]): Map<Route, string[]> {
  const groups = new Map<Route, string[]>();
  for (const stream of streams) {
    const route = parseStreamName(stream).family.route;
    const group = groups.get(route) ?? [];
    group.push(stream);
    groups.set(route, group);
  }
  return groups;
}

/**
 * Whether `stream` is served on `route`: its family's route, and both routes for `@trade`
 * (clients disagree on where Binance serves it, see `STREAM_FAMILIES`). A stream whose family is
 * not in the table (`!bookTicker`, `btcusdt@depth5`, `btcusdt@forceOrder`, ...) follows Binance's
 * split: book data (depth, bookTicker, rpiDepth) on `/public`, everything else on `/market`.
 * @example isServedOnRoute("btcusdt@depth@100ms", "market") // false
 */
export function isServedOnRoute(stream: string, route: Route): boolean {
  let familyRoute: Route;
  try {
    const parsed = parseStreamName(stream);
    if (parsed.type === "trade") return true;
    familyRoute = parsed.family.route;
  } catch {
    familyRoute = routeOfUnlistedStream(stream);
  }
  return familyRoute === route;
}

function routeOfUnlistedStream(stream: string): Route {
  const at = stream.indexOf("@");
  const type = (stream.startsWith("!") ? stream.slice(1) : stream.slice(at + 1)).split("@")[0];
  return /^(depth|bookTicker|rpiDepth)/.test(type) ? "public" : "market";
}

/** Binance's production websocket base. */
export const DEFAULT_WS_BASE_URL = "wss://fstream.binance.com";
/** Binance's production REST base. */
export const DEFAULT_REST_BASE_URL = "https://fapi.binance.com";
/** Binance's futures testnet websocket base (same paths). */
export const TESTNET_WS_BASE_URL = "wss://fstream.binancefuture.com";
/** Environment variable that overrides the websocket base. */
export const WS_BASE_URL_ENV = "STREAMLAB_WS_URL";
/** Environment variable that overrides the REST base. */
export const REST_BASE_URL_ENV = "STREAMLAB_REST_URL";

/** Base URLs a capture uses. */
export interface Endpoints {
  /** Scheme, host and port only, e.g. `"wss://fstream.binance.com"` or `"ws://127.0.0.1:9443"`. */
  readonly wsBaseUrl: string;
  /** Scheme, host and port only, e.g. `"https://fapi.binance.com"`. */
  readonly restBaseUrl: string;
}

function checkBaseUrl(value: string, schemes: readonly string[], what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("INVALID_URL", `Invalid ${what} ${JSON.stringify(value)}: expected a URL such as "${schemes[schemes.length - 1]}://host:port".`);
  }
  if (!schemes.includes(url.protocol.replace(/:$/, ""))) {
    throw new InvalidArgumentError("INVALID_URL", `Invalid ${what} ${JSON.stringify(value)}: expected the scheme ${schemes.join(" or ")}.`);
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new InvalidArgumentError(
      "INVALID_URL",
      `Invalid ${what} ${JSON.stringify(value)}: give scheme, host and port only ("${url.protocol}//${url.host}"); routes and paths are added as for Binance.`,
    );
  }
  return `${url.protocol}//${url.host}`;
}

/**
 * The base URLs to use: explicit options first, then `STREAMLAB_WS_URL` / `STREAMLAB_REST_URL`,
 * then Binance production. A replay server or the testnet works by changing only these.
 */
export function resolveEndpoints(options: { wsBaseUrl?: string; restBaseUrl?: string } = {}, env: NodeJS.ProcessEnv = process.env): Endpoints {
  const ws = options.wsBaseUrl ?? env[WS_BASE_URL_ENV] ?? DEFAULT_WS_BASE_URL;
  const rest = options.restBaseUrl ?? env[REST_BASE_URL_ENV] ?? defaultRestFor(ws);
  return {
    wsBaseUrl: checkBaseUrl(ws, ["ws", "wss"], "websocket base URL"),
    restBaseUrl: checkBaseUrl(rest, ["http", "https"], "REST base URL"),
  };
}

/** A replay server serves REST on the same host and port; Binance has a separate REST host. */
function defaultRestFor(wsBaseUrl: string): string {
  if (wsBaseUrl === DEFAULT_WS_BASE_URL) return DEFAULT_REST_BASE_URL;
  if (wsBaseUrl === TESTNET_WS_BASE_URL) return "https://testnet.binancefuture.com";
  return wsBaseUrl.replace(/^ws/, "http");
}

/** `wss://host/<route>/stream?streams=a/b/c`: every frame is `{"stream", "data"}`. */
export function combinedStreamUrl(wsBaseUrl: string, route: Route, streams: readonly string[]): string {
  return `${wsBaseUrl}/${route}/stream?streams=${streams.join("/")}`;
}

/** `wss://host/<route>/ws/<stream>`: frames are bare payloads. */
export function rawStreamUrl(wsBaseUrl: string, route: Route, stream: string): string {
  return `${wsBaseUrl}/${route}/ws/${stream}`;
}

/** `https://host/fapi/v1/depth?symbol=BTCUSDT&limit=1000`: the REST order-book snapshot. */
export function depthSnapshotUrl(restBaseUrl: string, symbol: string, limit = 1000): string {
  return `${restBaseUrl}/fapi/v1/depth?symbol=${normalizeSymbol(symbol)}&limit=${limit}`;
}
