import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { JournalWriter } from "../lib/store/journal";
import { listSamples } from "../lib/store/list";
import { loadSample } from "../lib/store/read";
import { saveSample } from "../lib/store/write";
import { BUNDLED, makeTempDir } from "./helpers";

const TRADES = path.join(BUNDLED, "btcusdt-trade.json");

test("samples and unfinished journals are listed newest first, with what they hold", () => {
  const dir = makeTempDir();
  const messages = loadSample(TRADES).messages;
  const older = saveSample(messages.slice(0, 3), { dir, name: "older", startedAt: "2026-01-01T00:00:00.000Z", source: { kind: "replay" } });
  const newer = saveSample(messages.slice(0, 4), { dir, name: "newer" });
  const journal = JournalWriter.create(dir, "running", {
    library: { name: "streamlab", version: "0" },
    source: { kind: "live" },
    symbols: ["BTCUSDT"],
    streams: ["btcusdt@trade"],
    startedAt: null,
  });
  journal.appendFrame(JSON.stringify({ stream: messages[0].stream, data: messages[0].data }), 1);
  journal.close();
  fs.utimesSync(older, new Date(1_000_000), new Date(1_000_000));
  fs.utimesSync(newer, new Date(2_000_000), new Date(2_000_000));
  fs.utimesSync(journal.file, new Date(3_000_000), new Date(3_000_000));
  const list = listSamples(dir);
  assert.deepEqual(
    list.map((s) => s.name),
    ["running.partial.jsonl", "newer.jsonl", "older.jsonl"],
  );
  assert.deepEqual(
    list.map((s) => [s.count, s.complete, s.source]),
    [
      [1, false, "live"],
      [4, true, "recording"],
      [3, true, "replay"],
    ],
  );
  assert.deepEqual(list[2], {
    file: older,
    name: "older.jsonl",
    streams: ["btcusdt@trade"],
    symbols: ["BTCUSDT"],
    count: 3,
    startedAt: "2026-01-01T00:00:00.000Z",
    source: "replay",
    complete: true,
    modifiedMs: 1_000_000,
  });
});

test("unreadable files, temp files and other files are left out of the listing, not fatal", () => {
  const dir = makeTempDir();
  const good = fs.readFileSync(saveSample(loadSample(TRADES).messages, { dir, name: "good" }), "utf8");
  const bad: [string, string][] = [
    ["truncated.json", good.slice(0, good.length / 2)],
    ["empty.json", ""],
    ["other.json", '{"hello": 1}'],
    ["bad-message.json", '[{"stream": 5}]'],
    ["future.json", '{"format":"streamlab.sample","formatVersion":99,"messages":[]}'],
    ["middle.jsonl", '{"stream":"a@trade","data":{}}\nnot json\n{"stream":"a@trade","data":{}}\n'],
    ["tail.jsonl.gz", "not gzip"],
    ["README.md", "# notes"],
    ["half.json.123.tmp", good],
  ];
  for (const [name, content] of bad) fs.writeFileSync(path.join(dir, name), content);
  assert.deepEqual(
    listSamples(dir).map((s) => s.name),
    ["good.jsonl"],
  );
});

test("a folder that does not exist lists nothing", () => {
  assert.deepEqual(listSamples(path.join(makeTempDir(), "nowhere")), []);
});
