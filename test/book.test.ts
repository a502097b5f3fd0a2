/**
 * The order book (lib/analysis/book/): its measures, what it knows and does not know, its sync
 * states on the edge cases the issue names (events that end before the snapshot, start after it,
 * a snapshot older than every event), levels written as Binance writes them, partial depth
 * streams, and the book over time.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { decodeDepthUpdate, type DepthUpdate } from "../lib/binance/decode";
import type { RawLevel } from "../lib/binance/raw";
import { InvalidArgumentError } from "../lib/errors";
import { loadSample } from "../lib/store/read";
import type { StoredDepthSnapshot, StoredMessage } from "../lib/store/sample-format";
import { BOOK_STATES, bookSnapshots } from "../lib/analysis/book/book-snapshots";
import { bookAt, parseBookTime } from "../lib/analysis/book/book-at";
import { LevelText, decimalsOf } from "../lib/analysis/book/level-text";
import { OrderBook } from "../lib/analysis/book/order-book";
import { rebuildBestBidAsk } from "../lib/analysis/depth";
import { BUNDLED } from "./helpers";

const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));
const DEPTH = "btcusdt@depth@0ms";
const depthMessages = hft.messages.filter((m) => m.stream === DEPTH);
const updates = depthMessages.map((m) => decodeDepthUpdate(m.data, m.localTimestamp));

/** The exact book after depth event `k` of the hftbacktest recording, as a REST snapshot Binance could have sent then. */
function snapshotAfter(k: number): StoredDepthSnapshot {
  const book = new OrderBook();
  book.loadSnapshot(hft.snapshots[0]);
  for (let i = 0; i <= k; i++) assert.equal(book.applyUpdate(updates[i]), "applied");
  const { bids, asks } = book.formatTop(1000);
  return {
    localTimestamp: depthMessages[k].localTimestamp,
    symbol: "BTCUSDT",
    limit: 1000,
    messageIndex: 0,
    response: {
      lastUpdateId: updates[k].finalUpdateId,
      E: updates[k].eventTime,
      T: updates[k].transactionTime,
      bids: bids as RawLevel[],
      asks: asks as RawLevel[],
    },
  };
}

function update(U: number, u: number, pu: number, bids: [string, string][], asks: [string, string][]): DepthUpdate {
  return decodeDepthUpdate({ e: "depthUpdate", E: u, T: u, s: "TESTUSDT", U, u, pu, b: bids, a: asks });
}

test("measures of a small book: spread, mid, microprice, imbalance, depth within bps, top N", () => {
  const book = new OrderBook();
  book.loadSnapshot({
    lastUpdateId: 10,
    E: 1,
    T: 1,
    bids: [
      ["100.0", "3"],
      ["99.5", "1"],
      ["99.0", "4"],
    ],
    asks: [
      ["100.5", "1"],
      ["101.0", "2"],
      ["102.0", "5"],
    ],
  });
  assert.equal(book.spread(), 0.5);
  assert.equal(book.mid(), 100.25);
  assert.equal(book.microprice(), (100 * 1 + 100.5 * 3) / 4); // nearer the ask: less quantity there
  assert.equal(book.imbalance(1), (3 - 1) / (3 + 1));
  assert.equal(book.imbalance(2), (4 - 3) / (4 + 3));
  assert.equal(book.imbalance(3), (8 - 8) / 16);
  // 50 bps of 100.25 is 0.50125: bids ≥ 99.74875, asks ≤ 100.75125
  assert.deepEqual(book.depthWithinBps(50), { bid: 3, ask: 1 });
  assert.deepEqual(book.depthWithinBps(100), { bid: 4, ask: 3 });
  assert.deepEqual(book.top(2), {
    bids: [
      { price: 100, quantity: 3 },
      { price: 99.5, quantity: 1 },
    ],
    asks: [
      { price: 100.5, quantity: 1 },
      { price: 101, quantity: 2 },
    ],
  });
  assert.deepEqual(book.formatTop(1), { bids: [["100.0", "3"]], asks: [["100.5", "1"]] });
  assert.ok(Math.abs(book.spreadBps() - (0.5 / 100.25) * 10_000) < 1e-12);
});

test("levels beyond a cut snapshot are unknown, not empty; a snapshot with fewer levels than its limit is the whole side", () => {
  const book = new OrderBook();
  // limit 3: both sides came back full, so the book goes on beyond 98 and 103
  book.loadSnapshot(
    {
      lastUpdateId: 10,
      E: 1,
      T: 1,
      bids: [
        ["100", "1"],
        ["99", "1"],
        ["98", "1"],
      ],
      asks: [
        ["101", "1"],
        ["102", "1"],
        ["103", "1"],
      ],
    },
    { limit: 3 },
  );
  assert.equal(book.bids.quantityAt(98.5), 0, "inside the snapshot's depth, an absent level is empty");
  assert.ok(Number.isNaN(book.bids.quantityAt(97)), "beyond it, unknown");
  assert.ok(Number.isNaN(book.asks.quantityAt(104)));
  assert.equal(book.bids.knownUntilPrice, 98);
  assert.equal(book.asks.knownUntilPrice, 103);
  assert.ok(Number.isNaN(book.imbalance(4)), "4 levels are not all known");
  assert.ok(Number.isNaN(book.depthWithinBps(500).bid), "a band beyond the known depth is unknown");
  // an update beyond the depth adds a known level there, but the prices around it stay unknown
  assert.equal(book.applyUpdate(update(11, 12, 10, [["96", "2"]], [])), "applied");
  assert.equal(book.bids.quantityAt(96), 2);
  assert.ok(Number.isNaN(book.bids.quantityAt(97)));
  assert.equal(book.bids.knownLevelCount, 3);
  // removing a known level leaves fewer known levels; the boundary stays
  book.applyUpdate(update(13, 14, 12, [["99", "0"]], []));
  assert.equal(book.bids.knownLevelCount, 2);
  assert.ok(Number.isNaN(book.bids.quantityOfTop(3)));
  // a side with fewer levels than the limit is complete
  const whole = new OrderBook();
  whole.loadSnapshot({ lastUpdateId: 10, E: 1, T: 1, bids: [["100", "1"]], asks: [["101", "1"]] }, { limit: 1000 });
  assert.equal(whole.bids.quantityAt(1), 0);
  assert.equal(whole.bids.knownUntilPrice, null);
  assert.equal(whole.imbalance(5), 0);
  // a book without a snapshot knows nothing for sure
  const partial = new OrderBook();
  assert.equal(partial.applyUpdate(update(1, 2, 0, [["100", "1"]], [["101", "1"]])), "partial");
  assert.equal(partial.isPartial, true);
  assert.equal(partial.isExact, false);
  assert.ok(Number.isNaN(partial.bids.quantityAt(99)));
  assert.equal(partial.status, "waiting-for-snapshot");
  assert.match(partial.describeState(), /partial book of the levels seen in 1 update/);
});

test("events that end before the snapshot: dropped, the book is the snapshot (waiting-for-event); before the snapshot was taken there is no book", () => {
  const snapshot = snapshotAfter(200);
  const messages = depthMessages.slice(0, 150);
  const result = bookAt({ messages, snapshots: [snapshot] });
  assert.equal(result.state.state, "waiting-for-event");
  assert.equal(result.state.isExact, true);
  assert.equal(result.counts.stale, 150);
  assert.equal(result.counts.applied, 0);
  assert.equal(result.lastUpdateId, snapshot.response.lastUpdateId);
  assert.equal(
    result.stateText,
    `waiting for the first event after the snapshot u=${snapshot.response.lastUpdateId}: the book is the snapshot`,
  );
  assert.deepEqual(result.book.formatTop(5), { bids: snapshot.response.bids.slice(0, 5), asks: snapshot.response.asks.slice(0, 5) });
  // at a time before the snapshot was taken, the snapshot is not used: a partial book, said to be one
  const earlier = bookAt({ messages, snapshots: [snapshot] }, { at: updates[100].eventTime });
  assert.equal(earlier.state.state, "waiting-for-snapshot");
  assert.equal(earlier.state.isPartial, true);
  assert.equal(earlier.state.isExact, false);
  assert.equal(earlier.counts.snapshotsUsed, 0);
});

test("events that start after the snapshot with a hole: broken since the snapshot's u, nothing applied, never a guessed book", () => {
  const snapshot = snapshotAfter(200);
  const messages = depthMessages.slice(210);
  const result = bookAt({ messages, snapshots: [snapshot] });
  assert.equal(result.state.state, "broken");
  assert.equal(result.state.isExact, false);
  assert.equal(result.state.gap?.lastUpdateId, snapshot.response.lastUpdateId);
  assert.equal(result.state.gap?.previousFinalUpdateId, updates[209].finalUpdateId);
  assert.equal(result.counts.applied, 0);
  assert.equal(result.counts.gaps, 1);
  assert.equal(result.counts.waiting, messages.length - 1);
  assert.equal(
    result.stateText,
    `broken since u=${snapshot.response.lastUpdateId}: the next event had pu=${updates[209].finalUpdateId}; waiting for a new snapshot`,
  );
  assert.deepEqual(
    result.history.map((h) => h.kind),
    ["snapshot", "gap"],
  );
  // a later snapshot in the sample resyncs it
  const later = snapshotAfter(400);
  const resynced = bookAt({ messages, snapshots: [snapshot, { ...later, messageIndex: 300 }] });
  assert.equal(resynced.state.state, "synced");
  assert.deepEqual(
    resynced.history.map((h) => h.kind),
    ["snapshot", "gap", "resync", "resynced"],
  );
  assert.deepEqual(resynced.book.formatTop(20), bookAt(hft).book.formatTop(20));
});

test("a snapshot older than every event: synced when the first event's pu is its lastUpdateId (tardis-dev's rule), broken otherwise", () => {
  const snapshot = snapshotAfter(200);
  const linked = bookAt({ messages: depthMessages.slice(201), snapshots: [snapshot] });
  assert.equal(linked.state.state, "synced");
  assert.equal(linked.counts.stale, 0);
  assert.deepEqual(linked.book.formatTop(20), bookAt(hft).book.formatTop(20), "the same book as the whole recording's");
  const holed = bookAt({ messages: depthMessages.slice(202), snapshots: [snapshot] });
  assert.equal(holed.state.state, "broken");
  assert.equal(holed.state.gap?.lastUpdateId, snapshot.response.lastUpdateId);
});

test("bookAt by time and by update id agree with a rebuild of the same events, and bad times are refused", () => {
  const at = updates[1000].eventTime;
  const byTime = bookAt(hft, { at });
  const byId = bookAt(hft, { upToUpdateId: byTime.lastUpdateId as number });
  assert.equal(byTime.state.state, "synced");
  assert.deepEqual(byTime.book.formatTop(50), byId.book.formatTop(50));
  const last = updates.filter((u) => u.eventTime <= at).pop() as DepthUpdate;
  assert.equal(byTime.lastUpdateId, last.finalUpdateId);
  assert.equal(bookAt(hft, { at: new Date(at).toISOString() }).lastUpdateId, last.finalUpdateId);
  assert.equal(bookAt(hft, { atOffsetMs: at - updates[0].eventTime }).lastUpdateId, last.finalUpdateId);
  assert.equal(parseBookTime("1680652760429"), 1680652760429);
  assert.throws(
    () => bookAt(hft, { at: "yesterday" }),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_TIME",
  );
});

test("levels are written exactly as Binance wrote them, for every level of every bundled recording", () => {
  let checked = 0;
  for (const name of fs.readdirSync(BUNDLED).filter((f) => f.endsWith(".jsonl.gz"))) {
    const sample = loadSample(path.join(BUNDLED, name));
    const bySymbol = new Map<string, { text: LevelText; levels: RawLevel[] }>();
    const add = (symbol: string, levels: RawLevel[]) => {
      let entry = bySymbol.get(symbol);
      if (!entry) bySymbol.set(symbol, (entry = { text: new LevelText(), levels: [] }));
      entry.levels.push(...levels);
    };
    for (const s of sample.snapshots) add(s.symbol, [...s.response.bids, ...s.response.asks]);
    for (const m of sample.messages) {
      const d = m.data as { e: string; s: string; b: RawLevel[]; a: RawLevel[] };
      if (d.e === "depthUpdate") add(d.s, [...d.b, ...d.a]);
    }
    for (const [symbol, { text, levels }] of bySymbol) {
      // learned from the first depth message only, as a book without a snapshot would
      const first = sample.messages.find(
        (m) => (m.data as { e: string; s: string }).e === "depthUpdate" && (m.data as { s: string }).s === symbol,
      )!.data as { b: RawLevel[]; a: RawLevel[] };
      text.observe(first.b);
      text.observe(first.a);
      for (const [price, quantity] of levels) {
        assert.deepEqual(text.formatLevel({ price: Number(price), quantity: Number(quantity) }), [price, quantity], `${name} ${symbol}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 70_000, `${checked} levels`);
  assert.equal(decimalsOf("28145.10"), 2);
  assert.equal(decimalsOf("45277"), 0);
});

test("partial depth streams (@depth5|10|20) are whole top-N pictures: the book is synced there and unknown beyond", () => {
  const picture = (u: number, bids: RawLevel[], asks: RawLevel[]): StoredMessage => ({
    localTimestamp: u,
    stream: "testusdt@depth5@100ms",
    data: { e: "depthUpdate", E: u, T: u, s: "TESTUSDT", U: u - 5, u, pu: u - 6, b: bids, a: asks },
  });
  const five = (start: number): RawLevel[] => Array.from({ length: 5 }, (_, i): RawLevel => [(start - i).toFixed(1), "1.000"]);
  const messages = [picture(10, five(100), five(110).reverse()), picture(30, five(99), [["101.0", "2.000"]])];
  const result = bookAt({ messages });
  assert.equal(result.topLevels, 5);
  assert.equal(result.state.state, "synced");
  assert.deepEqual(result.book.formatTop(10), { bids: five(99), asks: [["101.0", "2.000"]] }, "the last picture replaces the book");
  assert.equal(result.book.bids.knownUntilPrice, 95, "5 of 5 bid levels: cut there");
  assert.equal(result.book.asks.knownUntilPrice, null, "1 of 5 ask levels: the whole side");
  assert.ok(Number.isNaN(result.book.bids.quantityAt(94)));
  // a diff stream of the same symbol is preferred when there is one
  assert.equal(rebuildBestBidAsk({ messages }).bestBidAsk.length, 2);
});

test("the book over time: a row per event or per interval, best levels as the rebuild's, NaN wherever the book is not synced", () => {
  const every = bookSnapshots(hft, { levels: 5 });
  const rebuild = rebuildBestBidAsk(hft);
  assert.equal(every.length, updates.length);
  assert.deepEqual(Array.from(every.bidPrice[0]), Array.from(rebuild.bestBidAsk.bidPrice));
  assert.deepEqual(Array.from(every.askQuantity[0]), Array.from(rebuild.bestBidAsk.askQuantity));
  assert.ok(every.state.every((s) => BOOK_STATES[s] === "synced"));
  for (let i = 0; i < every.length; i++)
    assert.ok(every.bidPrice[4][i] < every.bidPrice[0][i] && every.askPrice[4][i] > every.askPrice[0][i]);

  const perSecond = bookSnapshots(hft, { levels: 3, intervalMs: 1000 });
  assert.ok(perSecond.length >= 58 && perSecond.length <= 61, `${perSecond.length} rows`);
  for (const row of [0, 17, perSecond.length - 1]) {
    assert.equal(perSecond.time[row] % 1000, 0);
    const at = bookAt(hft, { at: perSecond.time[row] });
    const top = at.book.top(3);
    assert.deepEqual(
      [0, 1, 2].map((k) => perSecond.bidPrice[k][row]),
      top.bids.map((l) => l.price),
      `row ${row}`,
    );
    assert.equal(perSecond.finalUpdateId[row], at.lastUpdateId);
    assert.equal(perSecond.mid[row], at.book.mid());
  }

  // a lost event: NaN and "broken" from the gap to the resync, exact again after it
  const messages = hft.messages.filter((m) => m !== depthMessages[300]);
  const resync = { ...snapshotAfter(320), messageIndex: hft.messages.indexOf(depthMessages[322]) };
  const broken = bookSnapshots({ messages, snapshots: [...hft.snapshots, resync] }, { levels: 2 });
  const states = Array.from(broken.state, (s) => BOOK_STATES[s]);
  // row 300 is the event after the lost one; rows 300-318 are older than the resync snapshot (u of event 320)
  assert.equal(states.indexOf("broken"), 300, "broken from the event after the lost one");
  assert.equal(states.lastIndexOf("broken"), 318, "... until the event that resyncs it");
  assert.equal(states[319], "synced");
  assert.ok(Number.isNaN(broken.bidPrice[0][300]) && Number.isNaN(broken.mid[310]));
  assert.equal(broken.bidPrice[0][319], every.bidPrice[0][320]);
  assert.equal(broken.askQuantity[1][2000], every.askQuantity[1][2001]);
  assert.throws(
    () => bookSnapshots(hft, { levels: 0 }),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_OPTION",
  );
  assert.throws(
    () => bookSnapshots(hft, { intervalMs: -1 }),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_INTERVAL",
  );
});
