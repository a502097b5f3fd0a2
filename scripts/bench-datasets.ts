/**
 * Benchmark of the datasets and SQL path (a script, not a timed test), on test samples made by
 * make-large-sample.ts from a real recording:
 * - reading a 1M-trade sample with DuckDB: JSON Lines (v2) vs the one-document JSON (v1), read
 *   line by line as lib/query does and whole as `read_json` alone would;
 * - taker flow + 1-second bars over it (query time, and a whole `streamlab query` process);
 * - export throughput (messages/s, MB/s of JSON) and bytes per message on disk, Parquet vs the
 *   JSON sample, for trades and for a depth-heavy mix; the same query over the Parquet files.
 *
 *   npx tsx scripts/bench-datasets.ts [--trades 1000000] [--mixed 300000] [--runs 3]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import * as zlib from "zlib";
import { exportDataset } from "../lib/dataset/export";
import { DuckDb, sqlString } from "../lib/query/duckdb";
import { openDatabase } from "../lib/query/database";
import { OHLCV_1S, TAKER_FLOW_BY_MINUTE } from "../lib/query/recipes";
import { makeLargeSample } from "./make-large-sample";

const { values } = parseArgs({
  options: {
    trades: { type: "string", default: "1000000" },
    mixed: { type: "string", default: "300000" },
    runs: { type: "string", default: "3" },
  },
});
const TRADES = Number(values.trades);
const MIXED = Number(values.mixed);
const RUNS = Number(values.runs);
const ROOT = path.join(__dirname, "..");

const rows: string[][] = [];
function report(what: string, ms: number, messages: number, bytes: number, note = ""): void {
  const seconds = ms / 1000;
  rows.push([
    what,
    `${ms.toFixed(0)} ms`,
    `${Math.round(messages / seconds).toLocaleString("en-US")}`,
    `${(bytes / 1e6 / seconds).toFixed(0)}`,
    note,
  ]);
  console.error(`${what}: ${ms.toFixed(0)} ms ${note}`);
}

async function best(run: () => Promise<unknown>, runs = RUNS): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/** Taker flow per second and 1 s bars in one answer: the bars, plus the taker buy and sell volume summed. */
const BARS_AND_FLOW = `SELECT count(*) AS bars, sum(buy_volume) AS taker_buy, sum(sell_volume) AS taker_sell FROM (${OHLCV_1S})`;

function size(file: string): number {
  return fs.statSync(file).size;
}

function folderSize(dir: string): number {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).reduce((sum, file) => {
    const stat = fs.statSync(path.join(dir, file));
    return stat.isFile() ? sum + stat.size : sum;
  }, 0);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "streamlab-bench-datasets-"));
  try {
    console.error(`making samples in ${dir} …`);
    const [jsonl, json] = makeLargeSample({
      messages: TRADES,
      streams: "trade",
      out: path.join(dir, "trades"),
      formats: ["jsonl", "json"],
    });
    const [mixed] = makeLargeSample({ messages: MIXED, streams: "all", out: path.join(dir, "mixed"), formats: ["jsonl"] });
    const source = "trades";

    // 1. Reading the sample: JSON Lines vs one document.
    const sumSql = "SELECT count(*) AS n, sum(price * quantity) AS notional FROM trade";
    for (const [label, file] of [
      ["read JSON Lines (v2), count + Σp×q", jsonl],
      ["read one-document JSON (v1), line by line", json],
    ] as const) {
      const db = await openDatabase({ from: file });
      report(label, await best(() => db.query(sumSql)), TRADES, size(file));
      db.close();
    }
    const raw = await DuckDb.open();
    const whole = `SELECT len(messages) FROM read_json(${sqlString(json)}, format = 'unstructured', columns = {messages: 'STRUCT(localTimestamp DOUBLE, stream VARCHAR, data JSON)[]'}, maximum_object_size = 2147483647)`;
    report(
      "read one-document JSON whole (read_json alone)",
      await best(() => raw.read(whole), 1),
      TRADES,
      size(json),
      "not used: for comparison",
    );
    raw.close();

    // 2. Taker flow + 1 s bars over the JSON Lines sample.
    const db = await openDatabase({ from: jsonl });
    const [answer] = (await db.query(BARS_AND_FLOW, [source])).rows;
    report(
      "taker flow + 1 s bars, JSON Lines sample (query)",
      await best(() => db.query(BARS_AND_FLOW, [source])),
      TRADES,
      size(jsonl),
      `${answer.bars} bars`,
    );
    report("all 1 s bars as rows (query + result)", await best(() => db.query(OHLCV_1S, [source])), TRADES, size(jsonl));
    report("taker flow by minute (query)", await best(() => db.query(TAKER_FLOW_BY_MINUTE, [source])), TRADES, size(jsonl));
    db.close();
    const sql = BARS_AND_FLOW.replace("$1", `'${source}'`);
    const started = performance.now();
    const cli = spawnSync(process.execPath, [path.join(ROOT, "bin", "streamlab.cjs"), "query", "--from", jsonl, "--json", sql], {
      encoding: "utf8",
    });
    if (cli.status !== 0) throw new Error(cli.stderr);
    report("streamlab query process (whole, same query)", performance.now() - started, TRADES, size(jsonl), cli.stdout.trim().slice(0, 60));

    // 3. Export, and the same query over Parquet.
    for (const [label, file, messages] of [
      ["trades", jsonl, TRADES],
      ["mixed depth/bookTicker/trade", mixed, MIXED],
    ] as const) {
      const out = path.join(dir, `dataset-${label.split(" ")[0]}`);
      const exportStarted = performance.now();
      await exportDataset(file, { out });
      const ms = performance.now() - exportStarted;
      const parquet = folderSize(out);
      const perMessage = `${(parquet / messages).toFixed(1)} B/message Parquet vs ${(size(file) / messages).toFixed(0)} B JSON (${((100 * parquet) / size(file)).toFixed(1)} %)`;
      report(`export ${label}`, ms, messages, size(file), perMessage);
      if (label === "trades") {
        const overParquet = await openDatabase({ from: out });
        report(
          "taker flow + 1 s bars, Parquet dataset (query)",
          await best(() => overParquet.query(BARS_AND_FLOW, [source])),
          TRADES,
          parquet,
        );
        overParquet.close();
      }
    }

    // 4. Bytes per message on real data: the bundled recordings, not repeated.
    const sizes: string[] = [];
    for (const name of fs.readdirSync(path.join(ROOT, "data", "bundled")).filter((entry) => entry.endsWith(".jsonl.gz"))) {
      const file = path.join(ROOT, "data", "bundled", name);
      const out = path.join(dir, `real-${name}`);
      const [exported] = (await exportDataset(file, { out })).samples;
      const json = zlib.gunzipSync(fs.readFileSync(file)).length;
      const parquet = folderSize(out);
      sizes.push(
        `| ${name} | ${exported.messages} | ${(json / exported.messages).toFixed(0)} B | ${(parquet / exported.messages).toFixed(1)} B | ${((100 * parquet) / json).toFixed(1)} % |`,
      );
    }

    const header = ["step", "time", "messages/s", "MB/s", "note"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
    console.log(
      `\nDatasets and SQL, ${TRADES.toLocaleString("en-US")} trades (${(size(jsonl) / 1e6).toFixed(0)} MB JSON Lines), ${os.cpus().length} cores, best of ${RUNS}:\n`,
    );
    console.log([line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n"));
    console.log(`\nBytes per message, real recordings (JSON uncompressed vs the exported Parquet dataset):\n`);
    console.log(["| recording | messages | JSON | Parquet | ratio |", "|---|---|---|---|---|", ...sizes].join("\n"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
