/**
 * The notebook capture handle: `startCapture` returns at once with live counts, `stop()` and
 * `done`; re-running the cell (the same key) stops the capture it started before and finishes
 * that sample.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { runningCaptures, startCapture } from "../lib/notebook/capture-handle";
import { loadSample } from "../lib/store/read";
import { BUNDLED, makeTempDir } from "./helpers";
import { startFaultServer } from "./fault-server";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

test("startCapture: a handle with live counts and status; stop() finishes the sample; re-running the cell stops the previous capture", async () => {
  const server = await startFaultServer({ files: [HFT], speed: 6, streams: ["btcusdt@trade"], loop: true });
  try {
    const outDir = makeTempDir();
    const shown: string[] = [];
    const options = { streams: ["btcusdt@trade"], count: 1_000_000, wsBaseUrl: server.url, outDir, progressIntervalMs: 100, display: (status: string) => shown.push(status) };
    const first = startCapture(options);
    assert.equal(first.running, true);
    assert.deepEqual(first.counts, { "btcusdt@trade": 0 });
    while ((first.counts["btcusdt@trade"] ?? 0) < 50) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(first.status, /^capturing .* messages \(btcusdt@trade \d+\/1000000\)/);
    assert.ok(shown.length > 0 && shown.every((line) => line.startsWith("captur")), "the status went to the output");
    const second = startCapture(options); // the cell run again
    assert.equal(second.key, first.key);
    const firstResult = await first.done;
    assert.equal(first.running, false);
    assert.equal(firstResult.ended, "stopped");
    assert.equal(loadSample(firstResult.file).complete, true, "the previous capture's sample is finished");
    assert.deepEqual(runningCaptures(), [second]);
    while ((second.counts["btcusdt@trade"] ?? 0) < 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const secondResult = await second.stop();
    assert.notEqual(secondResult.file, firstResult.file);
    assert.ok(secondResult.meta.count >= 20);
    assert.match(secondResult.missing ?? "", /btcusdt@trade has \d+ of 1000000 messages/);
    assert.deepEqual(runningCaptures(), []);
    assert.match(shown[shown.length - 1], /^captured /, "the last status says it ended");
  } finally {
    await server.close();
  }
});
