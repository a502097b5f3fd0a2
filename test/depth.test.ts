/**
 * The depth analyses (analysis/depth.ts) and the book behind them (analysis/book/): sorted sides,
 * Binance's sync rules, the rebuild checked against bookTicker, a lost event and its resync.
 * Moved here from analysis.test.ts with the code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { decodeDepthUpdate } from "../lib/binance/decode";
import { InvalidArgumentError } from "../lib/errors";
import { loadSample } from "../lib/store/read";
import type { Sample, StoredDepthSnapshot } from "../lib/store/sample-format";
import { BookSide } from "../lib/analysis/book/book-side";
import { OrderBook } from "../lib/analysis/book/order-book";
import { compareBookWithBookTicker, findDepthGaps, rebuildBestBidAsk } from "../lib/analysis/depth";
import { BUNDLED } from "./helpers";

const seedTrades = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));

function depthUpdate(U: number, u: number, pu: number, bids: Array<[string, string]>, asks: Array<[string, string]>) {
  return decodeDepthUpdate({ e: "depthUpdate", E: u, T: u, s: "TESTUSDT", U, u, pu, b: bids, a: asks });
}

test("BookSide keeps levels sorted; quantity 0 deletes, deleting an absent level is fine", () => {
  const bids = new BookSide(false, 2);
  bids.setLevel(100, 1);
  bids.setLevel(102, 2);
  bids.setLevel(101, 3);
  bids.setLevel(99, 4);
  assert.deepEqual(bids.best(), { price: 102, quantity: 2 });
  assert.deepEqual(
    bids.topLevels(3).map((l) => l.price),
    [102, 101, 100],
  );
  bids.setLevel(102, 0);
  bids.setLevel(98.5, 0);
  assert.deepEqual(bids.best(), { price: 101, quantity: 3 });
  assert.equal(bids.size, 3);
  assert.equal(bids.quantityAt(100), 1);
  assert.equal(bids.quantityAt(98.5), 0);
  const asks = new BookSide(true);
  asks.applyLevels([
    [105, 1],
    [103, 2],
    [104, 3],
  ]);
  assert.deepEqual(asks.best(), { price: 103, quantity: 2 });
  assert.deepEqual(
    asks.topLevels().map((l) => l.price),
    [103, 104, 105],
  );
  assert.equal(new BookSide(true).best(), null);
  assert.ok(Number.isNaN(new BookSide(true).bestPrice()));
});

test("OrderBook follows the USDⓈ-M sync rules: stale drop, first event straddles lastUpdateId, pu chain", () => {
  const book = new OrderBook();
  book.loadSnapshot({
    lastUpdateId: 100,
    E: 1,
    T: 1,
    bids: [
      ["10.0", "1"],
      ["9.0", "2"],
    ],
    asks: [
      ["11.0", "1"],
      ["12.0", "5"],
    ],
  });
  assert.equal(book.status, "waiting-for-event");
  assert.equal(book.applyUpdate(depthUpdate(90, 99, 89, [["10.0", "7"]], [])), "stale");
  assert.equal(
    book.applyUpdate(
      depthUpdate(
        95,
        105,
        99,
        [
          ["10.0", "0"],
          ["9.5", "3"],
        ],
        [["11.0", "2"]],
      ),
    ),
    "applied",
  );
  assert.equal(book.status, "synced");
  assert.deepEqual(
    [book.bids.best(), book.asks.best()],
    [
      { price: 9.5, quantity: 3 },
      { price: 11, quantity: 2 },
    ],
  );
  assert.equal(book.applyUpdate(depthUpdate(106, 110, 105, [], [["11.0", "0"]])), "applied");
  assert.deepEqual(book.asks.best(), { price: 12, quantity: 5 });
  assert.equal(book.lastUpdateId, 110);
  assert.equal(book.applyUpdate(depthUpdate(115, 120, 112, [], [])), "gap");
  assert.equal(book.status, "broken");
  assert.equal(book.applyUpdate(depthUpdate(121, 125, 120, [], [])), "waiting");
  assert.equal(book.gapCount, 1);
  // The first event may also start at pu == lastUpdateId (tardis-dev's rule); one that starts after it is a gap.
  const late = new OrderBook();
  late.loadSnapshot({ lastUpdateId: 100, E: 1, T: 1, bids: [], asks: [] });
  assert.equal(late.applyUpdate(depthUpdate(101, 110, 100, [], [])), "applied"); // pu == lastUpdateId is accepted
  const missed = new OrderBook();
  missed.loadSnapshot({ lastUpdateId: 100, E: 1, T: 1, bids: [], asks: [] });
  assert.equal(missed.applyUpdate(depthUpdate(102, 110, 101, [], [])), "gap");
  // Without a snapshot the book is partial.
  const partial = new OrderBook();
  assert.equal(partial.applyUpdate(depthUpdate(1, 5, 0, [["10", "1"]], [["11", "1"]])), "partial");
  assert.ok(partial.isPartial);
  assert.throws(
    () => partial.applyUpdate(decodeDepthUpdate({ e: "depthUpdate", E: 1, T: 1, s: "OTHERUSDT", U: 6, u: 7, pu: 5, b: [], a: [] })),
    InvalidArgumentError,
  );
});

test("the rebuilt book equals bookTicker (price AND quantity) at every shared update id: hftbacktest BTCUSDT", () => {
  const check = compareBookWithBookTicker(hft);
  assert.equal(check.symbol, "BTCUSDT");
  assert.equal(check.mismatchCount, 0, JSON.stringify(check.mismatches.slice(0, 3)));
  assert.ok(check.matchCount >= 150, `only ${check.matchCount} matches`);
  assert.equal(check.matchCount, check.comparedCount);
  assert.equal(check.rebuild.appliedCount, 2663);
  assert.equal(check.rebuild.gapCount, 0);
  assert.equal(check.rebuild.isPartial, false);
  const best = check.rebuild.bestBidAsk;
  assert.equal(best.length, 2663);
  for (let i = 0; i < best.length; i++) assert.ok(best.bidPrice[i] < best.askPrice[i], `crossed book at row ${i}`);
});

test("the rebuilt books equal bookTicker for every symbol of the cryptofeed recordings (events buffered before the snapshot)", () => {
  for (const name of ["alts-2021-04-17-cryptofeed.jsonl.gz", "alts-2021-07-22-cryptofeed.jsonl.gz"]) {
    const sample = loadSample(path.join(BUNDLED, name));
    assert.throws(
      () => rebuildBestBidAsk(sample),
      (error: unknown) => error instanceof InvalidArgumentError && error.code === "SYMBOL_REQUIRED",
    );
    let matches = 0;
    for (const snapshot of sample.snapshots) {
      const check = compareBookWithBookTicker(sample, { symbol: snapshot.symbol });
      assert.equal(check.mismatchCount, 0, `${name} ${snapshot.symbol}`);
      assert.ok(check.rebuild.staleCount > 0, "events older than the snapshot are dropped");
      matches += check.matchCount;
    }
    assert.ok(matches >= 40, `${name}: ${matches} matches`);
  }
});

test("the bookTicker check is not vacuous: one altered bookTicker quantity is one mismatch", () => {
  const depthIds = new Set(
    hft.messages.filter((m) => (m.data as { e: string }).e === "depthUpdate").map((m) => (m.data as { u: number }).u),
  );
  let altered = false;
  const messages = hft.messages.map((m) => {
    const d = m.data as { e: string; u: number };
    if (!altered && d.e === "bookTicker" && depthIds.has(d.u)) {
      altered = true;
      return { ...m, data: { ...d, B: "999.999" } };
    }
    return m;
  });
  assert.ok(altered, "the recording has a bookTicker whose u is a depth u");
  const check = compareBookWithBookTicker({ messages, snapshots: hft.snapshots });
  assert.equal(check.mismatchCount, 1);
  assert.equal(check.mismatches[0].bookTicker[1], 999.999);
});

test("a lost depth event breaks the book until the next snapshot resyncs it", () => {
  const depthIndices = hft.messages.map((m, i) => ((m.data as { e: string }).e === "depthUpdate" ? i : -1)).filter((i) => i >= 0);
  const dropped = depthIndices[100];
  const messages = hft.messages.filter((_, i) => i !== dropped);
  assert.equal(findDepthGaps(messages).length, 1);
  assert.equal(findDepthGaps(hft.messages).length, 0);

  const broken = rebuildBestBidAsk({ messages, snapshots: hft.snapshots });
  assert.equal(broken.gapCount, 1);
  assert.equal(broken.appliedCount, 100);
  assert.ok(broken.waitingCount > 2000);
  assert.match(broken.note, /for want of a newer snapshot/);

  // A second snapshot, taken after event 105 of a clean rebuild, resyncs it.
  const clean = new OrderBook();
  clean.loadSnapshot(hft.snapshots[0]);
  const updates = depthIndices.map((i) => decodeDepthUpdate(hft.messages[i].data));
  for (let k = 0; k <= 105; k++) clean.applyUpdate(updates[k]);
  const toRaw = (levels: { price: number; quantity: number }[]) =>
    levels.map((l): [string, string] => [String(l.price), String(l.quantity)]);
  const second: StoredDepthSnapshot = {
    localTimestamp: null,
    symbol: "BTCUSDT",
    limit: 1000,
    messageIndex: depthIndices[106],
    response: {
      lastUpdateId: updates[105].finalUpdateId,
      E: 0,
      T: 0,
      bids: toRaw(clean.bids.topLevels(Infinity)),
      asks: toRaw(clean.asks.topLevels(Infinity)),
    },
  };
  const resynced: Pick<Sample, "messages" | "snapshots"> = { messages, snapshots: [...hft.snapshots, second] };
  const rebuild = rebuildBestBidAsk(resynced);
  assert.equal(rebuild.gapCount, 1);
  assert.equal(rebuild.snapshotsUsed, 2);
  assert.equal(rebuild.waitingCount, 0);
  // Events 101..104 are older than the second snapshot; 105 straddles it and is applied.
  assert.equal(rebuild.staleCount, 4);
  assert.equal(rebuild.appliedCount, 2663 - 1 - 4);
  const check = compareBookWithBookTicker(resynced);
  assert.equal(check.mismatchCount, 0);
  assert.ok(check.matchCount > 150);
});

test("without a snapshot the rebuild is partial and says so", () => {
  const rebuild = rebuildBestBidAsk(hft, { useSnapshots: false });
  assert.equal(rebuild.isPartial, true);
  assert.equal(rebuild.bestBidAsk.isPartial[0], 1);
  assert.match(rebuild.note, /partial book/);
  assert.equal(rebuild.bestBidAsk.length, 2663);
  assert.equal(compareBookWithBookTicker(hft, { useSnapshots: false }).comparedCount, 0);
  assert.throws(
    () => rebuildBestBidAsk(seedTrades),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "NO_DEPTH_MESSAGES",
  );
});
