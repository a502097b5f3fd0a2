import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BOOK_SNAPSHOT_LIMIT,
  SNAPSHOT_AFTER_BUFFERED_EVENTS,
  continuesChain,
  isAlreadyApplied,
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
