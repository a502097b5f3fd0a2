import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { captureOrLoad, describeSample, messagesWithReceiveTimes } from "../lib/notebook/workspace";
import { describeNotebookData } from "../lib/notebook/notebook-data";
import { loadSample } from "../lib/store/read";
import { saveSample } from "../lib/store/write";
import { makeTempDir } from "./helpers";

/** Runs `body` with STREAMLAB_WS_URL pointing where nothing listens: like a machine without a network. */
async function offline<T>(body: () => Promise<T>): Promise<T> {
  const saved = process.env.STREAMLAB_WS_URL;
  process.env.STREAMLAB_WS_URL = "ws://127.0.0.1:9";
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env.STREAMLAB_WS_URL;
    else process.env.STREAMLAB_WS_URL = saved;
  }
}

test("live unreachable: falls back to the newest saved sample with the same streams, else the bundled recordings", async () => {
  const outDir = makeTempDir();
  const bundled = await offline(() => captureOrLoad({ symbol: "BTCUSDT", types: ["trade"], count: 20, source: "live", outDir }));
  assert.equal(bundled.source, "bundled");
  assert.match(bundled.fallbackReason ?? "", /Cannot connect to ws:\/\/127\.0\.0\.1:9\/public\/stream\?streams=btcusdt@trade/);
  assert.equal(bundled.sample.count, 20);
  assert.match(bundled.description, /^Data: bundled recording \(live Binance unreachable\); BTCUSDT; btcusdt@trade ×20; event time 2025-03-19 11:58:11 UTC → 2025-03-19 11:58:13 UTC\.$/);
  assert.deepEqual(fs.readdirSync(outDir), [], "a failed live capture leaves no empty sample");
  assert.equal(bundled.file, null, "the bundled recordings are read, nothing is saved");
  assert.deepEqual(bundled.recordings.map((r) => path.basename(r.file ?? "")), ["btcusdt-trade.json"]);
  const bundledLines = describeNotebookData(bundled);
  assert.match(bundledLines[0], /^Live Binance could not be reached \(Cannot connect to ws:\/\/127\.0\.0\.1:9\//);
  assert.equal(bundledLines[1], bundled.description);
  assert.deepEqual(bundledLines.slice(2), ["Bundled files read: data/bundled/btcusdt-trade.json"]);

  const file = saveSample(bundled.sample.messages.slice(0, 7), { dir: outDir, name: "mine" });
  const saved = await offline(() => captureOrLoad({ symbol: "BTCUSDT", types: ["trade"], count: 20, source: "live", outDir }));
  assert.equal(saved.source, "saved");
  assert.equal(saved.file, file);
  assert.equal(saved.sample.count, 7);
  assert.match(saved.description, /saved sample mine\.jsonl \(live Binance unreachable\)/);
  const savedLines = describeNotebookData(saved);
  assert.equal(savedLines.length, 3);
  assert.match(savedLines[0], /^Live Binance could not be reached/);
  assert.equal(savedLines[2], `Sample file: ${file}`, "a sample outside the project is named by its full path");
});

test("replay: captured from the bundled recordings through a replay server into a new sample", async () => {
  const outDir = makeTempDir();
  const data = await captureOrLoad({ symbol: "BTCUSDT", types: ["trade", "depth@0ms"], count: 30, source: "replay", outDir });
  assert.equal(data.source, "replay");
  assert.equal(data.sample.source.kind, "replay");
  assert.deepEqual(data.sample.countsByStream, { "btcusdt@trade": 20, "btcusdt@depth@0ms": 30 });
  assert.ok(data.file !== null && path.dirname(data.file) === outDir, "the replay is saved as a new sample");
  assert.equal(loadSample(data.file).count, 50);
  assert.ok(data.sample.events.some((e) => e.kind === "silent" && e.stream === "btcusdt@trade"), "the seed's 20 trades ran out: recorded, not silent");
  const timed = messagesWithReceiveTimes(data);
  assert.ok(timed.messages.length > 0 && timed.messages.every((m) => m.localTimestamp !== null));
  assert.match(timed.note, /recorder's own receive times/);
  await assert.rejects(captureOrLoad({ symbol: "BTCUSDT", types: ["trade"], count: 1, source: "moon" as never }), /Invalid data source "moon"/);
  assert.match(describeSample(data.sample, "x"), /^Data: x; BTCUSDT; /);
});
