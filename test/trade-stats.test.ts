import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { InvalidArgumentError } from "../lib/errors";
import { loadSample } from "../lib/store/read";
import { aggTradeColumns, selectRows, tradeColumns } from "../lib/analysis/columns";
import { takerFlow } from "../lib/analysis/taker-flow";
import {
  computeAggregateSizes,
  computeBuySellVolume,
  computeCumulativeDelta,
  computeRunningVwap,
  computeTradeBars,
  computeVwap,
} from "../lib/analysis/trade-stats";
import { BUNDLED } from "./helpers";

const seedTrades = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
const seedAggTrades = loadSample(path.join(BUNDLED, "btcusdt-aggTrade.json"));
const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));

const handTrades = tradeColumns(
  [
    [1000, "100", "1", false],
    [1500, "101", "2", true],
    [2100, "103", "1", false],
    [2200, "99", "0.5", true],
  ].map(([T, p, q, m], i) => ({
    stream: "testusdt@trade",
    localTimestamp: null,
    data: { e: "trade", E: T, T, s: "TESTUSDT", t: i + 1, p, q, X: "MARKET", m },
  })),
);
test("VWAP matches a hand computation; the running VWAP ends at it", () => {
  // (100×1 + 101×2 + 103×1 + 99×0.5) / 4.5 = 454.5 / 4.5 = 101
  assert.equal(computeVwap(handTrades), 101);
  assert.deepEqual(Array.from(computeRunningVwap(handTrades)), [100, 302 / 3, 405 / 4, 101]);
  const seed = tradeColumns(seedTrades.messages);
  const expected = (7965.7215 + 55256.8864) / (0.095 + 0.659);
  assert.ok(Math.abs(computeVwap(seed) - expected) < 1e-9);
  const running = computeRunningVwap(seed);
  assert.ok(Math.abs(running[running.length - 1] - expected) < 1e-9);
});

test("cumulative volume delta ends at taker buy − sell quantity", () => {
  assert.deepEqual(Array.from(computeCumulativeDelta(handTrades)), [1, -1, 0, -0.5]);
  assert.deepEqual(Array.from(computeCumulativeDelta(handTrades, { unit: "notional" })), [100, -102, 1, -48.5]);
  for (const messages of [seedTrades.messages, hft.messages]) {
    const trades = tradeColumns(messages);
    const flow = takerFlow(trades);
    const cvd = computeCumulativeDelta(trades);
    assert.ok(Math.abs(cvd[cvd.length - 1] - (flow.buyQuantity - flow.sellQuantity)) < 1e-9);
  }
});

test("computeTradeBars: OHLCV of a known second of the seed trades", () => {
  const trades = tradeColumns(seedTrades.messages);
  const bars = computeTradeBars(trades, 1000);
  assert.equal(bars.length, 3);
  assert.deepEqual(Array.from(bars.openTime), [1742385491000, 1742385492000, 1742385493000]);
  assert.equal(bars.symbol, "BTCUSDT");
  // Second 1742385492000: 9 trades from T=…492047 (83849.60, m) to T=…492918 (83849.60, m).
  assert.equal(bars.open[1], 83849.6);
  assert.equal(bars.high[1], 83849.7);
  assert.equal(bars.low[1], 83849.6);
  assert.equal(bars.close[1], 83849.6);
  assert.equal(bars.tradeCount[1], 9);
  assert.ok(Math.abs(bars.volume[1] - 0.634) < 1e-12);
  assert.ok(Math.abs(bars.buyVolume[1] - 0.082) < 1e-12);
  assert.ok(Math.abs(bars.sellVolume[1] - 0.552) < 1e-12);
  assert.deepEqual(Array.from(bars.tradeCount), [2, 9, 9]);
  // Out-of-order rows give the same bars.
  const reversed = selectRows(trades, () => true);
  for (const key of ["tradeTime", "price", "quantity", "isBuyerMaker"] as const) (reversed[key] as Float64Array | Uint8Array).reverse();
  const again = computeTradeBars(reversed, 1000);
  assert.deepEqual(Array.from(again.open), Array.from(bars.open));
  assert.deepEqual(Array.from(again.close), Array.from(bars.close));
  const hand = computeTradeBars(handTrades, 1000);
  assert.deepEqual(
    [Array.from(hand.open), Array.from(hand.high), Array.from(hand.low), Array.from(hand.close)],
    [
      [100, 103],
      [101, 103],
      [100, 99],
      [101, 99],
    ],
  );
  assert.deepEqual(Array.from(hand.vwap), [302 / 3, 152.5 / 1.5]);
  assert.throws(
    () => computeTradeBars(trades, 0),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_INTERVAL",
  );
  const mixed = tradeColumns(seedTrades.messages.map((m, i) => (i === 5 ? { ...m, data: { ...(m.data as object), s: "ETHUSDT" } } : m)));
  assert.throws(
    () => computeTradeBars(mixed, 1000),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "MIXED_SYMBOLS",
  );
});

test("computeBuySellVolume fills every interval and sums to the taker flow", () => {
  const volume = computeBuySellVolume(handTrades, 500);
  assert.deepEqual(Array.from(volume.time), [1000, 1500, 2000]);
  assert.deepEqual(Array.from(volume.buyQuantity), [1, 0, 1]);
  assert.deepEqual(Array.from(volume.sellQuantity), [0, 2, 0.5]);
  const trades = tradeColumns(hft.messages);
  const perSecond = computeBuySellVolume(trades);
  const flow = takerFlow(trades);
  assert.ok(perSecond.length >= 55 && perSecond.length <= 62, String(perSecond.length));
  assert.ok(Math.abs(perSecond.buyQuantity.reduce((a, b) => a + b, 0) - flow.buyQuantity) < 1e-9);
  assert.equal(
    perSecond.tradeCount.reduce((a, b) => a + b, 0),
    1147,
  );
});

test("trades per aggregate (l − f + 1)", () => {
  const agg = aggTradeColumns(seedAggTrades.messages);
  const sizes = computeAggregateSizes(agg);
  let total = 0;
  for (const message of seedAggTrades.messages) {
    const d = message.data as { f: number; l: number };
    total += d.l - d.f + 1;
  }
  assert.equal(sizes.totalTrades, total);
  assert.equal(sizes.totalAggregates, 3);
  assert.equal(
    sizes.aggregateCount.reduce((a, b) => a + b, 0),
    3,
  );
  assert.equal(sizes.meanTradesPerAggregate, total / 3);
});

test("compareAggTradesWithTrades: aggregates built from real trades add up to them", async () => {
  const { compareAggTradesWithTrades } = await import("../lib/analysis/trade-stats");
  const { aggTradeColumns, tradeColumns } = await import("../lib/analysis/columns");
  const { loadSample } = await import("../lib/store/read");
  const { selectMessages } = await import("../lib/store/storage");
  const pathModule = await import("path");
  const sample = loadSample(pathModule.join(__dirname, "..", "data", "bundled", "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));
  const trades = selectMessages(sample, "trade", "BTCUSDT").map(
    (m) => m.data as { E: number; T: number; t: number; p: string; q: string; m: boolean; s: string },
  );
  // aggregate like Binance: consecutive trades of one taker (same time, price and side)
  const aggregates: Array<{ stream: string; data: unknown }> = [];
  for (let i = 0; i < trades.length;) {
    let j = i;
    let quantity = 0;
    while (j < trades.length && trades[j].T === trades[i].T && trades[j].p === trades[i].p && trades[j].m === trades[i].m)
      quantity += Number(trades[j++].q);
    aggregates.push({
      stream: "btcusdt@aggTrade",
      data: {
        e: "aggTrade",
        E: trades[i].E,
        s: "BTCUSDT",
        a: aggregates.length + 1,
        p: trades[i].p,
        q: quantity.toFixed(3),
        f: trades[i].t,
        l: trades[j - 1].t,
        T: trades[i].T,
        m: trades[i].m,
      },
    });
    i = j;
  }
  const [agg, trade] = compareAggTradesWithTrades(aggTradeColumns(aggregates), tradeColumns(selectMessages(sample, "trade", "BTCUSDT")));
  assert.ok(agg.messages < trade.messages, "fewer aggregates than trades");
  assert.equal(agg.trades, trade.trades);
  assert.equal(trade.trades, 1147);
  assert.ok(Math.abs(agg.quantity - trade.quantity) < 1e-6);
  assert.ok(Math.abs(agg.buyNotional - trade.buyNotional) < 1e-3 && Math.abs(agg.sellNotional - trade.sellNotional) < 1e-3);
  assert.ok(Math.abs(agg.vwap - trade.vwap) < 1e-6);
  // disjoint captures: nothing in common, nothing compared
  const disjoint = compareAggTradesWithTrades(
    aggTradeColumns(aggregates.slice(0, 5)),
    tradeColumns(selectMessages(sample, "trade", "BTCUSDT").slice(600)),
  );
  assert.deepEqual(
    disjoint.map((row) => row.messages),
    [0, 0],
  );
});
