import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { loadSample } from "../lib/store/read";
import { SampleStorage, selectMessages, streamTypeOf } from "../lib/store/storage";
import { BUNDLED } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

test("the seed's storage: per-type buckets with setData/getData", () => {
  const sample = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
  const storage = new SampleStorage();
  storage.setData("trade", sample.messages);
  assert.equal(storage.getData("trade").length, 20);
  assert.deepEqual(storage.getData("ticker"), []);
  const split = SampleStorage.fromSample(loadSample(HFT));
  assert.deepEqual(split.types().sort(), ["bookTicker", "depth", "markPrice", "trade"]);
  assert.equal(split.getData("trade").length, 1147);
  assert.equal(selectMessages(loadSample(HFT), "depth", "BTCUSDT").length, 2663);
});

test("setData keeps its own copy of the list", () => {
  const messages = [{ localTimestamp: null, stream: "btcusdt@trade", data: {} }];
  const storage = new SampleStorage();
  storage.setData("trade", messages);
  messages.push({ localTimestamp: null, stream: "btcusdt@trade", data: {} });
  assert.equal(storage.getData("trade").length, 1);
});

test("stream types: the family of known streams, the first part after the symbol otherwise", () => {
  assert.equal(streamTypeOf("btcusdt@depth@0ms"), "depth");
  assert.equal(streamTypeOf("btcusdt@depth"), "depth");
  assert.equal(streamTypeOf("btcusdt@kline_1m"), "kline_1m");
  assert.equal(streamTypeOf("btcusdt@depth20@100ms"), "depth20", "not in the endpoints table: kept as named");
  assert.equal(streamTypeOf("btcusdt@markPrice@1s"), "markPrice");
  assert.equal(streamTypeOf("btcusdt@somethingNew@fast"), "somethingNew");
  assert.equal(streamTypeOf("plain"), "plain");
});

test("selectMessages picks one type, optionally of one symbol, in order", () => {
  const messages = [
    { localTimestamp: 1, stream: "btcusdt@trade", data: { t: 1 } },
    { localTimestamp: 2, stream: "ethusdt@trade", data: { t: 2 } },
    { localTimestamp: 3, stream: "btcusdt@aggTrade", data: { a: 3 } },
    { localTimestamp: 4, stream: "btcusdt@trade", data: { t: 4 } },
  ];
  assert.deepEqual(
    selectMessages({ messages }, "trade").map((m) => m.localTimestamp),
    [1, 2, 4],
  );
  assert.deepEqual(
    selectMessages({ messages }, "trade", "btcusdt").map((m) => m.localTimestamp),
    [1, 4],
  );
  assert.deepEqual(selectMessages({ messages }, "aggTrade", "ETHUSDT"), []);
  assert.throws(() => selectMessages({ messages }, "trade", "../x"), /Invalid symbol/);
});
