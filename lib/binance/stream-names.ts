/**
 * Binance USDⓈ-M stream names: parsing and validating them (`<symbol>@<type>[@<suffix>]`,
 * `<pair>_<contractType>@continuousKline_<interval>`, `<assetSymbol>@assetIndex`, and the
 * market streams `!<name>`), building them from symbols × types, and routing them to `/public`
 * or `/market` with the table in routes.ts. Symbols are lower-case in stream names
 * (docs/binance.md, "Endpoints").
 */
import { InvalidArgumentError } from "../errors";
import { CONTRACT_TYPES, type Route, type StreamFamily, STREAM_FAMILIES, UNCAPTURED_STREAM_ROUTES } from "./routes";
import { normalizeSymbol } from "./symbols";

/** The family's notation without `<symbol>@`: what users write as a type (`kline_<interval>`, `depth<levels>`, `!ticker@arr`). */
function typeNotation(family: StreamFamily): string {
  const at = family.notation.indexOf("@");
  return family.scope === "market" ? family.notation : family.notation.slice(at + 1);
}

/**
 * The stream types users may ask for, in the routing table's order: the seed's types first
 * (`kline` is written `kline_<interval>`), then partial depth, the market streams and the rest.
 */
export const STREAM_TYPES: readonly string[] = STREAM_FAMILIES.map(typeNotation);

const familiesByType = new Map(
  STREAM_FAMILIES.filter((family) => !family.typePattern && family.scope !== "market").map((family) => [family.type, family]),
);
const patternFamilies = STREAM_FAMILIES.filter((family) => family.typePattern);
const marketFamilies = STREAM_FAMILIES.filter((family) => family.scope === "market");
const familiesByEventType = new Map<string, StreamFamily>();
for (const family of STREAM_FAMILIES) if (!familiesByEventType.has(family.eventType)) familiesByEventType.set(family.eventType, family);

function unknownType(type: string): InvalidArgumentError {
  return new InvalidArgumentError(
    "UNKNOWN_STREAM_TYPE",
    `Unknown stream type ${JSON.stringify(type)}: expected one of ${STREAM_TYPES.join(", ")}.`,
  );
}

function findStreamFamily(type: string): StreamFamily | undefined {
  return familiesByType.get(type) ?? patternFamilies.find((candidate) => candidate.typePattern!.test(type));
}

/** The family of a type name such as `"trade"`, `"kline_1m"` or `"depth5"`; throws a sentence listing the known types. */
export function getStreamFamily(type: string): StreamFamily {
  const family = findStreamFamily(type);
  if (!family) throw unknownType(type);
  return family;
}

/**
 * The first family of a payload's event type (`e`), or `undefined`; several families share
 * some event types (`@markPrice` and `!markPrice@arr`): `parseStreamName` tells them apart.
 */
export function findFamilyByEventType(eventType: string): StreamFamily | undefined {
  return familiesByEventType.get(eventType);
}

/** A validated stream name split into its parts. */
export interface StreamName {
  /** The full stream name as sent to Binance, e.g. `"btcusdt@depth@100ms"`. */
  readonly name: string;
  /**
   * The upper-case symbol, e.g. `"BTCUSDT"`: the pair of a continuous kline, the asset index
   * symbol of `@assetIndex`, `null` for a market stream (`!ticker@arr`).
   */
  readonly symbol: string | null;
  /** The type part, e.g. `"depth"`, `"kline_1m"`, `"depth5"`, or a market stream's `"!markPrice@arr"`. */
  readonly type: string;
  /** The ending after the type, e.g. `"@100ms"`, or `""`. */
  readonly suffix: string;
  readonly family: StreamFamily;
}

function invalidName(name: string, expected: string): InvalidArgumentError {
  return new InvalidArgumentError("INVALID_STREAM_NAME", `Invalid stream name ${JSON.stringify(name)}: ${expected}.`);
}

function checkSuffix(name: string, type: string, suffix: string, family: StreamFamily): void {
  if (family.suffixes.includes(suffix)) return;
  const allowed = family.suffixes.map((s) => `"${type}${s}"`).join(", ");
  throw invalidName(name, family.scope === "market" ? `the stream is ${allowed}` : `${type} streams are ${allowed}`);
}

function parseMarketStream(name: string): StreamName {
  for (const family of marketFamilies) {
    if (!name.startsWith(family.type)) continue;
    const suffix = name.slice(family.type.length);
    if (suffix !== "" && !suffix.startsWith("@")) continue;
    checkSuffix(name, family.type, suffix, family);
    return { name, symbol: null, type: family.type, suffix, family };
  }
  throw unknownType(name);
}

const PAIR_PREFIX = new RegExp(`^(.+)_(${CONTRACT_TYPES.join("|")})$`);

/** The pair of a continuous kline's `<pair>_<contractType>`, upper-case, or `null` when the part has no contract type. */
function pairOf(prefix: string): string | null {
  const match = PAIR_PREFIX.exec(prefix.toLowerCase());
  return match ? normalizeSymbol(match[1]) : null;
}

function checkLowerCase(name: string, prefix: string): void {
  if (prefix !== prefix.toLowerCase()) {
    throw invalidName(name, `symbols are lower-case in stream names ("${prefix.toLowerCase()}${name.slice(prefix.length)}")`);
  }
}

/**
 * Parses and validates a stream name such as `"btcusdt@trade"`, `"btcusdt@depth20@100ms"`,
 * `"btcusdt_perpetual@continuousKline_1m"` or `"!markPrice@arr@1s"`.
 * @example parseStreamName("btcusdt@depth@100ms").family.route // "public"
 */
export function parseStreamName(name: string): StreamName {
  if (typeof name !== "string") {
    throw new InvalidArgumentError(
      "INVALID_STREAM_NAME",
      `Invalid stream name ${String(name)}: expected a string such as "btcusdt@trade".`,
    );
  }
  if (name.startsWith("!")) return parseMarketStream(name);
  const at = name.indexOf("@");
  if (at <= 0) throw invalidName(name, `expected "<symbol>@<type>" such as "btcusdt@trade", or a market stream such as "!ticker@arr"`);
  const prefix = name.slice(0, at);
  const rest = name.slice(at + 1);
  const nextAt = rest.indexOf("@");
  const type = nextAt < 0 ? rest : rest.slice(0, nextAt);
  const suffix = nextAt < 0 ? "" : rest.slice(nextAt);
  const found = findStreamFamily(type);
  let symbol: string;
  if (found?.scope === "pair") {
    const pair = pairOf(prefix);
    if (pair === null) {
      throw invalidName(
        name,
        `continuous klines are "<pair>_<contractType>@continuousKline_<interval>", the contract type one of ${CONTRACT_TYPES.join(", ")} (e.g. "btcusdt_perpetual@continuousKline_1m")`,
      );
    }
    checkLowerCase(name, prefix);
    symbol = pair;
  } else {
    symbol = normalizeSymbol(prefix);
    checkLowerCase(name, prefix);
  }
  const family = found ?? getStreamFamily(type);
  checkSuffix(name, type, suffix, family);
  return { name, symbol, type, suffix, family };
}

/**
 * Builds stream names for every symbol × type. A type may carry its suffix (`"depth@100ms"`,
 * `"depth20@100ms"`, `"markPrice@1s"`). A market type (`"!ticker@arr"`, `"!markPrice@arr@1s"`)
 * is one stream whatever the symbols, and needs none. A continuous kline takes the symbol as its
 * pair, perpetual unless the symbol names a contract type (`"btcusdt_current_quarter"`).
 * @example buildStreamNames(["BTCUSDT"], ["trade", "depth@100ms", "!markPrice@arr"]) // ["btcusdt@trade", "btcusdt@depth@100ms", "!markPrice@arr"]
 */
export function buildStreamNames(symbols: readonly string[], types: readonly string[]): string[] {
  if (types.length === 0) throw new InvalidArgumentError("NO_TYPES", `No stream types given: expected some of ${STREAM_TYPES.join(", ")}.`);
  const names: string[] = [];
  const add = (name: string) => {
    parseStreamName(name);
    if (!names.includes(name)) names.push(name);
  };
  const perSymbol = types.filter((type) => !type.startsWith("!"));
  if (perSymbol.length > 0 && symbols.length === 0)
    throw new InvalidArgumentError("NO_SYMBOLS", 'No symbols given: expected at least one, such as "BTCUSDT".');
  for (const symbol of perSymbol.length > 0 ? symbols : []) {
    const namesContract = typeof symbol === "string" && pairOf(symbol) !== null;
    const lower = namesContract ? symbol.toLowerCase() : normalizeSymbol(symbol).toLowerCase();
    for (const type of perSymbol) {
      const isPair = getStreamFamily(type.split("@")[0]).scope === "pair";
      add(`${isPair && !namesContract ? `${lower}_perpetual` : lower}@${type}`);
    }
  }
  for (const type of types) if (type.startsWith("!")) add(type);
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
 * (`"!bookTicker"`, `"btcusdt@depth5"`, `"btcusdt@rpiDepth@500ms"`, ...); `null` for a name the
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A regular expression (source, anchored, RE2-compatible so SQL engines can use it too) of
 * every stream name of a family, e.g. `^[a-z0-9_]+@depth(5|10|20)(@500ms|@100ms)?$`.
 * @example new RegExp(streamNamePattern(getStreamFamily("depth5"))).test("btcusdt@depth20") // true
 */
export function streamNamePattern(family: StreamFamily): string {
  const type = family.typePattern ? family.typePattern.source.replace(/^\^|\$$/g, "") : escapeRegExp(family.type);
  const suffixes = family.suffixes.filter((suffix) => suffix !== "").map(escapeRegExp);
  const suffix = suffixes.length === 0 ? "" : `(${suffixes.join("|")})${family.suffixes.includes("") ? "?" : ""}`;
  if (family.scope === "market") return `^${type}${suffix}$`;
  const prefix = family.scope === "pair" ? `[a-z0-9]+_(${CONTRACT_TYPES.join("|")})` : "[a-z0-9_]+";
  return `^${prefix}@${type}${suffix}$`;
}
