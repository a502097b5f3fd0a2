/**
 * Speed never changes results: every fast path gives the same answers as a straightforward
 * reference on the real recordings of data/bundled (bars, taker sums, VWAP, the order book), and
 * the columns read straight from stored text equal the columns of decoded records, byte-level
 * corner cases included.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { BUNDLED, makeTempDir } from "./helpers";
import { loadSample } from "../lib/store/read";
import { saveSample } from "../lib/store/write";
import { readStoredLines, storedLinesOf } from "../lib/analysis/fast-lines";
import {
  aggTradeColumns,
  bookTickerColumns,
  decodeDepthMessages,
  depthColumns,
  miniTickerColumns,
  tickerColumns,
  tradeColumns,
} from "../lib/analysis/columns";
import { takerFlow } from "../lib/analysis/taker-flow";
import { computeTradeBars, computeVwap } from "../lib/analysis/trade-stats";
import { rebuildBestBidAsk } from "../lib/analysis/depth";
import { DecodeError } from "../lib/errors";
import { writeTradeSample } from "../scripts/bench/trade-sample";

const RECORDING = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const BUILDERS = { tradeColumns, aggTradeColumns, bookTickerColumns, tickerColumns, miniTickerColumns, depthColumns } as const;

function outcome(build: () => unknown): unknown {
  try {
    return build();
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

test("columns from stored text equal the columns of decoded records, for every bundled file and type", () => {
  for (const name of fs.readdirSync(BUNDLED)) {
    const file = path.join(BUNDLED, name);
    const messages = loadSample(file).messages;
    for (const [builder, build] of Object.entries(BUILDERS)) {
      assert.deepStrictEqual(
        outcome(() => build(readStoredLines(file))),
        outcome(() => build(messages)),
        `${builder} of ${name}`,
      );
    }
  }
});

interface RefTrade {
  time: number;
  price: number;
  quantity: number;
  sell: boolean;
}

/** The trades of a JSONL text, the plain way: JSON.parse and Number per line. */
function referenceTrades(text: string): RefTrade[] {
  const out: RefTrade[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line.replace(/,$/, "")) as {
      stream?: string;
      data?: { e: string; T: number; p: string; q: string; m: boolean };
    };
    if (message.stream === undefined || message.data?.e !== "trade") continue;
    out.push({ time: message.data.T, price: Number(message.data.p), quantity: Number(message.data.q), sell: message.data.m });
  }
  return out;
}

function close(actual: number, expected: number, what: string): void {
  const scale = Math.max(Math.abs(actual), Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) / scale <= 1e-12, `${what}: ${actual} vs ${expected}`);
}

function checkAgainstReference(text: string, columns: ReturnType<typeof tradeColumns>): void {
  const trades = referenceTrades(text);
  assert.equal(columns.length, trades.length);
  // Taker sums and VWAP.
  let buy = 0;
  let sell = 0;
  let notional = 0;
  let quantity = 0;
  for (const t of trades) {
    if (t.sell) sell += t.price * t.quantity;
    else buy += t.price * t.quantity;
    notional += t.price * t.quantity;
    quantity += t.quantity;
  }
  const flow = takerFlow(columns);
  close(flow.buyNotional, buy, "buy notional");
  close(flow.sellNotional, sell, "sell notional");
  assert.equal(flow.buyCount + flow.sellCount, trades.length);
  close(computeVwap(columns), notional / quantity, "VWAP");
  // 1 s bars: a Map per second, trades in time order (stable).
  const sorted = trades.map((t, i) => ({ ...t, i })).sort((a, b) => a.time - b.time || a.i - b.i);
  const bars = new Map<number, { open: number; high: number; low: number; close: number; volume: number; buy: number; count: number }>();
  for (const t of sorted) {
    const key = Math.floor(t.time / 1000) * 1000;
    const bar = bars.get(key);
    if (bar === undefined)
      bars.set(key, {
        open: t.price,
        high: t.price,
        low: t.price,
        close: t.price,
        volume: t.quantity,
        buy: t.sell ? 0 : t.quantity,
        count: 1,
      });
    else {
      bar.high = Math.max(bar.high, t.price);
      bar.low = Math.min(bar.low, t.price);
      bar.close = t.price;
      bar.volume += t.quantity;
      if (!t.sell) bar.buy += t.quantity;
      bar.count++;
    }
  }
  const computed = computeTradeBars(columns, 1000);
  assert.equal(computed.length, bars.size);
  let b = 0;
  for (const [openTime, bar] of bars) {
    assert.equal(computed.openTime[b], openTime);
    assert.equal(computed.open[b], bar.open);
    assert.equal(computed.high[b], bar.high);
    assert.equal(computed.low[b], bar.low);
    assert.equal(computed.close[b], bar.close);
    close(computed.volume[b], bar.volume, `volume of bar ${b}`);
    close(computed.buyVolume[b], bar.buy, `buy volume of bar ${b}`);
    assert.equal(computed.tradeCount[b], bar.count);
    b++;
  }
}

test("bars, taker sums and VWAP from the fast path equal a plain reference on the real recording", () => {
  const text = zlib.gunzipSync(fs.readFileSync(RECORDING)).toString("utf8");
  checkAgainstReference(text, tradeColumns(readStoredLines(RECORDING)));
});

test("a large shifted sample (journal lines, and the same messages as a sample file) gives the same answers both ways", () => {
  const dir = makeTempDir();
  const journal = writeTradeSample(path.join(dir, "trades.jsonl"), 30_000);
  const fast = tradeColumns(readStoredLines(journal));
  assert.deepStrictEqual(fast, tradeColumns(loadSample(journal).messages));
  checkAgainstReference(fs.readFileSync(journal, "utf8"), fast);
  const sampleFile = saveSample(loadSample(journal).messages, { dir, name: "trades-saved" });
  assert.deepStrictEqual(tradeColumns(readStoredLines(sampleFile)), fast);
  fs.rmSync(dir, { recursive: true, force: true });
});

const TRADE = (fields: string): string =>
  `{"localTimestamp":1680652700441.5332,"stream":"btcusdt@trade","data":{"e":"trade","E":1680652700455,"T":1680652700452,"s":"BTCUSDT","t":3535186032,${fields},"X":"MARKET","m":true}}`;

test("corner cases of the scanner give the decoder's columns and errors", () => {
  const cases = [
    TRADE(`"p":"28145.10","q":"0.002"`),
    TRADE(`"p":"1e3","q":"0.002"`), // exponent: left to the decoder
    TRADE(`"p":"0.12345678901234567890","q":"123456789012345678"`), // more digits than a double holds
    TRADE(`"p":"-0.0","q":"00.5"`),
    TRADE(`"p":"28145.10","q":"0.002","extra":{"nested":[1,2]}`),
    `{"localTimestamp":null,"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":2,"s":"BTC\\u0055SDT","t":3,"p":"1.5","q":"2","X":"MARKET","m":false}}`,
    `{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":2,"s":"BTCUSDT","t":3,"p":"1.5","q":"2","X":"MARKET","m":false}}`,
    `{"localTimestamp":5,"event":{"kind":"open","url":"ws://x"}}`,
    `{"localTimestamp":5,"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT","b":"1","B":"1","a":"2","A":"1","T":1,"E":1}}`,
  ];
  for (const ending of ["\n", "\r\n"]) {
    const text = cases.join(ending) + ending;
    const messages = cases
      .filter((line) => line.includes('"data"'))
      .map((line) => {
        const value = JSON.parse(line) as { stream: string; data: unknown; localTimestamp?: number | null };
        return { stream: value.stream, data: value.data, localTimestamp: value.localTimestamp ?? null };
      });
    assert.deepStrictEqual(tradeColumns(storedLinesOf(text)), tradeColumns(messages));
  }
  // A malformed field: the same DecodeError, naming the message and the field.
  const bad = [TRADE(`"p":"28145.10","q":"0.002"`), TRADE(`"p":"12,5","q":"0.002"`)].join("\n");
  const slow = outcome(() => tradeColumns(bad.split("\n").map((line) => JSON.parse(line) as { stream: string; data: unknown })));
  assert.deepStrictEqual(
    outcome(() => tradeColumns(storedLinesOf(bad))),
    slow,
  );
  assert.throws(
    () => tradeColumns(storedLinesOf(bad)),
    (error: unknown) => error instanceof DecodeError && error.field === "p" && /Message 1/.test(error.message),
  );
  // A journal's cut-off last line is left out; a broken line in the middle is an error.
  const good = TRADE(`"p":"1.5","q":"2"`);
  assert.equal(tradeColumns(storedLinesOf(`${good}\n${good.slice(0, 60)}`)).length, 1);
  assert.throws(() => tradeColumns(storedLinesOf(`${good.slice(0, 60)}\n${good}\n`)), /not valid JSON/);
});

/** The book the plain way: the snapshot into two Maps, then every newer update, best levels after each. */
function referenceBook(file: string): { bid: number[]; ask: number[] } {
  const sample = loadSample(file);
  const snapshot = sample.snapshots[0].response;
  const bids = new Map<number, number>(snapshot.bids.map(([p, q]) => [Number(p), Number(q)]));
  const asks = new Map<number, number>(snapshot.asks.map(([p, q]) => [Number(p), Number(q)]));
  const bid: number[] = [];
  const ask: number[] = [];
  for (const message of sample.messages) {
    const data = message.data as { e: string; u: number; b: Array<[string, string]>; a: Array<[string, string]> };
    if (data.e !== "depthUpdate" || data.u < snapshot.lastUpdateId) continue;
    for (const [side, levels] of [
      [bids, data.b],
      [asks, data.a],
    ] as const) {
      for (const [p, q] of levels) {
        if (Number(q) === 0) side.delete(Number(p));
        else side.set(Number(p), Number(q));
      }
    }
    bid.push(Math.max(...bids.keys()));
    ask.push(Math.min(...asks.keys()));
  }
  return { bid, ask };
}

test("the rebuilt order book equals a plain reference book on the real recording, and depth decodes the same from stored text", () => {
  const sample = loadSample(RECORDING);
  const rebuilt = rebuildBestBidAsk(sample);
  const reference = referenceBook(RECORDING);
  assert.equal(rebuilt.bestBidAsk.length, reference.bid.length);
  assert.deepStrictEqual(Array.from(rebuilt.bestBidAsk.bidPrice), reference.bid);
  assert.deepStrictEqual(Array.from(rebuilt.bestBidAsk.askPrice), reference.ask);
  assert.deepStrictEqual(decodeDepthMessages(readStoredLines(RECORDING)), decodeDepthMessages(sample.messages));
});
