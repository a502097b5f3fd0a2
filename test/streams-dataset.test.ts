/**
 * `export` and `query` over every new stream family: a capture from the replay server of the
 * real recordings here (markPrice@1s, klines, !markPrice@arr, !ticker@arr, !bookTicker, depth20)
 * and of Binance's documented examples for the families without a real recording (liquidations,
 * continuous klines, contract info, asset and composite index, !miniTicker@arr, depth5). Each
 * family's table has one row per event (one per symbol of an array; partial depth one per
 * level), its derived columns equal the decoders', and diff and partial depth (both
 * `depthUpdate`) land in their own tables.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { capture } from "../lib/capture/session";
import { decodeRecords } from "../lib/binance/decode";
import { schemaOfEvent } from "../lib/binance/stream-schemas";
import { exportDataset } from "../lib/dataset/export";
import { DuckDb } from "../lib/query/duckdb";
import { query } from "../lib/query/database";
import { DATASET_TABLES } from "../lib/query/tables";
import { startReplayServer } from "../lib/replay/server";
import { loadSample } from "../lib/store/read";
import type { Sample } from "../lib/store/sample-format";
import { BUNDLED, DOCUMENTED_EXAMPLES, makeTempDir, readRecordingLines } from "./helpers";

const SINGLES = path.join(BUNDLED, "usdm-2021-2022-crypto-crawler-messages.jsonl");
const MARK = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-markprice-trade.jsonl.gz");
const ALTS = path.join(BUNDLED, "alts-2021-07-22-cryptofeed.jsonl.gz");
const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

const STREAMS = [
  "btcusdt@markPrice@1s",
  "ctkusdt@kline_1m",
  "!markPrice@arr",
  "!ticker@arr",
  "!bookTicker",
  "ethusdt@depth20",
  "btcusdt@depth@0ms", // real
  "btcusdt@forceOrder",
  "!forceOrder@arr",
  "btcusdt_perpetual@continuousKline_1m",
  "!contractInfo",
  "!assetIndex@arr",
  "defiusdt@compositeIndex",
  "!miniTicker@arr",
  "btcusdt@depth5", // documented examples
];

let captured: Promise<Sample> | undefined;

/** One capture of every family through the replay server, shared by the tests. */
function capturedSample(): Promise<Sample> {
  captured ??= (async () => {
    const examples = path.join(makeTempDir(), "documented-examples.jsonl");
    fs.writeFileSync(
      examples,
      readRecordingLines(DOCUMENTED_EXAMPLES)
        .map((line) => JSON.stringify({ stream: JSON.parse(line).stream, data: JSON.parse(line).data }))
        .join("\n") + "\n",
    );
    const server = await startReplayServer({ files: [SINGLES, MARK, ALTS, HFT, examples], speed: "max" });
    try {
      const { file } = await capture({
        streams: STREAMS,
        count: 5,
        wsBaseUrl: server.url,
        restBaseUrl: server.restUrl,
        outDir: makeTempDir(),
        name: "every-family",
        idleTimeoutMs: 1500,
      });
      return loadSample(file);
    } finally {
      await server.close();
    }
  })();
  return captured;
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDb.open();
  try {
    return (await db.read(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** How many events of each schema kind the sample holds (array payloads counted per element; levels per level where the table has them). */
function expectedRows(sample: Sample): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of sample.messages) {
    for (const record of decodeRecords(message) as unknown as Array<Record<string, unknown> & { kind: string }>) {
      const levels = Array.isArray(record.bids) ? (record.bids as unknown[]).length + (record.asks as unknown[]).length : 1;
      counts.set(record.kind, (counts.get(record.kind) ?? 0) + levels);
    }
  }
  return counts;
}

test("export: one table per new family, a row per event (per symbol of arrays, per level of partial depth); diff and partial depth apart", async () => {
  const sample = await capturedSample();
  for (const stream of STREAMS) assert.ok((sample.countsByStream[stream] ?? 0) > 0, stream);
  const out = makeTempDir();
  await exportDataset([sample.file!], { out });
  const expected = expectedRows(sample);
  const snapshotLevels = sample.snapshots.reduce((sum, s) => sum + s.response.bids.length + s.response.asks.length, 0);
  for (const table of DATASET_TABLES) {
    const want = (expected.get(table.schema.kind) ?? 0) + (table.withSnapshots ? snapshotLevels : 0);
    const folder = path.join(out, table.name);
    if (want === 0) {
      assert.equal(fs.existsSync(folder), false, `${table.name}: no rows, no folder`);
      continue;
    }
    const [{ n }] = await rows(`SELECT count(*) AS n FROM read_parquet('${folder}/**/*.parquet', hive_partitioning = true)`);
    assert.equal(Number(n), want, table.name);
  }
  // Diff and partial depth share `e`: each table holds its own streams only, and snapshots are the diff-depth book's.
  const depthStreams = await rows(`SELECT DISTINCT stream FROM read_parquet('${out}/depth/**/*.parquet') ORDER BY 1`);
  assert.deepEqual(
    depthStreams.map((r) => r.stream),
    ["btcusdt@depth@0ms", null],
  );
  const partialStreams = await rows(
    `SELECT DISTINCT stream, bool_or(is_snapshot) AS snapshot FROM read_parquet('${out}/partial_depth/**/*.parquet') GROUP BY 1 ORDER BY 1`,
  );
  assert.deepEqual(partialStreams, [
    { stream: "btcusdt@depth5", snapshot: false },
    { stream: "ethusdt@depth20", snapshot: false },
  ]);
  // Array streams partition by each event's own symbol.
  const markSymbols = await rows(
    `SELECT DISTINCT symbol FROM read_parquet('${out}/mark_price/**/*.parquet', hive_partitioning = true) ORDER BY 1`,
  );
  assert.deepEqual(
    markSymbols.map((r) => r.symbol),
    ["BTCUSDT", "ETHUSDT"],
  );
  assert.ok(fs.existsSync(path.join(out, "force_order", "symbol=BTCUSDT")), "a liquidation's symbol is o.s");
  assert.ok(fs.existsSync(path.join(out, "asset_index", "symbol=USDTUSD")));
});

test("query: the new families' views, their derived columns equal the decoders', on the capture", async () => {
  const sample = await capturedSample();
  const records = sample.messages.flatMap((message) => decodeRecords(message) as unknown as Array<Record<string, unknown>>);
  const byKind = (kind: string) => records.filter((record) => record.kind === kind);
  const run = async (sql: string) => (await query(sql, { from: [sample.file!] })).rows as Record<string, unknown>[];
  const [liquidation] = await run("SELECT filled_notional, liquidated_position, order_side, average_price FROM force_order LIMIT 1");
  assert.deepEqual(liquidation, {
    filled_notional: byKind("forceOrder")[0].filledNotional,
    liquidated_position: "long",
    order_side: "SELL",
    average_price: 9910,
  });
  const pictures = await run(
    "SELECT stream, any_value(bid_price) AS bid_price, any_value(bid_quantity) AS bid_quantity, any_value(ask_price) AS ask_price, any_value(ask_quantity) AS ask_quantity FROM partial_depth GROUP BY stream ORDER BY stream",
  );
  const decodedPictures = sample.messages
    .filter((message) => schemaOfEvent(message.stream, message.data)?.kind === "partialDepth")
    .map((message) => ({ stream: message.stream, record: decodeRecords(message)[0] as unknown as Record<string, number> }))
    .map(({ stream, record }) => ({
      stream,
      bid_price: record.bidPrice,
      bid_quantity: record.bidQuantity,
      ask_price: record.askPrice,
      ask_quantity: record.askQuantity,
    }))
    .sort((a, b) => a.stream.localeCompare(b.stream));
  assert.deepEqual(pictures, decodedPictures);
  assert.deepEqual(await run("SELECT symbol, bracket_count, contract_type, contract_status FROM contract_info"), [
    { symbol: "IOTAUSDT", bracket_count: 2, contract_type: "PERPETUAL", contract_status: "TRADING" },
  ]);
  assert.deepEqual(await run("SELECT symbol, component_count, price FROM composite_index"), [
    { symbol: "DEFIUSDT", component_count: 2, price: 554.41604065 },
  ]);
  assert.deepEqual(await run("SELECT symbol, contract_type, interval, trade_count FROM continuous_kline"), [
    { symbol: "BTCUSDT", contract_type: "PERPETUAL", interval: "1m", trade_count: 543 },
  ]);
  assert.deepEqual(
    (await run("SELECT symbol FROM asset_index ORDER BY symbol")).map((r) => r.symbol),
    ["ADAUSD", "USDTUSD"],
  );
  const tickers = await run("SELECT symbol, price_change_percent FROM ticker ORDER BY event_time");
  assert.deepEqual(
    tickers,
    byKind("ticker").map((r) => ({ symbol: r.symbol, price_change_percent: r.priceChangePercent })),
  );
  const marks = await run("SELECT count(*) AS n, count(DISTINCT symbol) AS symbols FROM mark_price");
  assert.deepEqual(marks, [{ n: byKind("markPrice").length, symbols: 2 }]);
  // Every message of the capture has a schema, and every one of them a view with its rows.
  for (const message of sample.messages)
    assert.ok(schemaOfEvent(message.stream, Array.isArray(message.data) ? message.data[0] : message.data), message.stream);
});
