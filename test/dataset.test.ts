/**
 * The Parquet dataset export on a real recording's capture: a capture from the replay server
 * (hftbacktest's BTCUSDT recording: trades, depth@0ms with its REST snapshot, bookTicker) is
 * exported and read back with DuckDB's own `read_parquet`, and checked against a plain
 * computation over the captured messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { PassThrough } from "stream";
import { capture } from "../lib/capture/session";
import { main } from "../lib/cli/main";
import { exportDataset } from "../lib/dataset/export";
import { InvalidArgumentError } from "../lib/errors";
import { DuckDb } from "../lib/query/duckdb";
import { startReplayServer } from "../lib/replay/server";
import { loadSample } from "../lib/store/read";
import type { Sample } from "../lib/store/sample-format";
import { BUNDLED, makeTempDir } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const STREAMS = ["btcusdt@trade", "btcusdt@depth@0ms", "btcusdt@bookTicker"];

let captured: Promise<{ file: string; sample: Sample }> | undefined;

/** One capture of the real recording through the replay server, shared by the tests. */
function capturedSample(): Promise<{ file: string; sample: Sample }> {
  captured ??= (async () => {
    const server = await startReplayServer({ files: [HFT] });
    try {
      const { file } = await capture({
        streams: STREAMS,
        count: 400,
        wsBaseUrl: server.url,
        restBaseUrl: server.restUrl,
        outDir: makeTempDir(),
        name: "hft",
      });
      return { file, sample: loadSample(file) };
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

function scan(dataset: string, table: string): string {
  return `read_parquet('${dataset}/${table}/**/*.parquet', hive_partitioning = true)`;
}

interface RawTrade {
  t: number;
  p: string;
  q: string;
  m: boolean;
}

/** Σ p×q exactly, as a decimal string with 10 fraction digits (BigInt over the decimal texts). */
function exactNotional(trades: readonly RawTrade[]): string {
  const scaled = (text: string) => {
    const [whole, fraction = ""] = text.split(".");
    return BigInt(whole + fraction.padEnd(5, "0").slice(0, 5));
  };
  const total = trades.reduce((sum, trade) => sum + scaled(trade.p) * scaled(trade.q), 0n);
  const text = total.toString().padStart(11, "0");
  return `${text.slice(0, -10)}.${text.slice(-10)}`;
}

function snapshot(dataset: string): Map<string, string> {
  return new Map(
    (fs.readdirSync(dataset, { recursive: true }) as string[])
      .map(String)
      .filter((file) => file.endsWith(".parquet"))
      .map((file) => {
        const stat = fs.statSync(path.join(dataset, file));
        return [file, `${stat.size}:${stat.mtimeMs}:${fs.readFileSync(path.join(dataset, file)).toString("base64")}`];
      }),
  );
}

test("an exported capture reads back with DuckDB: one row per message (depth: per level), ids, sums and taker counts as in the raw messages", async () => {
  const { file, sample } = await capturedSample();
  const dataset = path.join(makeTempDir(), "dataset");
  const report = await exportDataset(file, { out: dataset });
  assert.equal(report.samples.length, 1);

  const byStream = (stream: string) => sample.messages.filter((message) => message.stream === stream).map((message) => message.data);
  const trades = byStream("btcusdt@trade") as RawTrade[];
  const depth = byStream("btcusdt@depth@0ms") as { b: unknown[]; a: unknown[] }[];
  assert.equal(trades.length, 400);
  assert.equal(sample.snapshots.length, 1, "the capture took the REST snapshot");

  const [tradeStats] = await rows(
    `SELECT count(*) AS n, count(DISTINCT trade_id) AS ids, min(trade_id) AS first, max(trade_id) AS last, sum(price * quantity) AS notional,
       CAST(sum(CAST(price_text AS DECIMAL(38, 5)) * CAST(quantity_text AS DECIMAL(38, 5))) AS VARCHAR) AS exact,
       count(*) FILTER (WHERE is_buyer_maker) AS taker_sells, count(*) FILTER (WHERE NOT is_buyer_maker) AS taker_buys FROM ${scan(dataset, "trade")}`,
  );
  assert.equal(Number(tradeStats.n), trades.length);
  assert.equal(Number(tradeStats.ids), trades.length, "trade ids distinct");
  assert.equal(Number(tradeStats.last) - Number(tradeStats.first) + 1, trades.length, "trade ids consecutive");
  assert.equal(Number(tradeStats.first), trades[0].t);
  const notional = trades.reduce((sum, trade) => sum + Number(trade.p) * Number(trade.q), 0);
  assert.ok(Math.abs(Number(tradeStats.notional) - notional) <= 1e-9 * notional, `${tradeStats.notional} vs ${notional}`);
  assert.equal(tradeStats.exact, exactNotional(trades), "Σ price × quantity exactly, from the kept decimal texts");
  assert.equal(Number(tradeStats.taker_sells), trades.filter((trade) => trade.m).length);
  assert.equal(Number(tradeStats.taker_buys), trades.filter((trade) => !trade.m).length);

  const [depthStats] = await rows(
    `SELECT count(*) FILTER (WHERE NOT is_snapshot) AS updates, count(*) FILTER (WHERE is_snapshot) AS snapshot_levels, count(DISTINCT final_update_id) FILTER (WHERE NOT is_snapshot) AS events FROM ${scan(dataset, "depth")}`,
  );
  assert.equal(
    Number(depthStats.updates),
    depth.reduce((sum, update) => sum + update.b.length + update.a.length, 0),
  );
  assert.equal(Number(depthStats.events), depth.length);
  const book = sample.snapshots[0].response;
  assert.equal(Number(depthStats.snapshot_levels), book.bids.length + book.asks.length);
  const [bookTickers] = await rows(`SELECT count(*) AS n FROM ${scan(dataset, "book_ticker")}`);
  assert.equal(Number(bookTickers.n), byStream("btcusdt@bookTicker").length);

  for (const table of ["trade", "depth", "book_ticker"]) {
    assert.ok(fs.existsSync(path.join(dataset, table, "symbol=BTCUSDT", "date=2023-04-04")), `${table}/symbol=BTCUSDT/date=2023-04-04`);
  }
  const [types] = await rows(
    `SELECT typeof(trade_time) AS time, typeof(trade_id) AS id, typeof(price) AS price, typeof(date) AS date FROM ${scan(dataset, "trade")} LIMIT 1`,
  );
  assert.deepEqual(types, { time: "TIMESTAMP", id: "BIGINT", price: "DOUBLE", date: "DATE" });
  const [metadata] = await rows(`SELECT DISTINCT compression FROM parquet_metadata('${dataset}/trade/**/*.parquet')`);
  assert.equal(metadata.compression, "ZSTD");
});

test("exporting the same capture again changes nothing; another capture lands beside it without collisions", async () => {
  const { file } = await capturedSample();
  const dataset = path.join(makeTempDir(), "dataset");
  const first = await exportDataset(file, { out: dataset });
  const before = snapshot(dataset);
  const again = await exportDataset(file, { out: dataset });
  assert.deepEqual(again.samples[0].written, []);
  assert.equal(again.samples[0].unchanged.length, first.samples[0].written.length);
  assert.deepEqual(snapshot(dataset), before, "same files, bytes and modification times");

  // The recording itself, as if captured on another machine: its own files, no rows lost or doubled.
  const other = await exportDataset(HFT, { out: dataset });
  assert.notEqual(other.samples[0].id, first.samples[0].id);
  const [counts] = await rows(`SELECT count(*) AS n, count(DISTINCT source) AS sources FROM ${scan(dataset, "trade")}`);
  assert.equal(Number(counts.n), 400 + 1147);
  assert.equal(Number(counts.sources), 2);
});

test("a grown sample replaces its earlier export: files are matched by the sample id, not rewritten twice", async () => {
  const dir = makeTempDir();
  const lines = fs.readFileSync(path.join(BUNDLED, "btcusdt-trade.json"), "utf8");
  const messages = JSON.parse(lines) as unknown[];
  const dataset = path.join(dir, "dataset");
  const sampleFile = path.join(dir, "trades.json");
  fs.writeFileSync(sampleFile, JSON.stringify(messages.slice(0, 10)));
  await exportDataset(sampleFile, { out: dataset });
  fs.writeFileSync(sampleFile, JSON.stringify(messages));
  const grown = await exportDataset(sampleFile, { out: dataset });
  assert.equal(grown.samples[0].written.length, 1);
  const [counts] = await rows(`SELECT count(*) AS n FROM ${scan(dataset, "trade")}`);
  assert.equal(Number(counts.n), 20);
});

test("export refuses a dataset path that is a file", async () => {
  const dir = makeTempDir();
  fs.writeFileSync(path.join(dir, "file"), "");
  await assert.rejects(
    exportDataset(path.join(BUNDLED, "btcusdt-trade.json"), { out: path.join(dir, "file") }),
    (error: InvalidArgumentError) => error.code === "INVALID_DATASET_PATH",
  );
});

test("streamlab export writes the dataset and prints one line per sample; --format other than parquet and a missing --out are usage errors", async () => {
  const run = async (args: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = "";
    let stderr = "";
    out.on("data", (chunk: Buffer) => (stdout += chunk));
    err.on("data", (chunk: Buffer) => (stderr += chunk));
    return { code: await main(args, out, err), stdout, stderr };
  };
  const dataset = path.join(makeTempDir(), "dataset");
  const trades = path.join(BUNDLED, "btcusdt-trade.json");
  const done = await run(["export", trades, "--format", "parquet", "--out", dataset]);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /btcusdt-trade\.json\t20 messages\ttrade 20\t1 written, 0 unchanged\t[\d.]+ MB\n/);
  assert.ok(fs.existsSync(path.join(dataset, "trade", "symbol=BTCUSDT", "date=2025-03-19")));
  const again = await run(["export", trades, "--out", dataset]);
  assert.match(again.stdout, /0 written, 1 unchanged/);
  for (const [args, code] of [
    [["export", trades, "--format", "csv", "--out", dataset], "INVALID_FLAG_VALUE"],
    [["export", trades], "MISSING_ARGUMENT"],
    [["export", "--out", dataset], "MISSING_ARGUMENT"],
  ] as const) {
    const result = await run([...args]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`^streamlab: [^\\n]+ \\[${code}\\]\\n$`));
  }
});
