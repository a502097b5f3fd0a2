/**
 * The first acceptance line: on every bundled recording with a snapshot, the rebuilt best
 * bid/ask (price and quantity) equals every bookTicker whose `u` equals the last applied depth
 * `u`, with zero mismatches and at least one match per symbol. Checked twice: walking the
 * messages in arrival order (the book as it stood when each bookTicker arrived), and with
 * `compareBookWithBookTicker`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { decodeBookTicker, decodeDepthUpdate } from "../lib/binance/decode";
import { isDiffDepthStream } from "../lib/binance/stream-names";
import { loadSample } from "../lib/store/read";
import { SampleBookBuilder } from "../lib/analysis/book/book-builder";
import { compareBookWithBookTicker } from "../lib/analysis/depth";
import { BUNDLED } from "./helpers";

const RECORDINGS = fs
  .readdirSync(BUNDLED)
  .map((name) => path.join(BUNDLED, name))
  .filter((file) => loadSample(file).snapshots.length > 0);

test("there are bundled recordings with snapshots to check", () => {
  assert.ok(RECORDINGS.length >= 3, RECORDINGS.join(", "));
});

for (const file of RECORDINGS) {
  test(`${path.basename(file)}: the book equals every bookTicker at the last applied depth u, for every symbol`, (t) => {
    const sample = loadSample(file);
    // the best levels after every applied depth event, by its u (a bookTicker may arrive before or after the diff with its u)
    const bestByUpdateId = new Map<string, Map<number, number[]>>();
    const builders = new Map<string, SampleBookBuilder>();
    for (const snapshot of sample.snapshots) {
      builders.set(snapshot.symbol, new SampleBookBuilder(snapshot.symbol, sample.snapshots));
      bestByUpdateId.set(snapshot.symbol, new Map());
    }
    for (const message of sample.messages) {
      const data = message.data as { e: string; s: string };
      const builder = builders.get(data.s);
      if (!builder || data.e !== "depthUpdate" || !isDiffDepthStream(message.stream)) continue;
      if (builder.apply(decodeDepthUpdate(data)) !== "applied") continue;
      const book = builder.book;
      bestByUpdateId
        .get(data.s)!
        .set(book.lastUpdateId!, [book.bids.bestPrice(), book.bids.bestQuantity(), book.asks.bestPrice(), book.asks.bestQuantity()]);
    }
    for (const [symbol, best] of bestByUpdateId) {
      let matches = 0;
      const mismatches: string[] = [];
      for (const message of sample.messages) {
        const data = message.data as { e: string; s: string };
        if (data.e !== "bookTicker" || data.s !== symbol) continue;
        const ticker = decodeBookTicker(data);
        const rebuilt = best.get(ticker.updateId);
        if (!rebuilt) continue;
        const expected = [ticker.bidPrice, ticker.bidQuantity, ticker.askPrice, ticker.askQuantity];
        if (rebuilt.every((value, i) => value === expected[i])) matches++;
        else mismatches.push(`u=${ticker.updateId}: book ${rebuilt.join(" ")} vs bookTicker ${expected.join(" ")}`);
      }
      assert.deepEqual(mismatches, [], `${symbol} mismatches`);
      assert.ok(matches > 0, `${symbol}: ${matches} matches`);
      const check = compareBookWithBookTicker(sample, { symbol });
      assert.equal(check.mismatchCount, 0, symbol);
      assert.equal(check.matchCount, matches, `${symbol}: the same bookTickers compared both ways`);
      assert.equal(check.compared.matches.length, check.comparedCount);
      assert.ok(check.compared.matches.every((m) => m === 1));
      t.diagnostic(`${symbol}: ${matches} matches, 0 mismatches`);
    }
  });
}
