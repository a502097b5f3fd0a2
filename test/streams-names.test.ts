/**
 * Stream names of every USDⓈ-M market stream family: parsing, building and routing them, and the
 * readers that depend on a stream's family (sequence checks, sample metadata, file names).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import {
  STREAM_FAMILIES,
  STREAM_TYPES,
  buildStreamNames,
  getStreamFamily,
  groupStreamsByRoute,
  isServedOnRoute,
  parseStreamName,
  routeOfStream,
  streamNamePattern,
} from "../lib/binance/endpoints";
import { findSequenceGaps } from "../lib/binance/sequence";
import { schemaOfStream, symbolOfEvent } from "../lib/binance/stream-schemas";
import { InvalidArgumentError } from "../lib/errors";
import { summarizeSample } from "../lib/store/meta";
import { loadSample } from "../lib/store/read";
import { streamTypeOf } from "../lib/store/storage";
import { sampleFileName } from "../lib/store/write";
import { BUNDLED, DOCUMENTED_EXAMPLES, readRecordingLines } from "./helpers";

test("every family's example parses to its family, with the symbol its scope names", () => {
  const expected: Record<string, [string | null, string]> = {
    "btcusdt@depth5@100ms": ["BTCUSDT", "partialDepth"],
    "!bookTicker": [null, "!bookTicker"],
    "!markPrice@arr@1s": [null, "!markPrice@arr"],
    "btcusdt_perpetual@continuousKline_1m": ["BTCUSDT", "continuousKline"],
    "!ticker@arr": [null, "!ticker@arr"],
    "!miniTicker@arr": [null, "!miniTicker@arr"],
    "btcusdt@forceOrder": ["BTCUSDT", "forceOrder"],
    "!forceOrder@arr": [null, "!forceOrder@arr"],
    "!contractInfo": [null, "!contractInfo"],
    "!assetIndex@arr": [null, "!assetIndex@arr"],
    "adausd@assetIndex": ["ADAUSD", "assetIndex"],
    "btcdomusdt@compositeIndex": ["BTCDOMUSDT", "compositeIndex"],
  };
  for (const family of STREAM_FAMILIES) {
    const parsed = parseStreamName(family.example);
    assert.equal(parsed.family, family, family.example);
    if (expected[family.example]) assert.deepEqual([parsed.symbol, parsed.family.type], expected[family.example], family.example);
    assert.equal(schemaOfStream(family.example)?.kind, family.kind, family.example);
    assert.equal(family.scope === "market", family.example.startsWith("!"), family.example);
  }
  assert.equal(Object.keys(expected).length, STREAM_FAMILIES.length - 8, "every added family is checked");
});

test("every suffix, interval, level count and contract type Binance lists is accepted", () => {
  for (const levels of [5, 10, 20])
    for (const speed of ["", "@500ms", "@100ms"])
      assert.equal(parseStreamName(`btcusdt@depth${levels}${speed}`).family.kind, "partialDepth");
  for (const interval of ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"]) {
    assert.equal(parseStreamName(`btcusdt@kline_${interval}`).family.type, "kline");
    for (const contract of ["perpetual", "current_quarter", "next_quarter"]) {
      assert.equal(parseStreamName(`btcusdt_${contract}@continuousKline_${interval}`).symbol, "BTCUSDT");
    }
  }
  assert.equal(parseStreamName("!markPrice@arr").suffix, "");
  assert.equal(parseStreamName("!markPrice@arr@1s").suffix, "@1s");
  assert.equal(parseStreamName("btcusdt_240628@forceOrder").symbol, "BTCUSDT_240628");
});

test("bad names are refused with a sentence naming what Binance accepts", () => {
  const refuse = (name: string, code: string, pattern: RegExp) =>
    assert.throws(
      () => parseStreamName(name),
      (error: InvalidArgumentError) => {
        assert.equal(error.code, code, name);
        assert.match(error.message, pattern, name);
        return true;
      },
    );
  refuse("btcusdt@depth15", "UNKNOWN_STREAM_TYPE", /Unknown stream type "depth15"/);
  refuse("btcusdt@depth5@250ms", "INVALID_STREAM_NAME", /depth5 streams are "depth5", "depth5@500ms", "depth5@100ms"/);
  refuse("btcusdt@kline_1s", "UNKNOWN_STREAM_TYPE", /expected one of .*kline_<interval>/);
  refuse(
    "btcusdt@continuousKline_1m",
    "INVALID_STREAM_NAME",
    /"<pair>_<contractType>@continuousKline_<interval>", the contract type one of perpetual, current_quarter, next_quarter/,
  );
  refuse("btcusdt_weekly@continuousKline_1m", "INVALID_STREAM_NAME", /contract type one of/);
  refuse("BTCUSDT_PERPETUAL@continuousKline_1m", "INVALID_STREAM_NAME", /lower-case/);
  refuse("!ticker", "UNKNOWN_STREAM_TYPE", /Unknown stream type "!ticker": expected one of .*!ticker@arr/);
  refuse("!markPrice@arr@3s", "INVALID_STREAM_NAME", /the stream is "!markPrice@arr", "!markPrice@arr@1s"/);
  refuse("!bookTickers", "UNKNOWN_STREAM_TYPE", /!bookTickers/);
  refuse("btcusdt@!ticker@arr", "UNKNOWN_STREAM_TYPE", /Unknown stream type "!ticker"/);
  assert.ok(
    STREAM_TYPES.includes("!markPrice@arr") &&
      STREAM_TYPES.includes("depth<levels>") &&
      STREAM_TYPES.includes("continuousKline_<interval>"),
  );
  assert.deepEqual(STREAM_TYPES.slice(0, 8), [
    "ticker",
    "trade",
    "miniTicker",
    "depth",
    "aggTrade",
    "bookTicker",
    "markPrice",
    "kline_<interval>",
  ]);
  assert.equal(getStreamFamily("depth20").type, "partialDepth");
});

test("buildStreamNames: market types once and without symbols, pairs perpetual unless the symbol names a contract", () => {
  assert.deepEqual(buildStreamNames([], ["!ticker@arr", "!markPrice@arr@1s"]), ["!ticker@arr", "!markPrice@arr@1s"]);
  assert.deepEqual(buildStreamNames(["BTCUSDT", "ETHUSDT"], ["depth5@100ms", "!forceOrder@arr", "forceOrder"]), [
    "btcusdt@depth5@100ms",
    "btcusdt@forceOrder",
    "ethusdt@depth5@100ms",
    "ethusdt@forceOrder",
    "!forceOrder@arr",
  ]);
  assert.deepEqual(buildStreamNames(["BTCUSDT", "btcusdt_current_quarter"], ["continuousKline_5m"]), [
    "btcusdt_perpetual@continuousKline_5m",
    "btcusdt_current_quarter@continuousKline_5m",
  ]);
  assert.throws(
    () => buildStreamNames([], ["trade", "!ticker@arr"]),
    (error: InvalidArgumentError) => error.code === "NO_SYMBOLS",
  );
  assert.throws(
    () => buildStreamNames(["BTCUSDT"], []),
    (error: InvalidArgumentError) => error.code === "NO_TYPES",
  );
  assert.throws(
    () => buildStreamNames(["../x"], ["forceOrder"]),
    (error: InvalidArgumentError) => error.code === "INVALID_SYMBOL",
  );
});

test("routes: partial depth and !bookTicker on /public, every other new family on /market; rpiDepth routed but not decoded", () => {
  const groups = groupStreamsByRoute(STREAM_FAMILIES.slice(8).map((family) => family.example));
  assert.deepEqual(groups.get("public"), ["btcusdt@depth5@100ms", "!bookTicker"]);
  assert.equal(groups.get("market")?.length, STREAM_FAMILIES.length - 10);
  assert.equal(isServedOnRoute("!bookTicker", "market"), false);
  assert.equal(isServedOnRoute("!ticker@arr", "market"), true);
  assert.equal(routeOfStream("btcusdt@rpiDepth@500ms"), "public");
  assert.throws(
    () => parseStreamName("btcusdt@rpiDepth@500ms"),
    (error: InvalidArgumentError) => error.code === "UNKNOWN_STREAM_TYPE",
  );
});

test("the readers that go by a stream's family: storage types, file names, symbols of array and nested payloads", () => {
  assert.equal(streamTypeOf("btcusdt@depth20@100ms"), "depth20"); // the type part, as kline_1m is
  assert.equal(streamTypeOf("!ticker@arr"), "!ticker@arr");
  assert.equal(sampleFileName([], ["!ticker@arr", "!markPrice@arr@1s"], new Date(0)), "ticker-arr-markPrice-arr-1s-19700101T000000Z");
  const examples = readRecordingLines(DOCUMENTED_EXAMPLES).map((line) => ({
    localTimestamp: null,
    ...(JSON.parse(line) as { stream: string; data: unknown }),
  }));
  const singles = loadSample(path.join(BUNDLED, "usdm-2021-2022-crypto-crawler-messages.jsonl")).messages;
  const sample = summarizeSample([...singles, ...examples], { source: { kind: "recording" } });
  // Array payloads give one symbol per event; a liquidation's symbol is o.s, a continuous kline's its pair.
  for (const symbol of ["BTCUSDT", "ETHUSDT", "IOTXUSDT", "BALUSDT", "ADAUSD", "USDTUSD", "DEFIUSDT", "IOTAUSDT"])
    assert.ok(sample.symbols.includes(symbol), symbol);
  assert.equal(symbolOfEvent("!forceOrder@arr", examples.find((m) => m.stream === "!forceOrder@arr")!.data), "BTCUSDT");
  assert.equal(
    symbolOfEvent("btcusdt_perpetual@continuousKline_1m", examples.find((m) => m.stream.includes("continuous"))!.data),
    "BTCUSDT",
  );
  assert.equal(sample.firstEventTime, 123456789); // the documented !miniTicker@arr example's E, inside its array
});

test("sequence checks: !bookTicker's update ids chained per symbol; partial depth pictures are not a chain", () => {
  const book = (s: string, u: number) => ({
    stream: "!bookTicker",
    data: { e: "bookTicker", u, s, E: u, T: u, b: "1", B: "1", a: "2", A: "1" },
  });
  // Two symbols interleaved: each one's u goes up, the stream's as a whole does not.
  assert.deepEqual(findSequenceGaps([book("AUSDT", 10), book("BUSDT", 5), book("AUSDT", 11), book("BUSDT", 6)]), []);
  const gaps = findSequenceGaps([book("AUSDT", 10), book("BUSDT", 5), book("AUSDT", 9)]);
  assert.deepEqual(
    gaps.map((gap) => [gap.stream, gap.field, gap.expected, gap.actual]),
    [["!bookTicker", "u", 10, 9]],
  );
  const picture = (u: number, pu: number) => ({
    stream: "btcusdt@depth5",
    data: { e: "depthUpdate", E: u, T: u, s: "BTCUSDT", U: pu + 1, u, pu, b: [], a: [] },
  });
  assert.deepEqual(findSequenceGaps([picture(10, 1), picture(20, 15)]), []);
  const diff = (u: number, pu: number) => ({ ...picture(u, pu), stream: "btcusdt@depth@100ms" });
  assert.equal(findSequenceGaps([diff(10, 1), diff(20, 15)]).length, 1);
});

test("streamNamePattern: each family's names and no other family's", () => {
  for (const family of STREAM_FAMILIES) {
    const pattern = new RegExp(streamNamePattern(family));
    for (const other of STREAM_FAMILIES) assert.equal(pattern.test(other.example), other === family, `${family.type} vs ${other.example}`);
  }
  assert.equal(new RegExp(streamNamePattern(getStreamFamily("depth"))).test("btcusdt@depth20"), false);
  assert.equal(new RegExp(streamNamePattern(getStreamFamily("depth5"))).test("btcusdt@depth20@500ms"), true);
  assert.equal(new RegExp(streamNamePattern(getStreamFamily("continuousKline_1m"))).test("btcusdt_next_quarter@continuousKline_1w"), true);
});
