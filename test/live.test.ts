/**
 * Against the real Binance: runs only with LIVE=1 (it needs the internet). It proves the routes
 * in lib/binance/routes.ts: a stream on the wrong route would be accepted but silent, and the
 * capture would fail with SILENT_STREAM naming it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { capture } from "../lib/capture/session";
import { decodeMessage } from "../lib/binance/decode";
import { fetchDepthSnapshot } from "../lib/binance/rest";
import { FuturesMarketWebsocket } from "../lib/capture/seed-client";
import { makeTempDir } from "./helpers";

const LIVE = process.env.LIVE === "1";
const why = "needs the internet: run with LIVE=1";

test("live: every seed type arrives on its route, decodes, and depth gets a REST snapshot", { skip: LIVE ? false : why, timeout: 120_000 }, async () => {
  const types = ["ticker", "trade", "miniTicker", "depth@100ms", "aggTrade", "bookTicker", "markPrice@1s", "kline_1m"];
  const { sample } = await capture({ symbols: ["BTCUSDT"], types, count: 3, outDir: makeTempDir(), silenceTimeoutMs: 20_000, keepMessages: true });
  assert.equal(sample.source.kind, "live");
  for (const type of types) assert.equal(sample.countsByStream[`btcusdt@${type}`], 3, type);
  for (const message of sample.messages) decodeMessage(message);
  assert.equal(sample.snapshots.length, 1);
  assert.equal(sample.gaps.length, 0);
});

test("live: the seed's client and the REST snapshot", { skip: LIVE ? false : why, timeout: 60_000 }, async () => {
  const ws = new FuturesMarketWebsocket(["BTCUSDT"]);
  await ws.openStreamConnection("trade");
  const messages = await ws.receiveMessages(5, 20_000);
  await ws.closeConnection();
  assert.ok(messages.every((m) => m.stream === "btcusdt@trade"));
  const book = await fetchDepthSnapshot("https://fapi.binance.com", "BTCUSDT", 100);
  assert.equal(book.bids.length, 100);
});
