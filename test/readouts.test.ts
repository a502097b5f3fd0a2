import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { decodeAggTrade, decodeTrade } from "../lib/binance/decode";
import type { SequenceGap } from "../lib/binance/sequence";
import { aggTradeColumns, depthColumns } from "../lib/analysis/columns";
import { compareBookWithBookTicker, findDepthGaps } from "../lib/analysis/depth";
import { inspectSample } from "../lib/analysis/inspect";
import { takerFlow } from "../lib/analysis/taker-flow";
import { computeAggregateSizes } from "../lib/analysis/trade-stats";
import { SampleStorage, selectMessages } from "../lib/store/storage";
import { loadSample } from "../lib/store/read";
import {
  compareTradeStreams,
  depthChainLinks,
  describeAggregateSizes,
  describeBookTickerCheck,
  describeDepthChain,
  describeTakerFlow,
  describeTradeIdGaps,
  fieldsOnlyIn,
  firstMessageRows,
  formatTrade,
  inspectionRows,
  takerFlowRows,
} from "../lib/notebook/readouts";
import { BUNDLED } from "./helpers";

const trades = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
const aggs = loadSample(path.join(BUNDLED, "btcusdt-aggTrade.json"));

test("taker flow of the seed's 20 trades: the original notebook's numbers in one line, and as two rows", () => {
  const flow = takerFlow(trades.messages);
  assert.equal(describeTakerFlow(flow), "6 buys, 14 sells; buy / sell notional × 100 = 14.42 %; taker-buy share 12.60 %");
  const rows = takerFlowRows(flow);
  assert.deepEqual(
    rows.map((row) => [row.side, row.trades]),
    [
      ["taker buys", 6],
      ["taker sells", 14],
    ],
  );
  assert.equal(rows[0].notional, flow.buyNotional);
  assert.match(describeTakerFlow(takerFlow(aggs.messages)), /^2 buys, 1 sell; /);
});

test("formatTrade: time, id, the taker's side, quantity @ price", () => {
  assert.equal(formatTrade(decodeTrade(trades.messages[0].data)), "2025-03-19T11:58:11.584Z  6117923730  taker buy   0.013 @ 83849.7");
  assert.equal(formatTrade(decodeAggTrade(aggs.messages[0].data)), "2025-03-19T11:58:36.286Z  2639759222  taker buy   0.032 @ 83869.8");
});

test("firstMessageRows and inspectionRows: one row per type / stream", () => {
  const sample = { messages: [...trades.messages, ...aggs.messages] };
  assert.deepEqual(firstMessageRows(SampleStorage.fromSample(sample)), [
    { type: "trade", kind: "trade", symbol: "BTCUSDT", eventTime: "2025-03-19T11:58:11.584Z" },
    { type: "aggTrade", kind: "aggTrade", symbol: "BTCUSDT", eventTime: "2025-03-19T11:58:36.441Z" },
  ]);
  const [{ "msg/s": rate, ...row }] = inspectionRows(inspectSample(trades));
  assert.deepEqual(row, {
    stream: "btcusdt@trade",
    messages: 20,
    gaps: 0,
    first: "2025-03-19T11:58:11.584Z",
    last: "2025-03-19T11:58:13.619Z",
  });
  assert.ok(Number(rate) > 9 && Number(rate) < 10, `${rate} msg/s`);
});

test("sequence readouts: trade ids and the depth chain, with and without gaps", () => {
  const gap = {
    stream: "btcusdt@trade",
    kind: "tradeId",
    field: "t",
    expected: 2,
    actual: 5,
    missing: 3,
    index: 1,
    eventTime: null,
  } as SequenceGap;
  assert.equal(describeTradeIdGaps([], 20), "No gaps: 20 consecutive trade ids.");
  assert.equal(describeTradeIdGaps([gap], 20), "1 gap(s) in trade ids:");
  assert.equal(describeDepthChain([], 600), "Chain unbroken: 600 updates, every pu equals the previous u.");
  assert.equal(describeDepthChain([gap, gap], 600), "2 break(s) in the chain: the local book must resync.");
});

test("depth readouts on the hftbacktest recording: chain links and the bookTicker check", () => {
  const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));
  const messages = selectMessages(hft, "depth", "BTCUSDT").slice(0, 600);
  assert.equal(findDepthGaps(messages).length, 0);
  const links = depthChainLinks(depthColumns(messages));
  assert.equal(links.length, 5);
  assert.equal(links[0].linked, "");
  assert.ok(links.slice(1).every((link) => link.linked === true && link.pu === link["previous u"]));
  assert.equal(depthChainLinks(depthColumns(messages.slice(0, 2)), 5).length, 2);
  const check = compareBookWithBookTicker(hft);
  assert.ok(check.comparedCount > 0 && check.matchCount === check.comparedCount);
  assert.equal(
    describeBookTickerCheck(check),
    `${check.comparedCount} bookTicker messages shared an update id with a depth event: ${check.matchCount} matches, 0 mismatches.`,
  );
});

test("fieldsOnlyIn: what @ticker has and @miniTicker lacks", () => {
  const fields = fieldsOnlyIn("24hrTicker", "24hrMiniTicker");
  assert.deepEqual(
    fields.map((row) => row.field),
    ["p", "P", "w", "Q", "O", "C", "F", "L", "n"],
  );
  assert.deepEqual(fields[1], { field: "P", name: "priceChangePercent", meaning: "price change, percent" });
  assert.deepEqual(fieldsOnlyIn("24hrMiniTicker", "24hrTicker"), []);
});

test("aggregate readouts: sizes, and the comparison with @trade or why there is none", () => {
  const aggColumns = aggTradeColumns(aggs.messages);
  assert.equal(describeAggregateSizes(computeAggregateSizes(aggColumns)), "3 aggregates hold 4 trades (mean 1.33, max 2).");
  assert.deepEqual(compareTradeStreams(aggColumns, []), {
    rows: [],
    note: 'No trades were captured: add "trade" to the types to compare.',
  });
  const apart = compareTradeStreams(aggColumns, trades.messages);
  assert.deepEqual(apart.rows, []);
  assert.match(apart.note, /cover different trade ids/);
  // the trades an aggregate covers, as @trade would have sent them
  const covered = aggs.messages.slice(0, 1).map((m) => {
    const agg = decodeAggTrade(m.data);
    return {
      stream: "btcusdt@trade",
      localTimestamp: null,
      data: {
        e: "trade",
        E: agg.eventTime,
        T: agg.tradeTime,
        s: "BTCUSDT",
        t: agg.firstTradeId,
        p: String(agg.price),
        q: String(agg.quantity),
        X: "MARKET",
        m: agg.isBuyerMaker,
      },
    };
  });
  const same = compareTradeStreams(aggColumns, covered);
  assert.equal(same.note, "Over the trade ids both streams cover:");
  assert.deepEqual(
    same.rows.map((row) => [row.stream, row.messages, row.trades, row.quantity]),
    [
      ["aggTrade", 1, 1, 0.032],
      ["trade", 1, 1, 0.032],
    ],
  );
});
