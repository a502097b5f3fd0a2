/**
 * The replay's REST book at the replay's position (lib/replay/depth-books.ts) and the
 * `dropFrames` fault: a lost depth frame is never sent, but the REST book still has it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { InvalidArgumentError } from "../lib/errors";
import { bookAt } from "../lib/analysis/book/book-at";
import { ReplayDepthBooks } from "../lib/replay/depth-books";
import { loadReplayLibrary } from "../lib/replay/recordings";
import { startReplayServer } from "../lib/replay/server";
import { loadSample } from "../lib/store/read";
import { BUNDLED } from "./helpers";
import { connect, waitUntil, withServer } from "./replay-helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const ALTS = path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz");
const DEPTH = "btcusdt@depth@0ms";
const hft = loadSample(HFT);
const depth = hft.messages.filter((m) => m.stream === DEPTH).map((m) => m.data as { u: number; E: number; T: number });

test("the REST book is the recorded snapshot plus every diff passed so far, cut to the limit, strings as Binance writes them", () => {
  const books = new ReplayDepthBooks(loadReplayLibrary([HFT, ALTS]));
  const first = hft.snapshots[0].response;
  assert.deepEqual(
    books.snapshotNow("btcusdt", 5),
    { ...first, bids: first.bids.slice(0, 5), asks: first.asks.slice(0, 5) },
    "before any diff: the recorded snapshot",
  );
  for (const passed of [200, 1500, 50, 2663]) {
    books.advance(DEPTH, passed);
    const answer = books.snapshotNow("BTCUSDT", 1000)!;
    const last = depth[passed - 1];
    assert.equal(answer.lastUpdateId, last.u, `after ${passed} diffs`);
    assert.equal(answer.E, last.E);
    assert.equal(answer.T, last.T);
    const expected = bookAt(hft, { upToUpdateId: last.u }).book.formatTop(1000);
    assert.deepEqual({ bids: answer.bids, asks: answer.asks }, expected, `after ${passed} diffs (going back rebuilds)`);
  }
  assert.equal(books.positionOf("btcusdt"), 2663);
  // other streams do not move a book; a symbol without snapshot has none
  books.advance("btcusdt@trade", 3);
  assert.equal(books.positionOf("BTCUSDT"), 2663);
  assert.equal(books.snapshotNow("ETHUSDT", 5), undefined);
  // cryptofeed's KSMUSDT snapshot came after its first diffs: while the diffs passed are older, the answer is that snapshot as recorded
  const ksm = loadSample(ALTS).snapshots.find((s) => s.symbol === "KSMUSDT")!.response;
  books.advance("ksmusdt@depth@100ms", 1);
  assert.deepEqual(books.snapshotNow("KSMUSDT", 1000), ksm);
});

test("dropFrames: the client never gets the lost frame, and the REST book still includes it", async () => {
  await withServer({ files: [HFT], speed: "max", inject: { dropFrames: { [DEPTH]: [3] } } }, async (server) => {
    const client = await connect(`${server.url}/public/ws/${DEPTH}`);
    await waitUntil(() => client.frames.length >= 2662, 20_000, "every depth frame but the lost one");
    const received = client.frames.map((frame) => (JSON.parse(frame) as { u: number }).u);
    assert.deepEqual(
      received,
      [...depth.slice(0, 3), ...depth.slice(4)].map((d) => d.u),
    );
    const answer = (await (await fetch(`${server.restUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=20`)).json()) as {
      lastUpdateId: number;
      bids: unknown;
      asks: unknown;
    };
    assert.equal(answer.lastUpdateId, depth[2662].u, "the book at the end of the replay");
    assert.deepEqual({ bids: answer.bids, asks: answer.asks }, bookAt(hft).book.formatTop(20), "the book with the lost diff in it");
  });
});

test("dropFrames is checked like every fault", async () => {
  for (const dropFrames of [[3], { [DEPTH]: [-1] }, { [DEPTH]: "3" }, { [DEPTH]: [1.5] }]) {
    await assert.rejects(
      startReplayServer({ files: [HFT], inject: { dropFrames: dropFrames as never } }),
      (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_FAULTS" && /dropFrames/.test(error.message),
    );
  }
});
