import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { JOURNAL_SUFFIX, JournalWriter, formatReceiveTime, peekStreamName, type JournalHeaderMeta } from "../lib/store/journal";
import { loadSample } from "../lib/store/read";
import { InvalidArgumentError, SampleFileError, StreamlabError } from "../lib/errors";
import type { RawDepthSnapshot } from "../lib/binance/raw";
import { makeTempDir } from "./helpers";

const HEADER: JournalHeaderMeta = {
  library: { name: "streamlab", version: "0.1.0" },
  source: { kind: "live", wsBaseUrl: "wss://fstream.binance.com", restBaseUrl: "https://fapi.binance.com" },
  symbols: ["BTCUSDT"],
  streams: ["btcusdt@trade", "btcusdt@depth@100ms"],
  startedAt: "2026-01-01T00:00:00.000Z",
};

/** Frames as Binance sends them, with the odd spacing and key order a parser would not keep. */
const TRADE_FRAME =
  '{"stream":"btcusdt@trade","data":{"e":"trade","E":1000,"T":999,"s":"BTCUSDT","t":7,"p":"83849.70","q":"0.010","X":"MARKET","m":false}}';
const DEPTH_FRAME =
  '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1001,"T":1000,"s":"BTCUSDT","U":5,"u":9,"pu":4,"b":[["1.0","2"]],"a":[]}}';
const SNAPSHOT: RawDepthSnapshot = { lastUpdateId: 8, E: 1000, T: 1000, bids: [["1.0", "3"]], asks: [["1.1", "4"]] };

function readLines(file: string): string[] {
  return fs.readFileSync(file, "utf8").split("\n");
}

test("a journal starts with its header line, and the file name ends in .partial.jsonl", () => {
  const dir = path.join(makeTempDir(), "new", "folder");
  const journal = JournalWriter.create(dir, "cap", HEADER);
  journal.close();
  assert.equal(journal.file, path.join(dir, "cap" + JOURNAL_SUFFIX));
  assert.equal(JOURNAL_SUFFIX, ".partial.jsonl");
  assert.deepEqual(readLines(journal.file), [JSON.stringify({ journal: "streamlab", formatVersion: 1, meta: HEADER }), ""]);
});

test("frames are journaled byte for byte with the receive time first; snapshots and events get their own lines", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "lines", HEADER);
  journal.appendEvent({ localTimestamp: 999.25, kind: "open", url: "wss://fstream.binance.com/public/stream?streams=btcusdt@trade" });
  journal.appendFrame(TRADE_FRAME, 1000.5);
  journal.appendSnapshot({ localTimestamp: 1000.75, symbol: "BTCUSDT", limit: 1000, response: SNAPSHOT });
  journal.appendFrame(DEPTH_FRAME, 1001.125);
  journal.close();
  assert.deepEqual(readLines(journal.file).slice(1), [
    '{"localTimestamp":999.25,"event":{"kind":"open","url":"wss://fstream.binance.com/public/stream?streams=btcusdt@trade"}}',
    '{"localTimestamp":1000.5,' + TRADE_FRAME.slice(1),
    '{"localTimestamp":1000.75,"snapshot":{"symbol":"BTCUSDT","limit":1000,"response":' + JSON.stringify(SNAPSHOT) + "}}",
    '{"localTimestamp":1001.125,' + DEPTH_FRAME.slice(1),
    "",
  ]);
});

test("a journal reads back as an unfinished sample: header, messages, snapshots at their position, events", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "back", HEADER);
  journal.appendEvent({ localTimestamp: 999, kind: "open", url: "wss://fstream.binance.com/public/stream?streams=btcusdt@trade" });
  journal.appendFrame(TRADE_FRAME, 1000.5);
  journal.appendSnapshot({ localTimestamp: 1000.75, symbol: "BTCUSDT", limit: 1000, response: SNAPSHOT });
  journal.appendFrame(DEPTH_FRAME, 1001.125);
  journal.close();
  const sample = loadSample(journal.file);
  assert.equal(sample.complete, false);
  assert.equal(sample.count, 2);
  assert.deepEqual(sample.messages, [
    { localTimestamp: 1000.5, stream: "btcusdt@trade", data: JSON.parse(TRADE_FRAME).data },
    { localTimestamp: 1001.125, stream: "btcusdt@depth@100ms", data: JSON.parse(DEPTH_FRAME).data },
  ]);
  assert.deepEqual(sample.snapshots, [{ localTimestamp: 1000.75, symbol: "BTCUSDT", limit: 1000, response: SNAPSHOT, messageIndex: 1 }]);
  assert.deepEqual(sample.events, [
    { localTimestamp: 999, kind: "open", url: "wss://fstream.binance.com/public/stream?streams=btcusdt@trade" },
  ]);
  assert.deepEqual(sample.streams, HEADER.streams);
  assert.equal(sample.startedAt, HEADER.startedAt);
  assert.deepEqual(sample.source.urls, ["wss://fstream.binance.com/public/stream?streams=btcusdt@trade"]);
});

test("a truncated last line (a write cut off by a kill) is left out and noted; a bad line elsewhere is an error", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "cut", HEADER);
  journal.appendFrame(TRADE_FRAME, 1000);
  journal.appendFrame(TRADE_FRAME.replace('"t":7', '"t":8'), 1001);
  journal.close();
  const whole = fs.readFileSync(journal.file, "utf8");
  fs.appendFileSync(journal.file, '{"localTimestamp":1002,' + TRADE_FRAME.slice(1, 40));
  const sample = loadSample(journal.file);
  assert.equal(sample.count, 2);
  assert.equal(sample.complete, false);
  const last = sample.events[sample.events.length - 1];
  assert.equal(last.kind, "error");
  assert.match(last.detail ?? "", /last line was cut off mid-write and was left out/);
  // the same broken line in the middle is not a cut-off write but corruption
  fs.writeFileSync(journal.file, whole.replace("\n", '\n{"localTimestamp":1,"stream":"btc\n'));
  assert.throws(
    () => loadSample(journal.file),
    (error: SampleFileError) => {
      assert.equal(error.code, "CORRUPT_LINE");
      assert.match(error.message, /Line 2 of .*cut\.partial\.jsonl is not valid JSON/);
      return true;
    },
  );
});

test("writes are batched per turn of the event loop, flush() hands them over at once", async () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "batch", HEADER);
  const headerSize = fs.statSync(journal.file).size;
  journal.appendFrame(TRADE_FRAME, 1);
  journal.appendFrame(TRADE_FRAME, 2);
  assert.equal(fs.statSync(journal.file).size, headerSize, "nothing written within the same turn");
  await Promise.resolve();
  assert.equal(readLines(journal.file).length, 4, "both lines written once the turn ends");
  journal.appendFrame(TRADE_FRAME, 3);
  journal.flush();
  assert.equal(readLines(journal.file).length, 5);
  journal.close();
  journal.close(); // closing twice is harmless
  assert.equal(readLines(journal.file).length, 5);
});

test("a journal is never overwritten, and nothing is appended after close", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "once", HEADER);
  journal.close();
  assert.throws(
    () => JournalWriter.create(dir, "once", HEADER),
    (error: InvalidArgumentError) => {
      assert.equal(error.code, "JOURNAL_EXISTS");
      assert.match(error.message, /once\.partial\.jsonl already exists/);
      return true;
    },
  );
  assert.throws(
    () => journal.appendFrame(TRADE_FRAME, 1),
    (error: StreamlabError) => {
      assert.equal(error.code, "JOURNAL_CLOSED");
      assert.match(error.message, /once\.partial\.jsonl is closed/);
      return true;
    },
  );
  assert.throws(() => journal.appendEvent({ localTimestamp: 1, kind: "stopped" }), /is closed/);
});

test("only combined-stream frames are journaled; their stream name is read without parsing", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "bare", HEADER);
  assert.throws(
    () => journal.appendFrame('{"e":"trade","t":1}', 1),
    (error: InvalidArgumentError) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.code, "NOT_A_COMBINED_FRAME");
      return true;
    },
  );
  journal.close();
  assert.equal(peekStreamName(TRADE_FRAME), "btcusdt@trade");
  assert.equal(peekStreamName(DEPTH_FRAME), "btcusdt@depth@100ms");
  assert.equal(peekStreamName('{"result":null,"id":1}'), null);
  assert.equal(peekStreamName('{"stream":"unterminated'), null);
  assert.equal(peekStreamName(' {"stream":"x","data":{}}'), null, "only the exact prefix Binance sends");
});

test("receive times are written to the microsecond, exactly as String writes the rounded number", () => {
  for (const ms of [0, 0.001, 1000.5, 1000, 12.34, 1680652700441.533, 1680652700441.5, 1796283440020.25]) {
    assert.equal(formatReceiveTime(ms), String(Math.round(ms * 1000) / 1000), String(ms));
  }
  for (let i = 0; i < 100_000; i++) {
    const ms = 1.6e12 + Math.random() * 2e11;
    const text = formatReceiveTime(ms);
    assert.equal(text, String(Math.round(ms * 1000) / 1000));
    assert.equal(JSON.parse(text), Math.round(ms * 1000) / 1000);
  }
  assert.equal(formatReceiveTime(-1.5), "-1.5");
});

test("frames given as bytes are journaled exactly like their text: every receive time, batches past the write buffer, a frame over it", () => {
  const dir = makeTempDir();
  const fromBytes = JournalWriter.create(dir, "bytes", HEADER);
  const fromText = JournalWriter.create(dir, "text", HEADER);
  const times = [0, 0.001, 7, 1000.5, 1001.125, 1680652700441.533, 1e15, -2.5, 1234.5678];
  for (let i = 0; i < 20_000; i++) times.push(1.6e12 + Math.random() * 2e11);
  // Many messages within one millisecond, then the next ones: the whole milliseconds repeat.
  for (let i = 0; i < 2_000; i++) times.push(1680652700441 + i * 0.013);
  for (const [i, time] of times.entries()) {
    const frame = i % 3 === 0 ? DEPTH_FRAME : TRADE_FRAME.replace("币", "").replace('"t":7', `"t":${i}`);
    fromBytes.appendFrame(Buffer.from(frame), time);
    fromText.appendFrame(frame, time);
  }
  const huge = `{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","b":[${'["1.0","2.0"],'.repeat(90_000)}["1.0","2.0"]]}}`;
  fromBytes.appendFrame(Buffer.from(huge), 5);
  fromText.appendFrame(huge, 5);
  assert.equal(fromBytes.bytes, fromText.bytes);
  fromBytes.close();
  fromText.close();
  const lines = (file: string) => readLines(file).slice(1);
  assert.deepEqual(lines(fromBytes.file), lines(fromText.file));
  assert.equal(lines(fromBytes.file).length, times.length + 2);
  const other = JournalWriter.create(dir, "other", HEADER);
  assert.throws(() => other.appendFrame(Buffer.from('{"e":"trade"}'), 1), /expected a combined-stream frame/);
  other.close();
});
