import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import {
  decodeAggTrade,
  decodeDepthUpdate,
  decodeLevels,
  decodeMessage,
  decodeMiniTicker,
  decodeTicker,
  decodeTrade,
  type MarketRecord,
} from "../lib/binance/decode";
import { DecodeError } from "../lib/errors";
import { loadSample } from "../lib/store/read";
import { BUNDLED, FIXTURES, readRecordingLines } from "./helpers";

const RECORDINGS = [
  "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz",
  "alts-2021-04-17-cryptofeed.jsonl.gz",
  "alts-2021-07-22-cryptofeed.jsonl.gz",
  "btcusdt-ticker.json",
  "btcusdt-trade.json",
  "btcusdt-miniTicker.json",
  "btcusdt-aggTrade.json",
].map((name) => path.join(BUNDLED, name));

test("every message of every bundled recording decodes, and its fields match the payload", () => {
  const kinds: Record<string, number> = {};
  for (const file of RECORDINGS) {
    const sample = loadSample(file);
    assert.ok(sample.count > 0, file);
    for (const message of sample.messages) {
      const record = decodeMessage(message);
      kinds[record.kind] = (kinds[record.kind] ?? 0) + 1;
      const data = message.data as Record<string, unknown>;
      assert.equal(record.eventTime, data.E);
      assert.equal(record.symbol, data.s);
      assert.equal(record.localTimestamp, message.localTimestamp);
      checkFields(record, data);
    }
  }
  // the five seed types are all covered, with real counts
  assert.equal(kinds.ticker, 10);
  assert.equal(kinds.miniTicker, 3);
  assert.equal(kinds.trade, 20 + 1147);
  assert.ok(kinds.depth > 2663 + 500, `depth ${kinds.depth}`);
  assert.ok(kinds.aggTrade > 3 + 100, `aggTrade ${kinds.aggTrade}`);
  assert.ok(kinds.bookTicker > 3000 && kinds.markPrice === 60 && kinds.kline > 100);
});

function checkFields(record: MarketRecord, data: Record<string, unknown>): void {
  switch (record.kind) {
    case "trade":
      assert.equal(record.tradeId, data.t);
      assert.equal(record.price, Number(data.p));
      assert.equal(record.quantity, Number(data.q));
      assert.equal(record.isBuyerMaker, data.m);
      assert.equal(record.side, data.m ? "sell" : "buy");
      assert.equal(record.executionType, data.X);
      break;
    case "aggTrade":
      assert.equal(record.aggTradeId, data.a);
      assert.equal(record.tradeCount, (data.l as number) - (data.f as number) + 1);
      assert.equal(record.side, data.m ? "sell" : "buy");
      break;
    case "depth": {
      assert.equal(record.finalUpdateId, data.u);
      assert.equal(record.previousFinalUpdateId, data.pu);
      const bids = data.b as [string, string][];
      assert.equal(record.bids.length, bids.length);
      if (bids.length > 0) assert.deepEqual(record.bids[0], [Number(bids[0][0]), Number(bids[0][1])]);
      break;
    }
    case "ticker":
      assert.equal(record.lastPrice, Number(data.c));
      assert.equal(record.priceChangePercent, Number(data.P));
      assert.equal(record.tradeCount, data.n);
      break;
    case "miniTicker":
      assert.equal(record.closePrice, Number(data.c));
      assert.equal(record.quoteVolume, Number(data.q));
      break;
    case "bookTicker":
      assert.equal(record.updateId, data.u);
      assert.equal(record.bidPrice, Number(data.b));
      break;
    case "markPrice":
      assert.equal(record.fundingRate, Number(data.r));
      break;
    case "kline":
      assert.equal(record.close, Number((data.k as Record<string, unknown>).c));
      break;
  }
}

test("exact values of the seed's first trade, ticker, miniTicker and aggTrade", () => {
  const trade = decodeTrade(loadSample(path.join(BUNDLED, "btcusdt-trade.json")).messages[1].data);
  assert.deepEqual(trade, {
    kind: "trade",
    eventTime: 1742385491657,
    localTimestamp: null,
    symbol: "BTCUSDT",
    tradeId: 6117923731,
    tradeTime: 1742385491657,
    price: 83849.6,
    quantity: 0.05,
    executionType: "MARKET",
    isBuyerMaker: true,
    side: "sell",
  });
  const ticker = decodeTicker(loadSample(path.join(BUNDLED, "btcusdt-ticker.json")).messages[0].data);
  assert.equal(ticker.priceChange, 1305.9);
  assert.equal(ticker.weightedAveragePrice, 82357.76);
  assert.equal(ticker.statsOpenTime, 1742299020000);
  assert.equal(ticker.firstTradeId, 6114867777);
  assert.equal(ticker.tradeCount, 3054887);
  const mini = decodeMiniTicker(loadSample(path.join(BUNDLED, "btcusdt-miniTicker.json")).messages[2].data);
  assert.equal(mini.closePrice, 83868.1);
  assert.equal(mini.baseVolume, 176589.717);
  const agg = decodeAggTrade(loadSample(path.join(BUNDLED, "btcusdt-aggTrade.json")).messages[2].data, 5);
  assert.equal(agg.tradeCount, 2);
  assert.equal(agg.localTimestamp, 5);
  assert.equal(agg.side, "buy");
});

test("the single-message fixtures (delivery contracts, !arr streams, REST bodies) decode", () => {
  let decoded = 0;
  for (const line of readRecordingLines(path.join(FIXTURES, "usdm-single-messages-crypto-crawler.jsonl"))) {
    const value = JSON.parse(line);
    if (value.stream !== undefined) {
      for (const data of Array.isArray(value.data) ? value.data : [value.data]) {
        decodeMessage({ data });
        decoded++;
      }
    } else if (value.lastUpdateId !== undefined) {
      assert.ok(decodeLevels(value.bids, "bids").length > 0);
      assert.ok(decodeLevels(value.asks, "asks").length > 0);
    }
  }
  assert.equal(decoded, 17); // 16 stream lines, one !markPrice@arr with 2 entries
  const delivery = decodeDepthUpdate(
    JSON.parse(readRecordingLines(path.join(FIXTURES, "usdm-single-messages-crypto-crawler.jsonl"))[4]).data,
  );
  assert.equal(delivery.symbol, "ETHUSDT_210625");
  assert.deepEqual(delivery.bids[1], [2437.07, 0]);
});

test("malformed payloads throw DecodeError with a stable code, the field and the text", () => {
  const good = { e: "trade", E: 1, T: 1, s: "BTCUSDT", t: 1, p: "1.5", q: "2", X: "MARKET", m: false };
  const expectError = (data: unknown, code: string, field: string, pattern: RegExp) =>
    assert.throws(
      () => decodeTrade(data),
      (error: DecodeError) => {
        assert.ok(error instanceof DecodeError);
        assert.equal(error.code, code);
        assert.equal(error.field, field);
        assert.match(error.message, pattern);
        return true;
      },
    );
  expectError({ ...good, p: "12,5" }, "INVALID_DECIMAL", "p", /field "p" of trade: got "12,5", expected a decimal string/);
  expectError({ ...good, p: 1.5 }, "INVALID_DECIMAL", "p", /got 1.5/);
  expectError({ ...good, t: "7" }, "INVALID_INTEGER", "t", /expected an integer/);
  expectError({ ...good, m: "true" }, "INVALID_BOOLEAN", "m", /true or false/);
  expectError({ ...good, e: "aggTrade" }, "WRONG_EVENT_TYPE", "e", /expected "trade"/);
  expectError("oops", "NOT_AN_OBJECT", "", /expected a JSON object/);
  const { s: _s, ...noSymbol } = good;
  expectError(noSymbol, "INVALID_STRING", "s", /got undefined/);
  assert.throws(
    () => decodeDepthUpdate({ e: "depthUpdate", E: 1, T: 1, s: "X", U: 1, u: 2, pu: 0, b: [["1"]], a: [] }),
    /field "b\[0\]" of depthUpdate/,
  );
  assert.throws(
    () => decodeMessage({ data: { e: "mystery" } }),
    (error: DecodeError) => error.code === "UNKNOWN_EVENT_TYPE",
  );
});
