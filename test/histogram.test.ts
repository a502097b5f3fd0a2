import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { loadSample } from "../lib/store/read";
import { tradeColumns } from "../lib/analysis/columns";
import { computeTradeSizeHistogram } from "../lib/analysis/trade-stats";
import { computeHistogram } from "../lib/analysis/histogram";
import { BUNDLED } from "./helpers";

const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));

test("histograms: linear and log bins, NaN skipped", () => {
  const h = computeHistogram([1, 2, 3, 4, NaN], { binCount: 2 });
  assert.deepEqual(
    [Array.from(h.binStart), Array.from(h.binEnd), Array.from(h.count)],
    [
      [1, 2.5],
      [2.5, 4],
      [2, 2],
    ],
  );
  assert.equal(h.skippedCount, 1);
  const log = computeHistogram([0.001, 0.01, 0.1, 1, 0], { binCount: 3, scale: "log" });
  assert.deepEqual(Array.from(log.count), [1, 1, 2]);
  assert.ok(Math.abs(log.binStart[0] - 0.001) < 1e-15);
  assert.equal(log.skippedCount, 1);
  const width = computeHistogram([0.5, 1.2, 1.9, 3], { binWidth: 1 });
  assert.deepEqual(
    [Array.from(width.binStart), Array.from(width.count)],
    [
      [0, 1, 2, 3],
      [1, 2, 0, 1],
    ],
  );
  const same = computeHistogram([2, 2, 2]);
  assert.deepEqual([same.length, same.count[0]], [1, 3]);
  const sizes = computeTradeSizeHistogram(tradeColumns(hft.messages));
  assert.equal(sizes.total, 1147);
  assert.equal(sizes.scale, "log");
});
