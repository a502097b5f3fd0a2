import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { decodeTrade } from "../lib/binance/decode";
import { loadSample } from "../lib/store/read";
import type { StoredMessage } from "../lib/store/sample-format";
import { tradeColumns } from "../lib/analysis/columns";
import { formatPercent, takerFlow } from "../lib/analysis/taker-flow";
import { BUNDLED } from "./helpers";

const seedTrades = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
const seedAggTrades = loadSample(path.join(BUNDLED, "btcusdt-aggTrade.json"));
const seedTickers = loadSample(path.join(BUNDLED, "btcusdt-ticker.json"));
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
