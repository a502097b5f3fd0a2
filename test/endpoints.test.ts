import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildStreamNames,
  combinedStreamUrl,
  depthSnapshotUrl,
  groupStreamsByRoute,
  normalizeSymbol,
  parseStreamName,
  rawStreamUrl,
  resolveEndpoints,
  STREAM_FAMILIES,
} from "../lib/binance/endpoints";
import { InvalidArgumentError } from "../lib/errors";

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

test("stream names are built and validated with clear errors", () => {
  assert.deepEqual(buildStreamNames(["BTCUSDT", "ethusdt"], ["trade", "depth@100ms"]), [
    "btcusdt@trade",
    "btcusdt@depth@100ms",
    "ethusdt@trade",
    "ethusdt@depth@100ms",
  ]);
  assert.throws(() => parseStreamName("btcusdt@tickr"), (error: InvalidArgumentError) => {
    assert.equal(error.code, "UNKNOWN_STREAM_TYPE");
    assert.match(error.message, /Unknown stream type "tickr": expected one of ticker, trade, miniTicker, depth, aggTrade/);
    return true;
  });
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
  assert.deepEqual(resolveEndpoints({}, { STREAMLAB_WS_URL: "ws://127.0.0.1:9443" }), { wsBaseUrl: "ws://127.0.0.1:9443", restBaseUrl: "http://127.0.0.1:9443" });
  assert.equal(resolveEndpoints({ wsBaseUrl: "wss://fstream.binancefuture.com" }, {}).restBaseUrl, "https://testnet.binancefuture.com");
  assert.equal(resolveEndpoints({ restBaseUrl: "http://127.0.0.1:1" }, { STREAMLAB_REST_URL: "http://127.0.0.1:2" }).restBaseUrl, "http://127.0.0.1:1");
  assert.throws(() => resolveEndpoints({ wsBaseUrl: "ws://127.0.0.1:9443/market" }, {}), /scheme, host and port only/);
  assert.throws(() => resolveEndpoints({ wsBaseUrl: "http://127.0.0.1:9443" }, {}), /expected the scheme ws or wss/);
  assert.throws(() => resolveEndpoints({ wsBaseUrl: "not a url" }, {}), /Invalid websocket base URL "not a url"/);
  assert.equal(combinedStreamUrl("wss://fstream.binance.com", "public", ["btcusdt@depth", "btcusdt@trade"]), "wss://fstream.binance.com/public/stream?streams=btcusdt@depth/btcusdt@trade");
  assert.equal(rawStreamUrl("wss://fstream.binance.com", "market", "btcusdt@aggTrade"), "wss://fstream.binance.com/market/ws/btcusdt@aggTrade");
  assert.equal(depthSnapshotUrl("https://fapi.binance.com", "btcusdt"), "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
});
