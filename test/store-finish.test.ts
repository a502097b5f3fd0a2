import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { JournalWriter, type JournalHeaderMeta } from "../lib/store/journal";
import { finishJournal, recoverJournal } from "../lib/store/finish";
import { listSamples } from "../lib/store/list";
import { loadSample } from "../lib/store/read";
import { InvalidArgumentError } from "../lib/errors";
import { BUNDLED, makeTempDir, readRecordingLines } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

const HEADER: JournalHeaderMeta = {
  library: { name: "streamlab", version: "0" },
  source: { kind: "replay", wsBaseUrl: "ws://127.0.0.1:1" },
  symbols: ["BTCUSDT"],
  streams: ["btcusdt@trade"],
  startedAt: "2026-01-01T00:00:00.000Z",
};

test("a journal becomes a format-2 sample: a header line, then the journal's lines byte for byte", () => {
  const dir = makeTempDir();
  const lines = readRecordingLines(HFT)
    .filter((line) => !line.includes('"snapshot"'))
    .slice(0, 300);
  const journal = JournalWriter.create(dir, "j1", {
    library: { name: "streamlab", version: "0" },
    source: { kind: "replay" },
    symbols: ["BTCUSDT"],
    streams: [],
    startedAt: null,
  });
  for (const line of lines) {
    const t = line.slice('{"localTimestamp":'.length, line.indexOf(","));
    journal.appendFrame("{" + line.slice(line.indexOf(",") + 1), Number(t));
  }
  journal.appendEvent({ localTimestamp: 1, kind: "open", url: "ws://x" });
  journal.close();
  const journalLines = fs.readFileSync(journal.file, "utf8").split("\n").slice(1, -1);
  const file = finishJournal(journal.file);
  assert.equal(file, path.join(dir, "j1.jsonl"));
  assert.equal(fs.existsSync(journal.file), false);
  const sampleLines = fs.readFileSync(file, "utf8").split("\n");
  assert.deepEqual(sampleLines.slice(1, 1 + journalLines.length), journalLines, "the journal's lines, unchanged and in order");
  for (const line of lines) assert.ok(sampleLines.includes(line), "message line copied byte for byte");
  const header = JSON.parse(sampleLines[0]);
  assert.deepEqual(
    [header.format, header.formatVersion, header.meta.count, header.meta.countsByStream],
    ["streamlab.sample", 2, 300, loadSample(file).countsByStream],
  );
  const sample = loadSample(file);
  assert.equal(sample.count, 300);
  assert.equal(sample.complete, true);
  assert.equal(sample.events[0].kind, "open");
});

test("a journal cut off mid-line is recovered without the broken line and marked incomplete", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "cut", {
    library: { name: "streamlab", version: "0" },
    source: { kind: "live" },
    symbols: ["BTCUSDT"],
    streams: ["btcusdt@trade"],
    startedAt: "2026-01-01T00:00:00.000Z",
  });
  const seed = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
  for (const message of seed.messages.slice(0, 5))
    journal.appendFrame(JSON.stringify({ stream: message.stream, data: message.data }), 1000);
  journal.close();
  fs.appendFileSync(journal.file, '{"localTimestamp":1001,"stream":"btcusdt@trade","data":{"e":"tra');
  const partial = loadSample(journal.file);
  assert.equal(partial.count, 5);
  assert.equal(partial.complete, false);
  const file = recoverJournal(journal.file);
  const recovered = loadSample(file);
  assert.equal(recovered.count, 5);
  assert.equal(recovered.complete, false);
  assert.deepEqual(
    recovered.messages.map((m) => m.data),
    seed.messages.slice(0, 5).map((m) => m.data),
  );
  assert.ok(recovered.events.some((event) => /cut off/.test(event.detail ?? "")));
  assert.equal(listSamples(dir)[0].name, "cut.jsonl");
});

test("finishing keeps the header, adds the opened URLs, the end time and the caller's events after the journal's", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "meta", HEADER);
  journal.appendEvent({ localTimestamp: 1, kind: "open", url: "ws://127.0.0.1:1/public/stream?streams=btcusdt@trade" });
  journal.appendFrame('{"stream":"btcusdt@trade","data":{"e":"trade","E":5,"s":"BTCUSDT","t":1}}', 2);
  journal.close();
  const before = Date.now();
  const file = finishJournal(journal.file, { complete: false, events: [{ localTimestamp: 3, kind: "stopped", detail: "Failed: test." }] });
  assert.equal(file, path.join(dir, "meta.jsonl"));
  const sample = loadSample(file);
  assert.equal(sample.complete, false);
  assert.deepEqual(sample.source, {
    kind: "replay",
    wsBaseUrl: "ws://127.0.0.1:1",
    urls: ["ws://127.0.0.1:1/public/stream?streams=btcusdt@trade"],
  });
  assert.deepEqual([sample.startedAt, sample.library], [HEADER.startedAt, HEADER.library]);
  assert.ok(Date.parse(sample.endedAt!) >= before - 1000, "endedAt defaults to now");
  assert.deepEqual(
    sample.events.map((e) => e.kind),
    ["open", "stopped"],
  );
  assert.deepEqual(fs.readdirSync(dir), ["meta.jsonl"], "the journal is gone, no temp file is left");
});

test("a recovered journal has no end time and says it was recovered", () => {
  const dir = makeTempDir();
  const journal = JournalWriter.create(dir, "lost", HEADER);
  journal.appendFrame('{"stream":"btcusdt@trade","data":{"e":"trade","E":5,"s":"BTCUSDT","t":1}}', 2);
  journal.close();
  const sample = loadSample(recoverJournal(journal.file));
  assert.equal(sample.endedAt, null);
  assert.equal(sample.complete, false);
  assert.match(sample.events[sample.events.length - 1].detail ?? "", /Recovered from an unfinished capture journal/);
});

test("only capture journals can be finished", () => {
  const dir = makeTempDir();
  const file = path.join(dir, "recording.jsonl");
  fs.writeFileSync(file, '{"stream":"a@trade","data":{}}\n');
  assert.throws(
    () => finishJournal(file),
    (error: InvalidArgumentError) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.code, "NOT_A_JOURNAL");
      assert.match(error.message, /expected a name ending in \.partial\.jsonl/);
      return true;
    },
  );
  assert.ok(fs.existsSync(file));
});
