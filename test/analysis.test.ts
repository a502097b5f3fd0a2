import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { decodeTrade } from "../lib/binance/decode";
import { DecodeError, InvalidArgumentError } from "../lib/errors";
import { loadSample } from "../lib/store/read";
import type { StoredMessage } from "../lib/store/sample-format";
import {
  aggTradeColumns,
  bookTickerColumns,
  depthColumns,
  depthLevelColumns,
  miniTickerColumns,
  selectRows,
  tickerColumns,
  tradeColumns,
} from "../lib/analysis/columns";
import { formatPercent, takerFlow } from "../lib/analysis/taker-flow";
import {
  computeAggregateSizes,
  computeBuySellVolume,
  computeCumulativeDelta,
  computeRunningVwap,
  computeTradeBars,
  computeTradeSizeHistogram,
  computeVwap,
} from "../lib/analysis/trade-stats";
import { computeHistogram } from "../lib/analysis/histogram";
import { pickDownsampleIndices } from "../lib/analysis/downsample";
import { computeIntervalsMs, computeQuantile, computeReceiveLatency, countMessageRates, summarizeDistribution, summarizeLatencyByStream } from "../lib/analysis/timing";
import { BUNDLED } from "./helpers";

const seedTrades = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
const seedAggTrades = loadSample(path.join(BUNDLED, "btcusdt-aggTrade.json"));
const seedTickers = loadSample(path.join(BUNDLED, "btcusdt-ticker.json"));
const seedMiniTickers = loadSample(path.join(BUNDLED, "btcusdt-miniTicker.json"));
const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));

/** Exact decimal product p×q as a scaled BigInt, then to a number (for hand checks). */
function exactNotional(trades: readonly StoredMessage[], taker: "buy" | "sell"): number {
  let sum = 0n;
  for (const message of trades) {
    const d = message.data as { p: string; q: string; m: boolean };
    if ((taker === "sell") !== d.m) continue;
    const [pi, pf = ""] = d.p.split(".");
    const [qi, qf = ""] = d.q.split(".");
    sum += BigInt(pi + pf.padEnd(8, "0")) * BigInt(qi + qf.padEnd(8, "0"));
  }
  return Number(sum) / 1e16;
}

test("takerFlow on the seed trades: 6 taker buys, 14 taker sells, ratio 14.42 % (m: true → taker sold)", () => {
  const flow = takerFlow(seedTrades.messages);
  assert.equal(flow.buyCount, 6);
  assert.equal(flow.sellCount, 14);
  assert.ok(Math.abs(flow.buyNotional - 7965.7215) < 1e-9, String(flow.buyNotional));
  assert.ok(Math.abs(flow.sellNotional - 55256.8864) < 1e-9, String(flow.sellNotional));
  assert.ok(Math.abs(flow.buyNotional - exactNotional(seedTrades.messages, "buy")) < 1e-9);
  assert.ok(Math.abs(flow.sellNotional - exactNotional(seedTrades.messages, "sell")) < 1e-9);
  assert.ok(Math.abs(flow.buyQuantity - 0.095) < 1e-12);
  assert.ok(Math.abs(flow.sellQuantity - 0.659) < 1e-12);
  assert.equal(formatPercent(flow.buySellRatioPercent), "14.42 %");
  assert.ok(Math.abs(flow.takerBuyShare - 7965.7215 / (7965.7215 + 55256.8864)) < 1e-12);
});

test("takerFlow gives the same answer from messages, decoded records, columns and a mixed list", () => {
  const fromMessages = takerFlow(seedTrades.messages);
  const records = seedTrades.messages.map((m) => decodeTrade(m.data));
  assert.deepEqual(takerFlow(records), fromMessages);
  assert.deepEqual(takerFlow(tradeColumns(seedTrades.messages)), fromMessages);
  assert.deepEqual(takerFlow([...seedTickers.messages, ...seedTrades.messages, ...seedAggTrades.messages]), fromMessages);
  const agg = takerFlow(seedAggTrades.messages);
  assert.equal(agg.buyCount + agg.sellCount, 3);
  const empty = takerFlow([]);
  assert.equal(empty.buyCount, 0);
  assert.ok(Number.isNaN(empty.buySellRatioPercent));
  assert.equal(formatPercent(empty.buySellRatioPercent), "n/a");
  assert.equal(formatPercent(Infinity), "∞ %");
  assert.equal(formatPercent(12.3456, 1), "12.3 %");
});

test("tradeColumns parses every field once, keeps ids exact and localTimestamp NaN when unknown", () => {
  const t = tradeColumns(seedTrades.messages);
  assert.equal(t.length, 20);
  assert.equal(t.price[0], 83849.7);
  assert.equal(t.quantity[0], 0.013);
  assert.equal(t.tradeId[0], 6117923730);
  assert.equal(t.eventTime[0], 1742385491584);
  assert.equal(t.isBuyerMaker[0], 0);
  assert.equal(t.isBuyerMaker[1], 1);
  assert.equal(t.symbol[0], "BTCUSDT");
  assert.equal(t.stream[0], "btcusdt@trade");
  assert.equal(t.executionType[0], "MARKET");
  assert.ok(Number.isNaN(t.localTimestamp[0]));
  const h = tradeColumns(hft.messages);
  assert.equal(h.length, 1147);
  assert.equal(h.localTimestamp[0], 1680652700441.533);
});

test("column builders skip other types, refuse inputs with none of theirs, and name the broken message", () => {
  assert.equal(aggTradeColumns(seedAggTrades.messages).tradeCount.length, 3);
  const ticker = tickerColumns(seedTickers.messages);
  assert.equal(ticker.length, 10);
  assert.equal(ticker.lastPrice[0], 83846.2);
  assert.equal(ticker.tradeCount[0], 3054887);
  assert.equal(miniTickerColumns(seedMiniTickers.messages).closePrice[0], 83850.3);
  // !miniTicker@arr arrays are expanded.
  const arr = miniTickerColumns([{ stream: "!miniTicker@arr", localTimestamp: 5, data: [seedMiniTickers.messages[0].data, seedMiniTickers.messages[1].data] }]);
  assert.equal(arr.length, 2);
  assert.equal(arr.localTimestamp[1], 5);
  assert.throws(() => tradeColumns(seedTickers.messages), (error: unknown) => error instanceof InvalidArgumentError && error.code === "NO_MATCHING_MESSAGES" && /24hrTicker/.test(error.message));
  assert.equal(tradeColumns([]).length, 0);
  const broken = seedTrades.messages.map((m, i) => (i === 3 ? { ...m, data: { ...(m.data as object), p: "8384x.7" } } : m));
  assert.throws(
    () => tradeColumns(broken),
    (error: unknown) => error instanceof DecodeError && error.code === "INVALID_DECIMAL" && error.field === "p" && /^Message 3 \(btcusdt@trade\)/.test(error.message),
  );
  const book = bookTickerColumns(hft.messages);
  assert.equal(book.length, 3714);
  assert.equal(book.updateId[0], 2710246762461);
  assert.equal(book.bidPrice[0], 28145.1);
  assert.equal(book.askQuantity[0], 6.887);
});

test("depthColumns counts levels and removals per update; depthLevelColumns has one row per level", () => {
  const d = depthColumns(hft.messages);
  assert.equal(d.length, 2663);
  assert.equal(d.bidLevelCount[0], 4);
  assert.equal(d.askLevelCount[0], 3);
  assert.equal(d.bidRemovalCount[0], 1); // ["28018.90", "0.000"]
  assert.equal(d.firstUpdateId[0], 2710246765373);
  assert.equal(d.previousFinalUpdateId[1], d.finalUpdateId[0]);
  const levels = depthLevelColumns(hft.messages);
  let total = 0;
  for (let i = 0; i < d.length; i++) total += d.bidLevelCount[i] + d.askLevelCount[i];
  assert.equal(levels.length, total);
  assert.deepEqual([levels.price[0], levels.quantity[0], levels.isAsk[0], levels.updateIndex[0]], [5000, 14.368, 0, 0]);
  assert.deepEqual([levels.price[4], levels.quantity[4], levels.isAsk[4]], [28145.2, 6.961, 1]);
});

test("selectRows filters every column", () => {
  const t = tradeColumns(seedTrades.messages);
  const sells = selectRows(t, (i) => t.isBuyerMaker[i] === 1);
  assert.equal(sells.length, 14);
  assert.equal(sells.price.length, 14);
  assert.equal(sells.symbol.length, 14);
  assert.equal(sells.kind, "trade");
  assert.ok(sells.price instanceof Float64Array);
});

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
  assert.deepEqual([Array.from(hand.open), Array.from(hand.high), Array.from(hand.low), Array.from(hand.close)], [[100, 103], [101, 103], [100, 99], [101, 99]]);
  assert.deepEqual(Array.from(hand.vwap), [302 / 3, 152.5 / 1.5]);
  assert.throws(() => computeTradeBars(trades, 0), (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_INTERVAL");
  const mixed = tradeColumns(seedTrades.messages.map((m, i) => (i === 5 ? { ...m, data: { ...(m.data as object), s: "ETHUSDT" } } : m)));
  assert.throws(() => computeTradeBars(mixed, 1000), (error: unknown) => error instanceof InvalidArgumentError && error.code === "MIXED_SYMBOLS");
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
  assert.equal(perSecond.tradeCount.reduce((a, b) => a + b, 0), 1147);
});

test("histograms: linear and log bins, NaN skipped", () => {
  const h = computeHistogram([1, 2, 3, 4, NaN], { binCount: 2 });
  assert.deepEqual([Array.from(h.binStart), Array.from(h.binEnd), Array.from(h.count)], [[1, 2.5], [2.5, 4], [2, 2]]);
  assert.equal(h.skippedCount, 1);
  const log = computeHistogram([0.001, 0.01, 0.1, 1, 0], { binCount: 3, scale: "log" });
  assert.deepEqual(Array.from(log.count), [1, 1, 2]);
  assert.ok(Math.abs(log.binStart[0] - 0.001) < 1e-15);
  assert.equal(log.skippedCount, 1);
  const width = computeHistogram([0.5, 1.2, 1.9, 3], { binWidth: 1 });
  assert.deepEqual([Array.from(width.binStart), Array.from(width.count)], [[0, 1, 2, 3], [1, 2, 0, 1]]);
  const same = computeHistogram([2, 2, 2]);
  assert.deepEqual([same.length, same.count[0]], [1, 3]);
  const sizes = computeTradeSizeHistogram(tradeColumns(hft.messages));
  assert.equal(sizes.total, 1147);
  assert.equal(sizes.scale, "log");
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
  assert.equal(sizes.aggregateCount.reduce((a, b) => a + b, 0), 3);
  assert.equal(sizes.meanTradesPerAggregate, total / 3);
});

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
  assert.deepEqual(byStream.map((r) => r.stream).sort(), ["btcusdt@bookTicker", "btcusdt@depth@0ms", "btcusdt@markPrice@1s", "btcusdt@trade"]);
  assert.equal(byStream.reduce((a, r) => a + r.count, 0), 7584);
  assert.ok(Number.isNaN(summarizeDistribution(computeReceiveLatency(seedTrades.messages).latencyMs).mean));

  const rates = countMessageRates(hft.messages);
  assert.equal(rates.clock, "local");
  assert.equal(rates.total.reduce((a, b) => a + b, 0), 7584);
  const mark = rates.counts[rates.streams.indexOf("btcusdt@markPrice@1s")];
  assert.equal(mark.reduce((a, b) => a + b, 0), 60);
  assert.equal(countMessageRates(seedTrades.messages).clock, "event");
  assert.deepEqual(Array.from(countMessageRates(seedTrades.messages).total), [2, 9, 9]);
  const intervals = computeIntervalsMs(depthColumns(hft.messages).eventTime);
  assert.ok(Number.isNaN(intervals[0]));
  assert.equal(intervals[1], 1680652700610 - 1680652700594);
});

test("pickDownsampleIndices keeps extremes, first and last, within the limit", () => {
  const y = new Float64Array(100_000);
  for (let i = 0; i < y.length; i++) y[i] = Math.sin(i / 1000);
  y[54_321] = 50;
  y[77_777] = -50;
  const keep = pickDownsampleIndices(y, 5000);
  assert.ok(keep.length <= 5000);
  assert.equal(keep[0], 0);
  assert.equal(keep[keep.length - 1], y.length - 1);
  assert.ok(keep.includes(54_321) && keep.includes(77_777));
  for (let i = 1; i < keep.length; i++) assert.ok(keep[i] > keep[i - 1]);
  assert.equal(pickDownsampleIndices([1, 2, 3], 5000).length, 3);
});

test("compareAggTradesWithTrades: aggregates built from real trades add up to them", async () => {
  const { compareAggTradesWithTrades } = await import("../lib/analysis/trade-stats");
  const { aggTradeColumns, tradeColumns } = await import("../lib/analysis/columns");
  const { loadSample } = await import("../lib/store/read");
  const { selectMessages } = await import("../lib/store/storage");
  const pathModule = await import("path");
  const sample = loadSample(pathModule.join(__dirname, "..", "data", "bundled", "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));
  const trades = selectMessages(sample, "trade", "BTCUSDT").map((m) => m.data as { E: number; T: number; t: number; p: string; q: string; m: boolean; s: string });
  // aggregate like Binance: consecutive trades of one taker (same time, price and side)
  const aggregates: Array<{ stream: string; data: unknown }> = [];
  for (let i = 0; i < trades.length; ) {
    let j = i;
    let quantity = 0;
    while (j < trades.length && trades[j].T === trades[i].T && trades[j].p === trades[i].p && trades[j].m === trades[i].m) quantity += Number(trades[j++].q);
    aggregates.push({ stream: "btcusdt@aggTrade", data: { e: "aggTrade", E: trades[i].E, s: "BTCUSDT", a: aggregates.length + 1, p: trades[i].p, q: quantity.toFixed(3), f: trades[i].t, l: trades[j - 1].t, T: trades[i].T, m: trades[i].m } });
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
  const disjoint = compareAggTradesWithTrades(aggTradeColumns(aggregates.slice(0, 5)), tradeColumns(selectMessages(sample, "trade", "BTCUSDT").slice(600)));
  assert.deepEqual(disjoint.map((row) => row.messages), [0, 0]);
});

test("ticker change, rolling volume, update interval and aggregate-size figures carry the data", async () => {
  const { tickerChangeFigure, rollingVolumeFigure, updateIntervalFigure, aggregateSizesFigure } = await import("../lib/notebook/figures");
  const { tickerColumns } = await import("../lib/analysis/columns");
  const { loadSample } = await import("../lib/store/read");
  const pathModule = await import("path");
  const tickers = tickerColumns(loadSample(pathModule.join(__dirname, "..", "data", "bundled", "btcusdt-ticker.json")).messages);
  const change = tickerChangeFigure(tickers);
  assert.deepEqual(change.data[0].y, Array.from(tickers.priceChangePercent));
  assert.equal((rollingVolumeFigure(tickers).data[0].y as number[]).length, 10);
  const interval = updateIntervalFigure([0, 100, 200, 450]);
  assert.equal((interval.data[0].y as number[]).reduce((a, b) => a + b, 0), 3);
  const sizes = aggregateSizesFigure({ tradesPerAggregate: Float64Array.from([1, 2]), aggregateCount: Float64Array.from([5, 1]), totalAggregates: 6, totalTrades: 7, meanTradesPerAggregate: 7 / 6, maxTradesPerAggregate: 2 });
  assert.deepEqual(sizes.data[0].y, [5, 1]);
});
