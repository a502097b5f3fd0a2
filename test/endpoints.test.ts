import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import {
  buildStreamNames,
  combinedStreamUrl,
  depthSnapshotUrl,
  groupStreamsByRoute,
  isBinanceHost,
  isDiffDepthStream,
  normalizeSymbol,
  parseStreamName,
  rawStreamUrl,
  resolveEndpoints,
  routeOfStream,
  splitSymbolAssets,
  ROUTING_TABLE,
  STREAM_FAMILIES,
  type Route,
  type RoutingTableRow,
} from "../lib/binance/endpoints";
import { isTakerSell, takerSideOf } from "../lib/binance/taker-side";
import { InvalidArgumentError } from "../lib/errors";

/** The rows of the markdown table headed "stream family | route | example" in docs/binance.md. */
function readDocRoutingTable(): RoutingTableRow[] {
  const text = fs.readFileSync(path.join(__dirname, "..", "docs", "binance.md"), "utf8");
  const lines = text.split("\n");
  const header = lines.findIndex((line) => /^\|\s*stream family\s*\|\s*route\s*\|\s*example\s*\|\s*$/.test(line));
  assert.ok(header >= 0, 'docs/binance.md has a table headed "stream family | route | example"');
  assert.match(lines[header + 1], /^\|(\s*-+\s*\|){3}\s*$/);
  const rows: RoutingTableRow[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").slice(1, -1);
    assert.equal(cells.length, 3, `three cells in ${JSON.stringify(line)}`);
    const code = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const routes = code(cells[1]).map((route) => {
      assert.match(route, /^\/(public|market)$/, `a route in ${JSON.stringify(line)}`);
      return route.slice(1) as Route;
    });
    assert.ok(routes.length === 1 || routes.length === 2, `one route, or a route and an alternative, in ${JSON.stringify(line)}`);
    assert.equal(code(cells[0]).length, 1, `one family in ${JSON.stringify(line)}`);
    assert.equal(code(cells[2]).length, 1, `one example in ${JSON.stringify(line)}`);
    rows.push({ family: code(cells[0])[0], route: routes[0], alternativeRoute: routes[1] ?? null, example: code(cells[2])[0] });
  }
  return rows;
}

test("routes follow the 2026 /public vs /market split", () => {
  const route = (name: string) => parseStreamName(name).family.route;
  assert.equal(route("btcusdt@depth"), "public");
  assert.equal(route("btcusdt@depth@100ms"), "public");
  assert.equal(route("btcusdt@depth@0ms"), "public");
  assert.equal(route("btcusdt@bookTicker"), "public");
  assert.equal(route("btcusdt@trade"), "public");
  assert.equal(route("btcusdt@aggTrade"), "market");
  assert.equal(route("btcusdt@ticker"), "market");
  assert.equal(route("btcusdt@miniTicker"), "market");
  assert.equal(route("btcusdt@markPrice@1s"), "market");
  assert.equal(route("btcusdt@kline_1m"), "market");
  // one row per family, no duplicates
  assert.equal(new Set(STREAM_FAMILIES.map((f) => f.type)).size, STREAM_FAMILIES.length);
});

test("the routing table in docs/binance.md is the code's routing table", () => {
  assert.deepEqual(readDocRoutingTable(), ROUTING_TABLE);
});

test("every routing-table example routes to its row, captured families through parseStreamName", () => {
  for (const row of ROUTING_TABLE) assert.equal(routeOfStream(row.example), row.route, row.example);
  for (const family of STREAM_FAMILIES) {
    assert.equal(parseStreamName(family.example).family, family, family.example);
    assert.ok(
      family.docUrl.startsWith("https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/"),
      family.docUrl,
    );
  }
  assert.equal(routeOfStream("btcusdt@depth20"), "public");
  assert.equal(routeOfStream("!markPrice@arr"), "market");
  assert.equal(routeOfStream("btcusdt@nothing"), null);
  assert.equal(routeOfStream("1"), null); // ccxt's connection number where a stream name would go
});

test("@trade: /public for captures, /market as the alternative a replay also serves", () => {
  const trade = parseStreamName("btcusdt@trade").family;
  assert.equal(trade.route, "public");
  assert.equal(trade.alternativeRoute, "market");
  assert.deepEqual(
    STREAM_FAMILIES.filter((f) => f.alternativeRoute !== null).map((f) => f.type),
    ["trade"],
  );
  const documented = readDocRoutingTable().find((row) => row.family === "<symbol>@trade");
  assert.deepEqual(documented, { family: "<symbol>@trade", route: "public", alternativeRoute: "market", example: "btcusdt@trade" });
  assert.deepEqual(groupStreamsByRoute(["btcusdt@trade"]).get("public"), ["btcusdt@trade"]);
});

test("diff depth, Binance hosts, symbol assets and the taker side", () => {
  assert.equal(isDiffDepthStream("btcusdt@depth"), true);
  assert.equal(isDiffDepthStream("btcusdt@depth@0ms"), true);
  assert.equal(isDiffDepthStream("btcusdt@depth5"), false);
  assert.equal(isDiffDepthStream("btcusdt@depth20@100ms"), false);
  assert.equal(isDiffDepthStream("btcusdt@bookTicker"), false);
  assert.equal(isBinanceHost("fstream.binance.com"), true);
  assert.equal(isBinanceHost("fstream.binancefuture.com"), true);
  assert.equal(isBinanceHost("127.0.0.1"), false);
  assert.deepEqual(splitSymbolAssets("ETHBTC"), { base: "ETH", quote: "BTC" });
  assert.deepEqual(splitSymbolAssets("BTCUSDT_240628"), { base: "BTC", quote: "USDT" });
  assert.deepEqual(splitSymbolAssets("ETHFDUSD"), { base: "ETH", quote: "FDUSD" });
  assert.deepEqual(splitSymbolAssets("XYZ"), { base: "base asset", quote: "quote asset" });
  // m: true → the buyer was the maker, so the taker sold.
  assert.equal(takerSideOf(true), "sell");
  assert.equal(takerSideOf(false), "buy");
  assert.equal(takerSideOf(1), "sell");
  assert.equal(takerSideOf(0), "buy");
  assert.equal(isTakerSell(true), true);
  assert.equal(isTakerSell(0), false);
});

test("stream names are built and validated with clear errors", () => {
  assert.deepEqual(buildStreamNames(["BTCUSDT", "ethusdt"], ["trade", "depth@100ms"]), [
    "btcusdt@trade",
    "btcusdt@depth@100ms",
    "ethusdt@trade",
    "ethusdt@depth@100ms",
  ]);
  assert.throws(
    () => parseStreamName("btcusdt@tickr"),
    (error: InvalidArgumentError) => {
      assert.equal(error.code, "UNKNOWN_STREAM_TYPE");
      assert.match(error.message, /Unknown stream type "tickr": expected one of ticker, trade, miniTicker, depth, aggTrade/);
      return true;
    },
  );
  assert.throws(() => parseStreamName("btcusdt@depth@250ms"), /depth streams are "depth", "depth@100ms", "depth@500ms", "depth@0ms"/);
  assert.throws(() => parseStreamName("BTCUSDT@trade"), /lower-case/);
  assert.throws(() => normalizeSymbol("../x"), /Invalid symbol "\.\.\/x"/);
  assert.throws(() => normalizeSymbol("btc/usdt"), /Invalid symbol/);
  assert.equal(normalizeSymbol("btcusdt_240628"), "BTCUSDT_240628");
  assert.throws(() => buildStreamNames([], ["trade"]), /No symbols/);
});

test("groups streams by route in order", () => {
  const groups = groupStreamsByRoute(["btcusdt@trade", "btcusdt@ticker", "btcusdt@depth", "btcusdt@aggTrade"]);
  assert.deepEqual(groups.get("public"), ["btcusdt@trade", "btcusdt@depth"]);
  assert.deepEqual(groups.get("market"), ["btcusdt@ticker", "btcusdt@aggTrade"]);
});

test("base URLs: option, then environment, then Binance; paths added like Binance", () => {
  assert.deepEqual(resolveEndpoints({}, {}), { wsBaseUrl: "wss://fstream.binance.com", restBaseUrl: "https://fapi.binance.com" });
  assert.deepEqual(resolveEndpoints({}, { STREAMLAB_WS_URL: "ws://127.0.0.1:9443" }), {
    wsBaseUrl: "ws://127.0.0.1:9443",
    restBaseUrl: "http://127.0.0.1:9443",
  });
  assert.equal(resolveEndpoints({ wsBaseUrl: "wss://fstream.binancefuture.com" }, {}).restBaseUrl, "https://testnet.binancefuture.com");
  assert.equal(
    resolveEndpoints({ restBaseUrl: "http://127.0.0.1:1" }, { STREAMLAB_REST_URL: "http://127.0.0.1:2" }).restBaseUrl,
    "http://127.0.0.1:1",
  );
  assert.throws(() => resolveEndpoints({ wsBaseUrl: "ws://127.0.0.1:9443/market" }, {}), /scheme, host and port only/);
  assert.throws(() => resolveEndpoints({ wsBaseUrl: "http://127.0.0.1:9443" }, {}), /expected the scheme ws or wss/);
  assert.throws(() => resolveEndpoints({ wsBaseUrl: "not a url" }, {}), /Invalid websocket base URL "not a url"/);
  assert.equal(
    combinedStreamUrl("wss://fstream.binance.com", "public", ["btcusdt@depth", "btcusdt@trade"]),
    "wss://fstream.binance.com/public/stream?streams=btcusdt@depth/btcusdt@trade",
  );
  assert.equal(
    rawStreamUrl("wss://fstream.binance.com", "market", "btcusdt@aggTrade"),
    "wss://fstream.binance.com/market/ws/btcusdt@aggTrade",
  );
  assert.equal(depthSnapshotUrl("https://fapi.binance.com", "btcusdt"), "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
});
