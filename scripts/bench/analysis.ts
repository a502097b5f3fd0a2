/**
 * The analysis side of `npm run bench`, one path per process (so each has its own wall time and
 * peak RSS): load 1 s OHLCV bars, taker flow and VWAP of a trade sample by
 *   library      readStoredLines + tradeColumns (columns straight from the text)
 *   loadSample   loadSample + tradeColumns (a record per message: the general path)
 *   json-parse   JSON.parse per line and sums in a loop (the floor of any parse-based reader)
 *   duckdb       DuckDB SQL straight on the file (@duckdb/node-api, read_json)
 * and `import` (how long `import "../lib"` takes) and `book` (order-book updates applied per s).
 * Prints one JSON line: timings in ms, peak RSS in MiB and the answers.
 * Usage: node --import tsx scripts/bench/analysis.ts <path> <file>
 */
import * as fs from "fs";
import * as path from "path";

/** The answers every path gives, compared by the bench. */
export interface TradeAnswers {
  rows: number;
  buyNotional: number;
  sellNotional: number;
  vwap: number;
  bars: number;
  closeSum: number;
  volumeSum: number;
  quoteVolumeSum: number;
  buyVolumeSum: number;
  highMax: number;
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

async function library(file: string, fromText: boolean): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const { tradeColumns } = await import("../../lib/analysis/columns");
  const { readStoredLines } = await import("../../lib/analysis/fast-lines");
  const { loadSample } = await import("../../lib/store/read");
  const { takerFlow } = await import("../../lib/analysis/taker-flow");
  const { computeTradeBars, computeVwap } = await import("../../lib/analysis/trade-stats");
  const t1 = performance.now();
  const trades = fromText ? tradeColumns(readStoredLines(file)) : tradeColumns(loadSample(file).messages);
  const t2 = performance.now();
  const flow = takerFlow(trades);
  const bars = computeTradeBars(trades, 1000);
  const vwap = computeVwap(trades);
  const t3 = performance.now();
  let highMax = -Infinity;
  for (let i = 0; i < bars.length; i++) if (bars.high[i] > highMax) highMax = bars.high[i];
  const answers: TradeAnswers = {
    rows: trades.length,
    buyNotional: flow.buyNotional,
    sellNotional: flow.sellNotional,
    vwap,
    bars: bars.length,
    closeSum: sum(bars.close),
    volumeSum: sum(bars.volume),
    quoteVolumeSum: sum(bars.quoteVolume),
    buyVolumeSum: sum(bars.buyVolume),
    highMax,
  };
  return { importMs: t1 - t0, loadMs: t2 - t1, analysisMs: t3 - t2, answers };
}

function jsonParse(file: string): Record<string, unknown> {
  const t0 = performance.now();
  const lines = fs.readFileSync(file, "utf8").split("\n");
  let buyNotional = 0;
  let sellNotional = 0;
  let quantity = 0;
  let rows = 0;
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line) as { stream?: string; data?: { e?: string; p: string; q: string; m: boolean } };
    const data = message.data;
    if (message.stream === undefined || data?.e !== "trade") continue;
    const p = Number(data.p);
    const q = Number(data.q);
    if (data.m) sellNotional += p * q;
    else buyNotional += p * q;
    quantity += q;
    rows++;
  }
  const t1 = performance.now();
  return {
    importMs: 0,
    loadMs: t1 - t0,
    analysisMs: 0,
    answers: { rows, buyNotional, sellNotional, vwap: (buyNotional + sellNotional) / quantity },
  };
}

async function duckdb(file: string): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const t1 = performance.now();
  // `t` and `T` differ only in case, which DuckDB's struct names do not tell apart: read `data` as JSON.
  const source = `read_json(${JSON.stringify(path.resolve(file)).replace(/"/g, "'")}, format = 'newline_delimited', columns = {stream: 'VARCHAR', data: 'JSON'})`;
  await connection.run(
    `CREATE TEMP TABLE trades AS SELECT CAST(json_extract_string(data, '$.t') AS BIGINT) AS id, CAST(json_extract_string(data, '$.T') AS BIGINT) AS time, CAST(json_extract_string(data, '$.p') AS DOUBLE) AS price, CAST(json_extract_string(data, '$.q') AS DOUBLE) AS quantity, CAST(json_extract_string(data, '$.m') AS BOOLEAN) AS sell FROM ${source} WHERE stream IS NOT NULL AND json_extract_string(data, '$.e') = 'trade'`,
  );
  const t2 = performance.now();
  const flow = (
    await connection.runAndReadAll(
      "SELECT count(*)::DOUBLE AS rows, sum(CASE WHEN NOT sell THEN price * quantity ELSE 0 END) AS buyNotional, sum(CASE WHEN sell THEN price * quantity ELSE 0 END) AS sellNotional, sum(price * quantity) / sum(quantity) AS vwap FROM trades",
    )
  ).getRowObjects()[0];
  const bars = (
    await connection.runAndReadAll(
      `WITH b AS (SELECT time // 1000 AS bucket, arg_max(price, id) AS close, max(price) AS high, sum(quantity) AS volume, sum(price * quantity) AS quote, sum(CASE WHEN NOT sell THEN quantity ELSE 0 END) AS buy FROM trades GROUP BY bucket)
     SELECT count(*)::DOUBLE AS bars, sum(close) AS closeSum, sum(volume) AS volumeSum, sum(quote) AS quoteVolumeSum, sum(buy) AS buyVolumeSum, max(high) AS highMax FROM b`,
    )
  ).getRowObjects()[0];
  const t3 = performance.now();
  connection.closeSync();
  instance.closeSync();
  return { importMs: t1 - t0, loadMs: t2 - t1, analysisMs: t3 - t2, answers: { ...flow, ...bars } };
}

async function importLib(): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  await import("../../lib");
  return { importMs: performance.now() - t0 };
}

async function book(file: string): Promise<Record<string, unknown>> {
  const { loadSample } = await import("../../lib/store/read");
  const { rebuildBestBidAsk } = await import("../../lib/analysis/depth");
  const sample = loadSample(file);
  rebuildBestBidAsk(sample);
  const rounds = 20;
  const t0 = performance.now();
  let applied = 0;
  for (let i = 0; i < rounds; i++) applied += rebuildBestBidAsk(sample).appliedCount;
  const ms = performance.now() - t0;
  return { updates: applied, ms, rate: applied / (ms / 1000) };
}

async function main(): Promise<void> {
  const [mode, file] = process.argv.slice(2);
  const run =
    mode === "library"
      ? await library(file, true)
      : mode === "loadSample"
        ? await library(file, false)
        : mode === "json-parse"
          ? jsonParse(file)
          : mode === "duckdb"
            ? await duckdb(file)
            : mode === "import"
              ? await importLib()
              : await book(file);
  process.stdout.write(JSON.stringify({ ...run, peakRssMiB: peakRssMiB() }) + "\n");
}

void main();
