import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { loadSample } from "../lib/store/read";
import { depthColumns, depthLevelColumns, tradeColumns } from "../lib/analysis/columns";
import { rebuildBestBidAsk } from "../lib/analysis/depth";
import { computeBuySellVolume, computeTradeBars } from "../lib/analysis/trade-stats";
import {
  aggTradesFrame,
  bestBidAskFrame,
  bookTickersFrame,
  buildFrame,
  buySellVolumeFrame,
  depthLevelsFrame,
  depthUpdatesFrame,
  formatIsoTimes,
  miniTickersFrame,
  tickersFrame,
  tradeBarsFrame,
  tradesFrame,
} from "../lib/notebook/frames";
import { InvalidArgumentError } from "../lib/errors";
import { BUNDLED } from "./helpers";

const seedTrades = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));

test("tradesFrame: explicit column order, numbers as numbers, a readable time, the taker side", () => {
  const df = tradesFrame(seedTrades.messages);
  assert.deepEqual(df.columns, [
    "time",
    "eventTime",
    "tradeTime",
    "symbol",
    "tradeId",
    "price",
    "quantity",
    "notional",
    "side",
    "isBuyerMaker",
    "executionType",
    "localTimestamp",
  ]);
  assert.deepEqual(df.shape, [20, 12]);
  const first = df.values[0] as unknown[];
  assert.deepEqual(first.slice(0, 8), [
    "2025-03-19T11:58:11.584Z",
    1742385491584,
    1742385491584,
    "BTCUSDT",
    6117923730,
    83849.7,
    0.013,
    83849.7 * 0.013,
  ]);
  assert.deepEqual(first.slice(8, 11), ["buy", false, "MARKET"]);
  assert.ok(Number.isNaN(first[11] as number));
  const sides = df.column("side").values as string[];
  assert.equal(sides.filter((s) => s === "buy").length, 6);
  assert.equal(sides.filter((s) => s === "sell").length, 14);
  assert.equal(df.column("price").dtype, "float32"); // danfojs's name for any float column; values stay float64
  assert.equal((df.column("price").values as number[])[0], 83849.7);
  // From columns: the same frame.
  assert.deepEqual(tradesFrame(tradeColumns(seedTrades.messages)).values, df.values);
});

test("frames for every seed type", () => {
  const agg = aggTradesFrame(loadSample(path.join(BUNDLED, "btcusdt-aggTrade.json")).messages);
  assert.deepEqual(agg.shape, [3, 14]);
  assert.equal(agg.columns[agg.columns.length - 2], "tradeCount");
  const tickers = tickersFrame(loadSample(path.join(BUNDLED, "btcusdt-ticker.json")).messages);
  assert.deepEqual(tickers.shape, [10, 19]);
  assert.deepEqual(tickers.columns.slice(0, 5), ["time", "eventTime", "symbol", "lastPrice", "lastQuantity"]);
  assert.equal((tickers.column("lastPrice").values as number[])[0], 83846.2);
  const mini = miniTickersFrame(loadSample(path.join(BUNDLED, "btcusdt-miniTicker.json")).messages);
  assert.deepEqual(mini.shape, [3, 10]);
  assert.equal((mini.column("closePrice").values as number[])[0], 83850.3);
});

test("depth frames: one row per update with counts, one row per level", () => {
  const updates = depthUpdatesFrame(hft.messages);
  assert.deepEqual(updates.shape, [2663, 13]);
  assert.equal((updates.column("bidLevelCount").values as number[])[0], 4);
  assert.equal((updates.column("finalUpdateId").values as number[])[0], 2710246765597);
  assert.equal((updates.column("stream").values as string[])[0], "btcusdt@depth@0ms");
  const levels = depthLevelsFrame(hft.messages);
  assert.equal(levels.shape[0], depthLevelColumns(hft.messages).length);
  assert.deepEqual((levels.values[0] as unknown[]).slice(5), ["bid", 5000, 14.368]);
  assert.deepEqual(depthUpdatesFrame(depthColumns(hft.messages)).shape, [2663, 13]);
  const book = bookTickersFrame(hft.messages);
  assert.deepEqual(book.shape, [3714, 11]);
  assert.ok(Math.abs((book.column("spread").values as number[])[0] - 0.1) < 1e-9);
  const best = bestBidAskFrame(rebuildBestBidAsk(hft));
  assert.deepEqual(best.shape, [2663, 9]);
  assert.equal((best.column("isPartial").values as boolean[])[0], false);
});

test("result frames: bars and buy/sell volume", () => {
  const trades = tradeColumns(seedTrades.messages);
  const bars = tradeBarsFrame(computeTradeBars(trades, 1000));
  assert.deepEqual(bars.shape, [3, 12]);
  assert.deepEqual((bars.values[1] as unknown[]).slice(0, 6), [
    "2025-03-19T11:58:12.000Z",
    1742385492000,
    83849.6,
    83849.7,
    83849.6,
    83849.6,
  ]);
  const volume = buySellVolumeFrame(computeBuySellVolume(trades));
  assert.deepEqual(volume.shape, [3, 7]);
});

test("empty inputs give empty frames that keep their columns; bad columns are refused", () => {
  const empty = tradesFrame([]);
  assert.deepEqual(empty.shape, [0, 12]);
  assert.equal(empty.columns[0], "time");
  assert.throws(
    () => buildFrame({ a: [1, 2], b: [1] }),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "COLUMN_LENGTH_MISMATCH",
  );
  assert.throws(
    () => buildFrame({ a: [1] }, ["a", "z"]),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "UNKNOWN_COLUMN",
  );
  assert.deepEqual(formatIsoTimes([0, NaN]), ["1970-01-01T00:00:00.000Z", ""]);
  const frame = buildFrame({ b: new Float64Array([1.5, 2]), a: ["x", "y"] }, ["a", "b"]);
  assert.deepEqual(frame.columns, ["a", "b"]);
  assert.deepEqual(frame.values, [
    ["x", 1.5],
    ["y", 2],
  ]);
});
