import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { loadSample } from "../lib/store/read";
import { saveSample } from "../lib/store/write";
import { SampleFileError } from "../lib/errors";
import { BUNDLED, makeTempDir } from "./helpers";
import { formatOneSampleText } from "./store-helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const TRADES = path.join(BUNDLED, "btcusdt-trade.json");

const TRADE = { e: "trade", E: 1000, T: 1000, s: "BTCUSDT", t: 1, p: "1.0", q: "1", X: "MARKET", m: false };

test("a seed JSON array loads as a complete recording named after its file", () => {
  const sample = loadSample(TRADES);
  assert.equal(sample.file, TRADES);
  assert.deepEqual(sample.source, { kind: "recording", file: "btcusdt-trade.json" });
  assert.equal(sample.count, 20);
  assert.equal(sample.complete, true);
  assert.deepEqual(sample.symbols, ["BTCUSDT"]);
  assert.deepEqual(sample.streams, ["btcusdt@trade"]);
  assert.deepEqual(sample.snapshots, []);
  assert.equal(sample.messages[0].localTimestamp, null, "the seed's arrays carry no receive times");
});

test("a gzipped JSONL recording loads its messages, receive times and snapshots (with their position)", () => {
  const sample = loadSample(HFT);
  assert.equal(sample.count, 7584);
  assert.deepEqual(sample.countsByStream, {
    "btcusdt@bookTicker": 3714,
    "btcusdt@trade": 1147,
    "btcusdt@depth@0ms": 2663,
    "btcusdt@markPrice@1s": 60,
  });
  assert.equal(sample.messages[0].localTimestamp, 1680652700423.575);
  assert.deepEqual([sample.firstEventTime, sample.lastEventTime], [1680652700435, 1680652760429]);
  assert.equal(sample.snapshots.length, 1);
  assert.equal(sample.snapshots[0].messageIndex, 16);
  assert.equal(sample.snapshots[0].symbol, "BTCUSDT");
});

test("plain and gzipped JSONL read the same; a journal header gives source, symbols, streams and start", () => {
  const dir = makeTempDir();
  const lines = [
    JSON.stringify({
      journal: "streamlab",
      formatVersion: 1,
      meta: {
        library: { name: "streamlab", version: "9" },
        source: { kind: "live", wsBaseUrl: "wss://x" },
        symbols: ["BTCUSDT", "ETHUSDT"],
        streams: ["btcusdt@trade", "ethusdt@trade"],
        startedAt: "2026-01-01T00:00:00.000Z",
      },
    }),
    JSON.stringify({ localTimestamp: 5, event: { kind: "open", url: "wss://x/public/stream?streams=btcusdt@trade" } }),
    JSON.stringify({ localTimestamp: 6, stream: "btcusdt@trade", data: TRADE }),
  ];
  fs.writeFileSync(path.join(dir, "rec.jsonl"), lines.join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "rec.jsonl.gz"), zlib.gzipSync(lines.join("\n") + "\n"));
  const plain = loadSample(path.join(dir, "rec.jsonl"));
  const gzipped = loadSample(path.join(dir, "rec.jsonl.gz"));
  assert.deepEqual(gzipped.messages, plain.messages);
  assert.deepEqual(plain.source, { kind: "live", wsBaseUrl: "wss://x", urls: ["wss://x/public/stream?streams=btcusdt@trade"] });
  assert.deepEqual(plain.symbols, ["BTCUSDT", "ETHUSDT"], "the header's symbols, not only those seen");
  assert.deepEqual(plain.library, { name: "streamlab", version: "9" });
  assert.equal(plain.startedAt, "2026-01-01T00:00:00.000Z");
  assert.equal(plain.complete, true, "a .jsonl is a finished recording");
  assert.deepEqual(plain.events, [{ localTimestamp: 5, kind: "open", url: "wss://x/public/stream?streams=btcusdt@trade" }]);
  assert.deepEqual(plain.messages, [{ localTimestamp: 6, stream: "btcusdt@trade", data: TRADE }]);
});

test("corrupt, truncated, empty and foreign files give a clear SampleFileError", () => {
  const dir = makeTempDir();
  const good = formatOneSampleText(loadSample(TRADES).messages);
  const good2 = fs.readFileSync(saveSample(loadSample(TRADES).messages, { dir, name: "good" }), "utf8");
  const [header2, ...body2] = good2.split("\n");
  const withHeader = (change: (meta: Record<string, unknown>) => void) => {
    const header = JSON.parse(header2);
    change(header.meta);
    return [JSON.stringify(header), ...body2].join("\n");
  };
  const cases: [string, string, string, RegExp][] = [
    ["truncated.json", good.slice(0, good.length / 2), "CORRUPT_SAMPLE", /truncated\.json is not valid JSON .*truncated or corrupt/],
    ["empty.json", "", "CORRUPT_SAMPLE", /it is empty/],
    ["other.json", '{"hello": 1}', "NOT_A_SAMPLE", /is not a sample/],
    ["bad-message.json", '[{"stream": 5}]', "INVALID_MESSAGE", /Item 0 of .* is not a stream message/],
    ["future.json", '{"format":"streamlab.sample","formatVersion":99,"messages":[]}', "UNSUPPORTED_VERSION", /formatVersion 99/],
    [
      "middle.jsonl",
      '{"stream":"a@trade","data":{}}\nnot json\n{"stream":"a@trade","data":{}}\n',
      "CORRUPT_LINE",
      /Line 2 of .* is not valid JSON/,
    ],
    ["tail.jsonl.gz", "not gzip", "CORRUPT_GZIP", /not a complete gzip file/],
    // beyond the original cases: the other checks of loadSample
    ["no-messages.json", '{"format":"streamlab.sample","formatVersion":1}', "INVALID_SAMPLE", /has no "messages" array/],
    ["count.json", good.replace('"count":20', '"count":21'), "COUNT_MISMATCH", /says count 21 but holds 20 messages/],
    [
      "time.jsonl",
      '{"localTimestamp":"noon","stream":"a@trade","data":{}}\n',
      "INVALID_MESSAGE",
      /Line 1 of .* has localTimestamp "noon": expected a number of ms/,
    ],
    ["array-line.jsonl", '{"stream":"a@trade","data":{}}\n[1,2]\n', "CORRUPT_LINE", /Line 2 of .* is not a JSON object/],
    ["cut.jsonl", '{"stream":"a@trade","data":{}}\n{"stream":"a@tr', "CORRUPT_LINE", /Line 2 of .* The file looks truncated\./],
    // format 2: the header is checked before anything uses it
    ["count2.jsonl", withHeader((meta) => (meta.count = 21)), "COUNT_MISMATCH", /says count 21 but holds 20 messages/],
    [
      "future2.jsonl",
      good2.replace('"formatVersion":2', '"formatVersion":3'),
      "UNSUPPORTED_VERSION",
      /formatVersion 3: this library reads up to 2/,
    ],
    [
      "time2.jsonl",
      withHeader((meta) => (meta.startedAt = "yesterday")),
      "INVALID_META",
      /The header of .*time2\.jsonl has startedAt "yesterday": expected an ISO time/,
    ],
    [
      "counts2.jsonl",
      withHeader((meta) => delete meta.countsByStream),
      "INVALID_META",
      /has countsByStream nothing: expected an object of counts/,
    ],
    [
      "source2.jsonl",
      withHeader((meta) => (meta.source = { kind: "moon" })),
      "INVALID_META",
      /has source\.kind "moon": expected live, replay, recording/,
    ],
    [
      "events2.jsonl",
      withHeader((meta) => (meta.events = [{ kind: "open" }])),
      "INVALID_META",
      /has events\[0\]\.localTimestamp nothing: expected a number/,
    ],
    [
      "body2.jsonl",
      good2.replace('"stream":"btcusdt@trade","data":{', '"stream":"btcusdt@trade","dat":{'),
      "INVALID_MESSAGE",
      /Line 2 of .* is not a stream message/,
    ],
    // format 1: metadata is checked too
    [
      "meta1.json",
      good.replace('"startedAt":null', '"startedAt":12'),
      "INVALID_META",
      /The sample of .*meta1\.json has startedAt 12: expected an ISO time/,
    ],
    [
      "symbols1.json",
      good.replace('"symbols":["BTCUSDT"]', '"symbols":"BTCUSDT"'),
      "INVALID_META",
      /has symbols "BTCUSDT": expected a list of strings/,
    ],
    [
      "event-line.jsonl",
      '{"localTimestamp":"x","event":{"kind":"open"}}\n',
      "INVALID_META",
      /Line 1 of .* has event\.localTimestamp "x": expected a number/,
    ],
    [
      "snapshot-line.jsonl",
      '{"localTimestamp":1,"snapshot":{"symbol":"BTCUSDT","limit":5}}\n',
      "INVALID_META",
      /Line 1 of .* has snapshot\.response nothing: expected a depth snapshot object/,
    ],
  ];
  for (const [name, content, code, pattern] of cases) {
    fs.writeFileSync(path.join(dir, name), content);
    assert.throws(
      () => loadSample(path.join(dir, name)),
      (error: SampleFileError) => {
        assert.ok(error instanceof SampleFileError, name);
        assert.equal(error.code, code, name);
        assert.match(error.message, pattern);
        assert.equal(error.file, path.join(dir, name));
        return true;
      },
    );
  }
  assert.throws(() => loadSample(path.join(dir, "missing.json")), /does not exist/);
});

test("format-1 samples (.json, one document) still load, metadata and all", () => {
  const dir = makeTempDir();
  const messages = loadSample(HFT).messages.slice(0, 50);
  fs.writeFileSync(path.join(dir, "old.json"), formatOneSampleText(messages));
  const old = loadSample(path.join(dir, "old.json"));
  assert.equal(old.formatVersion, 1);
  assert.deepEqual(old.messages, messages);
  assert.equal(old.count, 50);
  assert.deepEqual(old.countsByStream, loadSample(saveSample(messages, { dir, name: "new" })).countsByStream);
});
