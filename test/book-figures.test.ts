/** The depth notebook's book figures, frames and readouts (lib/notebook/figures/book.ts, book-frames.ts, book-readouts.ts) carry the data they claim to. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { loadSample } from "../lib/store/read";
import { bookAt } from "../lib/analysis/book/book-at";
import { BOOK_STATES, bookSnapshots } from "../lib/analysis/book/book-snapshots";
import { imbalanceAgainstMidMove } from "../lib/analysis/book/imbalance";
import { compareBookWithBookTicker } from "../lib/analysis/depth";
import {
  bookStateFigure,
  cumulativeDepthFigure,
  imbalanceMidMoveFigure,
  liquidityHeatmapFigure,
  spreadMidFigure,
} from "../lib/notebook/figures/book";
import { bookHistoryFrame, bookLevelsFrame, bookSnapshotsFrame, bookTickerCheckFrame } from "../lib/notebook/book-frames";
import { describeBookAt, describeImbalanceMove, describeResyncs } from "../lib/notebook/book-readouts";
import { BUNDLED } from "./helpers";

const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));
const end = bookAt(hft);
const overTime = bookSnapshots(hft, { levels: 20, intervalMs: 250 });

type Trace = { type: string; x: number[]; y: (number | null)[]; z?: (number | null)[][] };

test("cumulative depth: each side adds up its levels from the best price outwards", () => {
  const figure = cumulativeDepthFigure(end, { levels: 50 });
  const [bids, asks] = figure.data as unknown as Trace[];
  const top = end.book.top(50);
  assert.deepEqual(
    bids.x,
    top.bids.map((l) => l.price),
  );
  assert.ok(Math.abs((bids.y[49] as number) - top.bids.reduce((s, l) => s + l.quantity, 0)) < 1e-9);
  assert.ok(asks.y.every((v, i) => i === 0 || (v as number) >= (asks.y[i - 1] as number)));
  assert.match(
    String((figure.layout?.title as { text: string }).text),
    /^BTCUSDT cumulative depth at \d\d:\d\d:\d\d\.\d{3} UTC, 50 levels per side$/,
  );
});

test("spread and mid, imbalance, heatmap and state figures carry the book over time", () => {
  const [mid, spread] = spreadMidFigure(overTime).data as unknown as Trace[];
  assert.equal(mid.x.length, overTime.length);
  assert.equal(mid.y[10], overTime.mid[10]);
  assert.equal(spread.y[10], overTime.spread[10]);

  const result = imbalanceAgainstMidMove(overTime, { horizonMs: 1000 });
  assert.ok(result.length > 100);
  assert.equal(
    result.binCount.reduce((a, b) => a + b, 0),
    result.length,
  );
  assert.ok(result.correlation >= -1 && result.correlation <= 1);
  const [points, means] = imbalanceMidMoveFigure(overTime, { horizonMs: 1000 }).data as unknown as Trace[];
  assert.equal(points.x.length, result.length);
  assert.ok(means.x.length > 0 && means.x.length <= 10);
  assert.match(
    describeImbalanceMove(result),
    /^\d+ moments with a synced book then and 1000 ms later: correlation of imbalance with the next mid move -?\d\.\d{3}\.$/,
  );

  const [heat, line] = liquidityHeatmapFigure(overTime).data as unknown as Trace[];
  assert.equal(heat.type, "heatmap");
  assert.equal(line.type, "scatter", "a line on top (and a .trace for the browser check)");
  let total = 0;
  for (const row of heat.z!) for (const cell of row) total += cell ?? 0;
  let expected = 0;
  for (let k = 0; k < 20; k++)
    for (let i = 0; i < overTime.length; i++) expected += (overTime.bidQuantity[k][i] || 0) + (overTime.askQuantity[k][i] || 0);
  assert.ok(Math.abs(total - expected) < 1e-6 * expected, "every level's quantity is in one cell");

  const state = bookStateFigure(bookSnapshots(hft, { levels: 1 }));
  assert.equal((state.data as unknown as Trace[]).length, 2);
  assert.ok(Array.isArray(state.layout?.shapes));
});

test("frames: the book over time, the levels of a moment, the history and the bookTicker check", () => {
  const frame = bookSnapshotsFrame(overTime);
  assert.equal(frame.shape[0], overTime.length);
  assert.deepEqual(frame.columns.slice(0, 8), [
    "time",
    "eventTime",
    "finalUpdateId",
    "state",
    "bidPrice0",
    "bidQuantity0",
    "askPrice0",
    "askQuantity0",
  ]);
  assert.equal(frame.columns.length, 4 + 4 * 20 + 4);
  assert.equal((frame.column("state").values as string[])[5], BOOK_STATES[overTime.state[5]]);
  const levels = bookLevelsFrame(end, 5);
  assert.deepEqual(
    levels.column("bidPrice").values,
    end.book.formatTop(5).bids.map((l) => l[0]),
  );
  assert.deepEqual(
    levels.column("askQuantity").values,
    end.book.formatTop(5).asks.map((l) => l[1]),
  );
  assert.deepEqual(bookHistoryFrame(end).column("kind").values, ["snapshot", "synced"]);
  const check = compareBookWithBookTicker(hft);
  const checked = bookTickerCheckFrame(check);
  assert.equal(checked.shape[0], check.comparedCount);
  assert.ok((checked.column("matches").values as boolean[]).every(Boolean));
});

test("readouts: the book at a moment, and what a capture did about gaps", () => {
  assert.match(
    describeBookAt(end),
    /^BTCUSDT synced at u=2710248310297: best bid 28148\.60 × 0\.800, best ask 28148\.70 × 7\.292, spread 0\.10 \(0\.04 bps\)\.$/,
  );
  const before = bookAt(hft, { at: hft.snapshots[0].response.E - 1 });
  assert.equal(describeBookAt(before), "BTCUSDT has no exact book here (waiting for a snapshot: no book yet).");
  const events = [
    { localTimestamp: 1, kind: "depth-gap" as const, detail: "" },
    { localTimestamp: 2, kind: "resync-retry" as const, detail: "" },
    { localTimestamp: 3, kind: "resync" as const, detail: "" },
  ];
  assert.equal(
    describeResyncs({ events, snapshots: hft.snapshots }),
    "1 depth gap(s), 1 resync(s), 1 retried fetch(es): 1 snapshot(s) stored (lastUpdateId 2710246765483).",
  );
});
