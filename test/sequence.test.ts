import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { SequenceTracker, findSequenceGaps } from "../lib/binance/sequence";
import { loadSample } from "../lib/store/read";
import { BUNDLED } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

test("sequence gaps: none in the real recordings, every kind of break detected", () => {
  for (const name of [
    "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz",
    "alts-2021-04-17-cryptofeed.jsonl.gz",
    "alts-2021-07-22-cryptofeed.jsonl.gz",
  ]) {
    assert.deepEqual(loadSample(path.join(BUNDLED, name)).gaps, [], name);
  }
  const hft = loadSample(HFT).messages;
  const trades = hft.filter((m) => m.stream === "btcusdt@trade").slice(0, 10);
  const withoutOne = [...trades.slice(0, 4), ...trades.slice(6)];
  const tradeGaps = findSequenceGaps(withoutOne);
  assert.equal(tradeGaps.length, 1);
  assert.deepEqual([tradeGaps[0].field, tradeGaps[0].missing, tradeGaps[0].index], ["t", 2, 4]);
  const depth = hft.filter((m) => m.stream === "btcusdt@depth@0ms").slice(0, 6);
  const depthGaps = findSequenceGaps([...depth.slice(0, 2), ...depth.slice(3)]);
  assert.equal(depthGaps.length, 1);
  assert.equal(depthGaps[0].field, "pu");
  assert.equal(depthGaps[0].expected, (depth[1].data as { u: number }).u);
  const books = hft.filter((m) => m.stream === "btcusdt@bookTicker").slice(0, 3);
  assert.equal(findSequenceGaps([books[1], books[0], books[2]])[0].field, "u");
  const agg = loadSample(path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz"))
    .messages.filter((m) => m.stream === "dentusdt@aggTrade")
    .slice(0, 5);
  const aggGaps = findSequenceGaps([agg[0], agg[2]]);
  assert.deepEqual([aggGaps[0].field, aggGaps[0].missing], ["a", 1]);
  // two symbols never share a chain
  assert.equal(
    findSequenceGaps([...trades.slice(0, 2), { stream: "ethusdt@trade", data: { ...(trades[0].data as object), t: 5 } }]).length,
    0,
  );
});

test("a gap says where: stream, kind, expected and actual ids, index, event time and receive time", () => {
  const gaps = findSequenceGaps([
    { stream: "btcusdt@trade", data: { e: "trade", E: 10, t: 100 }, localTimestamp: 1.5 },
    { stream: "btcusdt@trade", data: { e: "trade", E: 11, t: 101 }, localTimestamp: 2.5 },
    { stream: "btcusdt@trade", data: { e: "trade", E: 12, t: 105 }, localTimestamp: 3.5 },
    { stream: "btcusdt@trade", data: { e: "trade", t: 106 } },
  ]);
  assert.deepEqual(gaps, [
    {
      stream: "btcusdt@trade",
      kind: "tradeId",
      field: "t",
      expected: 102,
      actual: 105,
      missing: 3,
      index: 2,
      eventTime: 12,
      localTimestamp: 3.5,
    },
  ]);
});

test("aggTrade chains check both a and f; the chain goes on from the message after a gap", () => {
  const agg = (a: number, f: number, l: number) => ({ stream: "ksmusdt@aggTrade", data: { e: "aggTrade", E: a, a, f, l } });
  const gaps = findSequenceGaps([agg(1, 10, 12), agg(2, 13, 13), agg(3, 16, 17), agg(4, 18, 20), agg(6, 21, 21)]);
  assert.deepEqual(
    gaps.map((g) => [g.field, g.expected, g.actual, g.missing, g.index]),
    [
      ["f", 14, 16, 2, 2],
      ["a", 5, 6, 1, 4],
    ],
  );
});

test("depth chains through pu == previous u, never through U; bookTicker u may repeat but not go back", () => {
  const depth = (U: number, u: number, pu: number) => ({ stream: "btcusdt@depth@100ms", data: { e: "depthUpdate", E: u, U, u, pu } });
  assert.deepEqual(findSequenceGaps([depth(10, 20, 5), depth(35, 40, 20), depth(41, 50, 40)]), [], "U jumps are normal");
  const broken = findSequenceGaps([depth(10, 20, 5), depth(21, 30, 20), depth(41, 50, 35)]);
  assert.deepEqual(
    broken.map((g) => [g.kind, g.field, g.expected, g.actual, g.missing]),
    [["depthChain", "pu", 30, 35, null]],
  );
  const book = (u: number) => ({ stream: "btcusdt@bookTicker", data: { e: "bookTicker", u } });
  assert.deepEqual(findSequenceGaps([book(5), book(5), book(9)]), []);
  const back = findSequenceGaps([book(5), book(9), book(7), book(8)]);
  assert.deepEqual(
    back.map((g) => [g.field, g.expected, g.actual, g.index]),
    [
      ["u", 9, 7, 2],
      ["u", 9, 8, 3],
    ],
    "the chain keeps the highest u seen",
  );
});

test("streams without an id chain, unknown events and non-objects are skipped but still counted in the index", () => {
  const tracker = new SequenceTracker();
  assert.equal(tracker.check("btcusdt@ticker", { e: "24hrTicker", E: 1 }), null);
  assert.equal(tracker.check("btcusdt@x", { e: "somethingNew" }), null);
  assert.equal(tracker.check("btcusdt@x", "text"), null);
  assert.equal(tracker.check("btcusdt@x", null), null);
  assert.equal(tracker.check("btcusdt@trade", { e: "trade", t: 1 }), null, "the first message of a chain starts it");
  const gap = tracker.check("btcusdt@trade", { e: "trade", t: 3 }, 42);
  assert.equal(gap?.index, 5);
  assert.equal(gap?.localTimestamp, 42);
  assert.equal(gap?.eventTime, null);
  // two speeds of one symbol's depth are two chains
  assert.deepEqual(
    findSequenceGaps([
      { stream: "btcusdt@depth@0ms", data: { e: "depthUpdate", u: 10, pu: 1 } },
      { stream: "btcusdt@depth@100ms", data: { e: "depthUpdate", u: 12, pu: 2 } },
      { stream: "btcusdt@depth@0ms", data: { e: "depthUpdate", u: 11, pu: 10 } },
    ]),
    [],
  );
});
