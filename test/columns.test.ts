import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { DecodeError, InvalidArgumentError } from "../lib/errors";
import { loadSample } from "../lib/store/read";
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
import { BUNDLED } from "./helpers";

const seedTrades = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
const seedAggTrades = loadSample(path.join(BUNDLED, "btcusdt-aggTrade.json"));
const seedTickers = loadSample(path.join(BUNDLED, "btcusdt-ticker.json"));
const seedMiniTickers = loadSample(path.join(BUNDLED, "btcusdt-miniTicker.json"));
const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));

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
  const arr = miniTickerColumns([
    { stream: "!miniTicker@arr", localTimestamp: 5, data: [seedMiniTickers.messages[0].data, seedMiniTickers.messages[1].data] },
  ]);
  assert.equal(arr.length, 2);
  assert.equal(arr.localTimestamp[1], 5);
  assert.throws(
    () => tradeColumns(seedTickers.messages),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "NO_MATCHING_MESSAGES" && /24hrTicker/.test(error.message),
  );
  assert.equal(tradeColumns([]).length, 0);
  const broken = seedTrades.messages.map((m, i) => (i === 3 ? { ...m, data: { ...(m.data as object), p: "8384x.7" } } : m));
  assert.throws(
    () => tradeColumns(broken),
    (error: unknown) =>
      error instanceof DecodeError &&
      error.code === "INVALID_DECIMAL" &&
      error.field === "p" &&
      /^Message 3 \(btcusdt@trade\)/.test(error.message),
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
