import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { loadSample } from "../lib/store/read";
import { DEFAULT_CAPTURE_DIR, resolveInside, sampleFileName, saveSample, unusedSampleName } from "../lib/store/write";
import { LIBRARY } from "../lib/store/sample-format";
import { BUNDLED, PROJECT_ROOT, makeTempDir } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

test("saveSample then loadSample round-trips messages, metadata and snapshots", () => {
  const dir = makeTempDir();
  const source = loadSample(HFT);
  const messages = source.messages.slice(0, 500);
  const file = saveSample(messages, { dir, name: "roundtrip", snapshots: source.snapshots, source: { kind: "recording", file: "x" } });
  assert.equal(file, path.join(dir, "roundtrip.jsonl"));
  const loaded = loadSample(file);
  assert.deepEqual(loaded.messages, messages);
  assert.equal(loaded.count, 500);
  assert.equal(loaded.format, "streamlab.sample");
  assert.equal(loaded.formatVersion, 2);
  assert.equal(loaded.library.name, "streamlab");
  assert.deepEqual(loaded.symbols, ["BTCUSDT"]);
  assert.equal(loaded.snapshots[0].response.lastUpdateId, 2710246765483);
  assert.equal(loaded.gaps.length, 0);
  assert.equal(
    Object.values(loaded.countsByStream).reduce((a, b) => a + b, 0),
    500,
  );
  assert.ok(loaded.firstEventTime! <= loaded.lastEventTime!);
});

test("a saved sample keeps its times and events, holds one message per line and leaves no temp file", () => {
  const dir = makeTempDir();
  const messages = loadSample(HFT).messages.slice(0, 3);
  const events = [{ localTimestamp: 1, kind: "open" as const, url: "ws://x" }];
  const file = saveSample(messages, {
    dir,
    name: "timed.json",
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:01:00.000Z",
    events,
  });
  assert.equal(file, path.join(dir, "timed.jsonl"), "a name ending in .json gets the format-2 ending .jsonl");
  const loaded = loadSample(file);
  assert.deepEqual([loaded.startedAt, loaded.endedAt], ["2026-01-01T00:00:00.000Z", "2026-01-01T00:01:00.000Z"]);
  assert.deepEqual(loaded.events, events);
  assert.deepEqual(loaded.source, { kind: "recording" });
  const lines = fs.readFileSync(file, "utf8").split("\n");
  assert.deepEqual(
    lines.slice(1, 4),
    messages.map((message) => JSON.stringify(message)),
    "one message per line, after the header",
  );
  assert.deepEqual(fs.readdirSync(dir), ["timed.jsonl"]);
  assert.throws(
    () => saveSample(messages, { dir, name: "timed" }),
    /timed\.jsonl already exists: choose another name; captured data is never overwritten/,
  );
  assert.deepEqual(loadSample(file).messages, messages, "the existing sample is untouched");
});

test("saveSample refuses messages that are not stream messages, and writes nothing", () => {
  const dir = makeTempDir();
  assert.throws(
    () => saveSample([{ localTimestamp: 1, stream: "btcusdt@trade", data: "text" }], { dir, name: "bad" }),
    /Message 0 of saveSample is not a stream message/,
  );
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("sample names never escape their folder", () => {
  const dir = makeTempDir();
  for (const name of ["../x", "a/b", ".hidden", "..", "/etc/passwd"]) {
    assert.throws(() => resolveInside(dir, name), /Unsafe sample name/);
    assert.throws(() => saveSample([], { dir, name }), /Unsafe sample name/);
  }
  assert.equal(resolveInside(dir, "ok.json"), path.join(dir, "ok.json"));
});

test("default names: symbols, stream types and a compact UTC time; taken names get a suffix", () => {
  const at = new Date("2026-03-04T05:06:07.890Z");
  assert.equal(
    sampleFileName(["BTCUSDT", "ETHUSDT"], ["btcusdt@trade", "ethusdt@trade", "btcusdt@depth@100ms"], at),
    "btcusdt-ethusdt-trade-depth-100ms-20260304T050607Z",
  );
  assert.equal(sampleFileName(["A/B"], ["a@x y"], at), "ab-xy-20260304T050607Z", "only letters, digits, _ and -");
  const dir = makeTempDir();
  assert.equal(unusedSampleName(dir, "s"), "s");
  fs.writeFileSync(path.join(dir, "s.json"), "");
  fs.writeFileSync(path.join(dir, "s-2.partial.jsonl"), "");
  fs.writeFileSync(path.join(dir, "s-3.jsonl"), "");
  fs.writeFileSync(path.join(dir, "s-4-0001.jsonl"), "");
  assert.equal(unusedSampleName(dir, "s"), "s-5", "neither a sample (either format), a journal nor a rotated part of that name");
  assert.equal(DEFAULT_CAPTURE_DIR, path.join(PROJECT_ROOT, "data", "captures"));
});

test("samples are stamped with the package's name and version", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { name: string; version: string };
  assert.deepEqual(LIBRARY, { name: pkg.name, version: pkg.version });
  const file = saveSample([], { dir: makeTempDir(), name: "stamped" });
  assert.deepEqual(loadSample(file).library, LIBRARY);
});
