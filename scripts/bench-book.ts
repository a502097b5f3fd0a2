/**
 * Order-book apply throughput on a real recording (the bundled hftbacktest BTCUSDT depth@0ms,
 * 2663 diffs after a 1000-level snapshot), `npm run bench`:
 *   - levels/s: decoded diffs applied to an `OrderBook` (sync checks included), snapshot reloaded each pass;
 *   - depth messages/s from the frames' text: `JSON.parse` + decode + apply, as a ratio to
 *     `JSON.parse` alone of the same frames (1.0 would mean the book costs nothing beyond parsing);
 *   - the book over time (`bookSnapshots`, top 10 after every event) in rows/s.
 * Each figure is the best of several rounds. `--json` prints them as one JSON object.
 */
import * as path from "path";
import { performance } from "perf_hooks";
import { decodeDepthUpdate, type DepthUpdate } from "../lib/binance/decode";
import { OrderBook } from "../lib/analysis/book/order-book";
import { bookSnapshots } from "../lib/analysis/book/book-snapshots";
import { loadSample } from "../lib/store/read";

const FILE = path.join(__dirname, "..", "data", "bundled", "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const STREAM = "btcusdt@depth@0ms";
const ROUNDS = 7;
/** Passes over the recording per round, so a round takes long enough to time. */
const PASSES = 20;

/** The best (shortest) of `ROUNDS` timings of `run`, in ms, after one warm-up. */
function best(run: () => void): number {
  run();
  let fastest = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

const sample = loadSample(FILE);
const snapshot = sample.snapshots[0];
const messages = sample.messages.filter((message) => message.stream === STREAM);
const frames = messages.map((message) => JSON.stringify({ stream: message.stream, data: message.data }));
const updates: DepthUpdate[] = messages.map((message) => decodeDepthUpdate(message.data));
const levelsPerPass = updates.reduce((sum, update) => sum + update.bids.length + update.asks.length, 0);
let sink = 0;

const applyMs = best(() => {
  for (let pass = 0; pass < PASSES; pass++) {
    const book = new OrderBook();
    book.loadSnapshot(snapshot);
    for (const update of updates) book.applyUpdate(update);
    sink += book.bids.bestPrice();
  }
});
const snapshotMs = best(() => {
  for (let pass = 0; pass < PASSES; pass++) {
    const book = new OrderBook();
    book.loadSnapshot(snapshot);
    sink += book.bids.bestPrice();
  }
});
const parseMs = best(() => {
  for (let pass = 0; pass < PASSES; pass++) for (const frame of frames) sink += (JSON.parse(frame) as { data: { u: number } }).data.u;
});
const fullMs = best(() => {
  for (let pass = 0; pass < PASSES; pass++) {
    const book = new OrderBook();
    book.loadSnapshot(snapshot);
    for (const frame of frames) book.applyUpdate(decodeDepthUpdate((JSON.parse(frame) as { data: unknown }).data));
    sink += book.bids.bestPrice();
  }
});
const overTimeMs = best(() => {
  sink += bookSnapshots(sample, { levels: 10 }).length;
});

const messagesTotal = messages.length * PASSES;
const applyOnlyMs = Math.max(applyMs - snapshotMs, 1e-9);
const results = {
  recording: path.basename(FILE),
  stream: STREAM,
  messages: messages.length,
  levelsPerPass,
  levelsPerMessage: Number((levelsPerPass / messages.length).toFixed(2)),
  levelsPerSecond: Math.round((levelsPerPass * PASSES) / (applyOnlyMs / 1000)),
  applyMessagesPerSecond: Math.round(messagesTotal / (applyOnlyMs / 1000)),
  jsonParseMessagesPerSecond: Math.round(messagesTotal / (parseMs / 1000)),
  parseDecodeApplyMessagesPerSecond: Math.round(messagesTotal / (fullMs / 1000)),
  ratioToJsonParse: Number((parseMs / fullMs).toFixed(3)),
  snapshotLoadMs: Number((snapshotMs / PASSES).toFixed(3)),
  bookOverTimeRowsPerSecond: Math.round(messages.length / (overTimeMs / 1000)),
};

if (process.argv.includes("--json")) {
  console.log(JSON.stringify(results));
} else {
  const n = (value: number) => value.toLocaleString("en-US");
  console.log(
    `Order book on ${results.recording} (${results.stream}: ${n(results.messages)} diffs, ${results.levelsPerMessage} levels each, 1000-level snapshot)`,
  );
  console.log(`  apply (decoded diffs):          ${n(results.levelsPerSecond)} levels/s, ${n(results.applyMessagesPerSecond)} messages/s`);
  console.log(`  JSON.parse of the frames:       ${n(results.jsonParseMessagesPerSecond)} messages/s`);
  console.log(
    `  JSON.parse + decode + apply:    ${n(results.parseDecodeApplyMessagesPerSecond)} messages/s = ${results.ratioToJsonParse} × JSON.parse`,
  );
  console.log(`  snapshot load (1000 + 1000):    ${results.snapshotLoadMs} ms`);
  console.log(`  book over time (top 10, every event): ${n(results.bookOverTimeRowsPerSecond)} rows/s`);
}
if (Number.isNaN(sink)) console.log(""); // keeps the work from being optimised away
