import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BOOK_SNAPSHOT_LIMIT,
  SNAPSHOT_AFTER_BUFFERED_EVENTS,
  PARTIAL_DEPTH_LEVELS,
  continuesChain,
  isAlreadyApplied,
  isSideTruncated,
  partialDepthLevelsOf,
  snapshotBridgesGap,
  isOlderThanSnapshot,
  removesLevel,
  startsFromSnapshot,
  syncStepAfterSnapshot,
  syncStepInChain,
  type DepthEventIds,
} from "../lib/binance/book-sync";
import { DEPTH_SNAPSHOT_LIMITS } from "../lib/binance/limits";

/** A diff event with ids `U`, `u`, `pu`. */
function ids(U: number, u: number, pu: number): DepthEventIds {
  return { firstUpdateId: U, finalUpdateId: u, previousFinalUpdateId: pu };
}

test("after a snapshot: drop u < lastUpdateId, apply the event spanning it (or pu == lastUpdateId), else a gap", () => {
  const lastUpdateId = 100;
  assert.equal(isOlderThanSnapshot(ids(90, 99, 89), lastUpdateId), true);
  assert.equal(isOlderThanSnapshot(ids(95, 100, 94), lastUpdateId), false); // u == lastUpdateId is kept
  assert.equal(syncStepAfterSnapshot(ids(90, 99, 89), lastUpdateId), "drop");
  assert.equal(syncStepAfterSnapshot(ids(95, 105, 94), lastUpdateId), "apply"); // U <= 100 <= u
  assert.equal(syncStepAfterSnapshot(ids(100, 100, 99), lastUpdateId), "apply"); // both ends equal
  assert.equal(syncStepAfterSnapshot(ids(101, 110, 100), lastUpdateId), "apply"); // pu == lastUpdateId (tardis-dev)
  assert.equal(syncStepAfterSnapshot(ids(102, 110, 101), lastUpdateId), "gap"); // events in between were missed
  assert.equal(startsFromSnapshot(ids(101, 110, 100), lastUpdateId), true);
  assert.equal(startsFromSnapshot(ids(102, 110, 101), lastUpdateId), false);
});

test("in the chain: pu must equal the previous u; ids are not consecutive", () => {
  assert.equal(continuesChain(ids(140, 150, 105), 105), true); // U is not previous u + 1, and that is fine
  assert.equal(continuesChain(ids(106, 110, 104), 105), false);
  assert.equal(syncStepInChain(ids(140, 150, 105), 105), "apply");
  assert.equal(syncStepInChain(ids(96, 104, 95), 105), "drop"); // a repeat the book already holds
  assert.equal(isAlreadyApplied(ids(96, 105, 95), 105), true);
  assert.equal(syncStepInChain(ids(115, 120, 112), 105), "gap");
});

test("absolute quantities: only 0 removes a level", () => {
  assert.equal(removesLevel(0), true);
  assert.equal(removesLevel(0.001), false);
  assert.equal(removesLevel(12), false);
});

test("the snapshot Binance's guide fetches: limit 1000 (a valid limit), after 2 buffered events", () => {
  assert.equal(BOOK_SNAPSHOT_LIMIT, 1000);
  assert.ok((DEPTH_SNAPSHOT_LIMITS as readonly number[]).includes(BOOK_SNAPSHOT_LIMIT));
  assert.equal(SNAPSHOT_AFTER_BUFFERED_EVENTS, 2);
});

test("after a gap, only a snapshot not older than the first event after it can resync the book", () => {
  const firstAfterGap = ids(125, 130, 120); // Binance's previous u was 120; the book stopped earlier
  assert.equal(snapshotBridgesGap(119, firstAfterGap), false, "older: updates up to 120 stay missed");
  assert.equal(snapshotBridgesGap(120, firstAfterGap), true, "pu == lastUpdateId: the event follows it");
  assert.equal(snapshotBridgesGap(127, firstAfterGap), true, "the event spans it");
  assert.equal(snapshotBridgesGap(500, firstAfterGap), true, "newer: later events will span it");
});

test("a snapshot side is cut at its limit, whole below it; partial depth streams carry their level count", () => {
  assert.equal(isSideTruncated(1000, 1000), true);
  assert.equal(isSideTruncated(609, 1000), false);
  assert.equal(isSideTruncated(5, 5), true);
  assert.deepEqual([...PARTIAL_DEPTH_LEVELS], [5, 10, 20]);
  assert.equal(partialDepthLevelsOf("btcusdt@depth5"), 5);
  assert.equal(partialDepthLevelsOf("btcusdt@depth10@100ms"), 10);
  assert.equal(partialDepthLevelsOf("btcusdt@depth20@500ms"), 20);
  assert.equal(partialDepthLevelsOf("btcusdt@depth"), null);
  assert.equal(partialDepthLevelsOf("btcusdt@depth@100ms"), null);
  assert.equal(partialDepthLevelsOf("btcusdt@depth15"), null);
});
