/**
 * Binance USDⓈ-M stream names: parsing and validating `<symbol>@<type>[@<suffix>]`, building
 * them from symbols × types, and routing them to `/public` or `/market` with the table in
 * routes.ts. Symbols are lower-case in stream names (docs/binance.md, "Endpoints").
 */
import { InvalidArgumentError } from "../errors";
import { type Route, type StreamFamily, STREAM_FAMILIES, UNCAPTURED_STREAM_ROUTES } from "./routes";
import { normalizeSymbol } from "./symbols";

/** The stream types users may ask for, in the seed's order (`kline` is written `kline_<interval>`). */
export const STREAM_TYPES: readonly string[] = STREAM_FAMILIES.map((family) =>
  family.typePattern ? `${family.type}_<interval>` : family.type,
);

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
 * @example parseStreamName("btcusdt@depth@100ms").family.route // "public"
 */
export function parseStreamName(name: string): StreamName {
  if (typeof name !== "string") {
    throw new InvalidArgumentError(
      "INVALID_STREAM_NAME",
      `Invalid stream name ${String(name)}: expected a string such as "btcusdt@trade".`,
    );
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
    throw new InvalidArgumentError("INVALID_STREAM_NAME", `Invalid stream name ${JSON.stringify(name)}: ${type} streams are ${allowed}.`);
  }
  return { name, symbol, type, suffix, family };
}

/**
 * Builds stream names for every symbol × type. A type may carry its suffix (`"depth@100ms"`).
 * @example buildStreamNames(["BTCUSDT"], ["trade", "depth@100ms"]) // ["btcusdt@trade", "btcusdt@depth@100ms"]
 */
export function buildStreamNames(symbols: readonly string[], types: readonly string[]): string[] {
  if (symbols.length === 0) throw new InvalidArgumentError("NO_SYMBOLS", 'No symbols given: expected at least one, such as "BTCUSDT".');
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
 * The route of any stream name in Binance's routing table, captured by this library or not
 * (`"!bookTicker"`, `"btcusdt@depth5"`, `"btcusdt@forceOrder"`, ...); `null` for a name the
 * table does not know. A family with an `alternativeRoute` (`@trade`) answers its main route.
 * @example routeOfStream("btcusdt@depth10@100ms") // "public"
 */
export function routeOfStream(stream: string): Route | null {
  try {
    return parseStreamName(stream).family.route;
  } catch {
    return UNCAPTURED_STREAM_ROUTES.find((row) => row.pattern.test(stream))?.route ?? null;
  }
}

/**
 * Whether a replay (or any server speaking Binance's protocol) serves `stream` on `route`: its
 * family's route, and its `alternativeRoute` too (`@trade`, where clients disagree). A stream the
 * table does not know is served on `/market`.
 * @example isServedOnRoute("btcusdt@trade", "market") // true
 */
export function isServedOnRoute(stream: string, route: Route): boolean {
  try {
    const family = parseStreamName(stream).family;
    return family.route === route || family.alternativeRoute === route;
  } catch {
    return (routeOfStream(stream) ?? "market") === route;
  }
}

const DIFF_DEPTH_STREAM = /^[a-z0-9_]+@depth(@\d+ms)?$/;

/**
 * Whether a stream name is a diff-depth stream (`<symbol>@depth[@<n>ms]`), the one a local
 * order book is kept from; partial depth (`@depth5|10|20`) sends whole top-N pictures instead.
 */
export function isDiffDepthStream(stream: string): boolean {
  return DIFF_DEPTH_STREAM.test(stream);
}
