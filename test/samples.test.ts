import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { JournalWriter } from "../lib/store/journal";
import {
  finishJournal,
  listSamples,
  loadSample,
  recoverJournal,
  resolveInside,
  saveSample,
  SampleStorage,
  selectMessages,
} from "../lib/store/samples";
import { findSequenceGaps } from "../lib/binance/sequence";
import { SampleFileError } from "../lib/errors";
import { BUNDLED, makeTempDir, readRecordingLines } from "./helpers";

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

test("saveSample then loadSample round-trips messages, metadata and snapshots", () => {
  const dir = makeTempDir();
  const source = loadSample(HFT);
  const messages = source.messages.slice(0, 500);
  const file = saveSample(messages, { dir, name: "roundtrip", snapshots: source.snapshots, source: { kind: "recording", file: "x" } });
  assert.equal(file, path.join(dir, "roundtrip.json"));
  const loaded = loadSample(file);
  assert.deepEqual(loaded.messages, messages);
  assert.equal(loaded.count, 500);
  assert.equal(loaded.format, "streamlab.sample");
  assert.equal(loaded.library.name, "streamlab");
  assert.deepEqual(loaded.symbols, ["BTCUSDT"]);
  assert.equal(loaded.snapshots[0].response.lastUpdateId, 2710246765483);
  assert.equal(loaded.gaps.length, 0);
  assert.equal(Object.values(loaded.countsByStream).reduce((a, b) => a + b, 0), 500);
  assert.ok(loaded.firstEventTime! <= loaded.lastEventTime!);
});

test("a journal becomes a sample with message bytes copied exactly, by one rename", () => {
  const dir = makeTempDir();
  const lines = readRecordingLines(HFT).filter((line) => !line.includes('"snapshot"')).slice(0, 300);
  const journal = JournalWriter.create(dir, "j1", { library: { name: "streamlab", version: "0" }, source: { kind: "replay" }, symbols: ["BTCUSDT"], streams: [], startedAt: null });
  for (const line of lines) {
    const t = line.slice('{"localTimestamp":'.length, line.indexOf(","));
    journal.appendFrame("{" + line.slice(line.indexOf(",") + 1), Number(t));
  }
  journal.appendEvent({ localTimestamp: 1, kind: "open", url: "ws://x" });
  journal.close();
  const file = finishJournal(journal.file);
  assert.equal(fs.existsSync(journal.file), false);
  const text = fs.readFileSync(file, "utf8");
  for (const line of lines) assert.ok(text.includes(line + ",\n") || text.includes(line + "\n]}"), "line copied byte for byte");
  const sample = loadSample(file);
  assert.equal(sample.count, 300);
  assert.equal(sample.complete, true);
  assert.equal(sample.events[0].kind, "open");
});

test("a journal cut off mid-line is recovered without the broken line and marked incomplete", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "cut", { library: { name: "streamlab", version: "0" }, source: { kind: "live" }, symbols: ["BTCUSDT"], streams: ["btcusdt@trade"], startedAt: "2026-01-01T00:00:00.000Z" });
  const seed = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
  for (const message of seed.messages.slice(0, 5)) journal.appendFrame(JSON.stringify({ stream: message.stream, data: message.data }), 1000);
  journal.close();
  fs.appendFileSync(journal.file, '{"localTimestamp":1001,"stream":"btcusdt@trade","data":{"e":"tra');
  const partial = loadSample(journal.file);
  assert.equal(partial.count, 5);
  assert.equal(partial.complete, false);
  const file = recoverJournal(journal.file);
  const recovered = loadSample(file);
  assert.equal(recovered.count, 5);
  assert.equal(recovered.complete, false);
  assert.deepEqual(recovered.messages.map((m) => m.data), seed.messages.slice(0, 5).map((m) => m.data));
  assert.ok(recovered.events.some((event) => /cut off/.test(event.detail ?? "")));
  assert.equal(listSamples(dir)[0].name, "cut.json");
});

test("corrupt, truncated, empty and foreign files give a clear SampleFileError", () => {
  const dir = makeTempDir();
  const good = fs.readFileSync(saveSample(loadSample(path.join(BUNDLED, "btcusdt-trade.json")).messages, { dir, name: "good" }), "utf8");
  const cases: [string, string, string, RegExp][] = [
    ["truncated.json", good.slice(0, good.length / 2), "CORRUPT_SAMPLE", /truncated\.json is not valid JSON .*truncated or corrupt/],
    ["empty.json", "", "CORRUPT_SAMPLE", /it is empty/],
    ["other.json", '{"hello": 1}', "NOT_A_SAMPLE", /is not a sample/],
    ["bad-message.json", '[{"stream": 5}]', "INVALID_MESSAGE", /Item 0 of .* is not a stream message/],
    ["future.json", '{"format":"streamlab.sample","formatVersion":99,"messages":[]}', "UNSUPPORTED_VERSION", /formatVersion 99/],
    ["middle.jsonl", '{"stream":"a@trade","data":{}}\nnot json\n{"stream":"a@trade","data":{}}\n', "CORRUPT_LINE", /Line 2 of .* is not valid JSON/],
    ["tail.jsonl.gz", "not gzip", "CORRUPT_GZIP", /not a complete gzip file/],
  ];
  for (const [name, content, code, pattern] of cases) {
    fs.writeFileSync(path.join(dir, name), content);
    assert.throws(() => loadSample(path.join(dir, name)), (error: SampleFileError) => {
      assert.ok(error instanceof SampleFileError, name);
      assert.equal(error.code, code, name);
      assert.match(error.message, pattern);
      return true;
    });
  }
  assert.throws(() => loadSample(path.join(dir, "missing.json")), /does not exist/);
  // unreadable files are left out of the listing, not fatal
  assert.deepEqual(listSamples(dir).map((s) => s.name), ["good.json"]);
});

test("sample names never escape their folder", () => {
  const dir = makeTempDir();
  for (const name of ["../x", "a/b", ".hidden", "..", "/etc/passwd"]) {
    assert.throws(() => resolveInside(dir, name), /Unsafe sample name/);
    assert.throws(() => saveSample([], { dir, name }), /Unsafe sample name/);
  }
  assert.equal(resolveInside(dir, "ok.json"), path.join(dir, "ok.json"));
});

test("sequence gaps: none in the real recordings, every kind of break detected", () => {
  for (const name of ["btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz", "alts-2021-04-17-cryptofeed.jsonl.gz", "alts-2021-07-22-cryptofeed.jsonl.gz"]) {
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
  const agg = loadSample(path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz")).messages.filter((m) => m.stream === "dentusdt@aggTrade").slice(0, 5);
  const aggGaps = findSequenceGaps([agg[0], agg[2]]);
  assert.deepEqual([aggGaps[0].field, aggGaps[0].missing], ["a", 1]);
  // two symbols never share a chain
  assert.equal(findSequenceGaps([...trades.slice(0, 2), { stream: "ethusdt@trade", data: { ...(trades[0].data as object), t: 5 } }]).length, 0);
});

test("samples are stamped with the package's name and version", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { name: string; version: string };
  const { LIBRARY } = require("../lib/store/sample-format") as typeof import("../lib/store/sample-format");
  assert.deepEqual(LIBRARY, { name: pkg.name, version: pkg.version });
});
