import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { loadSample } from "../lib/store/read";
import { depthColumns } from "../lib/analysis/columns";
import {
  computeIntervalsMs,
  computeQuantile,
  computeReceiveLatency,
  countMessageRates,
  summarizeDistribution,
  summarizeLatencyByStream,
} from "../lib/analysis/timing";
import { BUNDLED } from "./helpers";

const seedTrades = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));

test("latency and rates: percentiles by hand, summaries per stream, messages per second", () => {
  const s = summarizeDistribution([5, 1, 4, 2, 3, NaN]);
  assert.deepEqual(s, { count: 5, min: 1, p50: 3, p90: 4.6, p99: 4.96, max: 5, mean: 3 });
  assert.equal(computeQuantile([10, 20], 0.25), 12.5);
  assert.ok(Number.isNaN(summarizeDistribution([]).p50));
  const latency = computeReceiveLatency(hft.messages);
  assert.equal(latency.length, 7584);
  assert.equal(latency.latencyMs[0], 1680652700423.575 - 1680652700435);
  const summary = summarizeDistribution(latency.latencyMs);
  assert.equal(summary.count, 7584);
  assert.ok(summary.min <= summary.p50 && summary.p50 <= summary.p99 && summary.p99 <= summary.max);
  const byStream = summarizeLatencyByStream(latency);
  assert.deepEqual(byStream.map((r) => r.stream).sort(), [
    "btcusdt@bookTicker",
    "btcusdt@depth@0ms",
    "btcusdt@markPrice@1s",
    "btcusdt@trade",
  ]);
  assert.equal(
    byStream.reduce((a, r) => a + r.count, 0),
    7584,
  );
  assert.ok(Number.isNaN(summarizeDistribution(computeReceiveLatency(seedTrades.messages).latencyMs).mean));

  const rates = countMessageRates(hft.messages);
  assert.equal(rates.clock, "local");
  assert.equal(
    rates.total.reduce((a, b) => a + b, 0),
    7584,
  );
  const mark = rates.counts[rates.streams.indexOf("btcusdt@markPrice@1s")];
  assert.equal(
    mark.reduce((a, b) => a + b, 0),
    60,
  );
  assert.equal(countMessageRates(seedTrades.messages).clock, "event");
  assert.deepEqual(Array.from(countMessageRates(seedTrades.messages).total), [2, 9, 9]);
  const intervals = computeIntervalsMs(depthColumns(hft.messages).eventTime);
  assert.ok(Number.isNaN(intervals[0]));
  assert.equal(intervals[1], 1680652700610 - 1680652700594);
});
