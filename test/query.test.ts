/**
 * SQL over samples and datasets: the views against the raw messages of every bundled
 * recording, every sample layout giving the same rows, `_events`, result values, and the
 * `streamlab query` command (output formats, one-line errors and exit statuses).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PassThrough } from "stream";
import { main } from "../lib/cli/main";
import { exportDataset } from "../lib/dataset/export";
import { InvalidArgumentError, SampleFileError } from "../lib/errors";
import { openDatabase, query } from "../lib/query/database";
import { describeSampleFile } from "../lib/query/sources";
import { loadSample } from "../lib/store/read";
import { BUNDLED, FIXTURES, PROJECT_ROOT, makeTempDir, readRecordingLines } from "./helpers";
import { formatOneSampleText } from "./store-helpers";

const TRADES = path.join(BUNDLED, "btcusdt-trade.json");
const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (chunk: Buffer) => (stdout += chunk));
  err.on("data", (chunk: Buffer) => (stderr += chunk));
  const code = await main(args, out, err);
  return { code, stdout, stderr };
}

test('streamlab query --json "select count(*) as n from trade" on the bundled trade sample prints [{"n":20}]', () => {
  const result = spawnSync(
    process.execPath,
    [path.join(PROJECT_ROOT, "bin", "streamlab.cjs"), "query", "--from", TRADES, "--json", "select count(*) as n from trade"],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, '[{"n":20}]\n');
  assert.equal(result.status, 0);
});

test("bad SQL, an unknown view and a missing file each give one line on stderr and exit status 2", async () => {
  const cases: Array<[string[], string]> = [
    [["query", "--from", TRADES, "selec count(*) from trade"], "BAD_SQL"],
    [["query", "--from", TRADES, "select nope from trade"], "BAD_SQL"],
    [["query", "--from", TRADES, "select count(*) from tradez"], "UNKNOWN_VIEW"],
    [["query", "--from", path.join(BUNDLED, "missing.json"), "select 1"], "FILE_NOT_FOUND"],
    [["query", "--from", TRADES], "MISSING_ARGUMENT"],
    [["query", "--from", TRADES, "--json", "--csv", "select 1"], "CONFLICTING_FLAGS"],
  ];
  for (const [args, code] of cases) {
    const result = await cli(args);
    assert.equal(result.code, 2, args.join(" "));
    assert.equal(result.stdout, "");
    assert.match(result.stderr, new RegExp(`^streamlab: [^\\n]+ \\[${code}\\]\\n$`), args.join(" "));
  }
  const unknown = await cli(["query", "--from", TRADES, "select * from tradez"]);
  assert.match(unknown.stderr, /Unknown view tradez: the views are ticker, trade, .*, _events, messages\./);
});

test("a failure while running (a value that does not convert) is QUERY_FAILED, exit status 1", async () => {
  const result = await cli(["query", "--from", TRADES, "select CAST(symbol AS INTEGER) from trade"]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^streamlab: DuckDB failed: Conversion Error: [^\n]+ \[QUERY_FAILED\]\n$/);
});

test("--csv and the default table print the same rows; --from repeats", async () => {
  const csv = await cli([
    "query",
    "--from",
    TRADES,
    "--from",
    path.join(BUNDLED, "btcusdt-aggTrade.json"),
    "--csv",
    "select 'trade' as t, count(*) as n from trade union all select 'agg', count(*) from agg_trade order by 1",
  ]);
  assert.equal(csv.stdout, "t,n\nagg,3\ntrade,20\n");
  const table = await cli(["query", "--from", TRADES, "select symbol, count(*) as n from trade group by 1"]);
  assert.equal(table.stdout, "symbol    n\n-------  --\nBTCUSDT  20\n(1 row)\n");
});

/** Counts per event type and the number of depth levels, straight from the recording's lines. */
function rawCounts(file: string): { byEvent: Map<string, number>; levels: number; snapshotLevels: number } {
  const sample = loadSample(file);
  const byEvent = new Map<string, number>();
  let levels = 0;
  for (const message of sample.messages) {
    const data = message.data as { e: string; b?: unknown[]; a?: unknown[] };
    byEvent.set(data.e, (byEvent.get(data.e) ?? 0) + 1);
    if (data.e === "depthUpdate") levels += (data.b?.length ?? 0) + (data.a?.length ?? 0);
  }
  const snapshotLevels = sample.snapshots.reduce((sum, s) => sum + s.response.bids.length + s.response.asks.length, 0);
  return { byEvent, levels, snapshotLevels };
}

const TABLE_OF_EVENT: Record<string, string> = {
  trade: "trade",
  aggTrade: "agg_trade",
  depthUpdate: "depth",
  bookTicker: "book_ticker",
  "24hrTicker": "ticker",
  "24hrMiniTicker": "mini_ticker",
  markPriceUpdate: "mark_price",
  kline: "kline",
};

test("on every bundled recording, each view has one row per message of its event type (depth: one per level, snapshots included)", async () => {
  for (const entry of fs.readdirSync(BUNDLED).filter((name) => /\.(json|jsonl\.gz)$/.test(name))) {
    const file = path.join(BUNDLED, entry);
    const raw = rawCounts(file);
    const db = await openDatabase({ from: file });
    try {
      const [messages] = (await db.sql`SELECT count(*) AS n FROM messages`).rows;
      assert.equal(
        messages.n,
        [...raw.byEvent.values()].reduce((a, b) => a + b, 0),
        `${entry}: messages`,
      );
      for (const [eventType, table] of Object.entries(TABLE_OF_EVENT)) {
        const [row] = (
          await db.query(
            `SELECT count(*) FILTER (WHERE NOT ${table === "depth" ? "is_snapshot" : "false"}) AS n, count(*) AS total FROM ${table}`,
          )
        ).rows;
        const expected = eventType === "depthUpdate" ? raw.levels : (raw.byEvent.get(eventType) ?? 0);
        assert.equal(row.n, expected, `${entry}: ${table}`);
        if (table === "depth") assert.equal(Number(row.total) - Number(row.n), raw.snapshotLevels, `${entry}: snapshot levels`);
      }
    } finally {
      db.close();
    }
  }
});

test("the views' values equal the payloads: times, ids, decimals and their exact text, the taker flag", async () => {
  const first = loadSample(HFT).messages.find((message) => message.stream === "btcusdt@trade");
  const data = first?.data as { E: number; T: number; t: number; p: string; q: string; m: boolean; X: string };
  const { rows } = await query("SELECT * FROM trade ORDER BY trade_id LIMIT 1", { from: HFT });
  assert.deepEqual(rows[0], {
    symbol: "BTCUSDT",
    event_time: new Date(data.E).toISOString(),
    trade_id: data.t,
    trade_time: new Date(data.T).toISOString(),
    price: Number(data.p),
    quantity: Number(data.q),
    execution_type: data.X,
    is_buyer_maker: data.m,
    local_time: "2023-04-04T23:58:20.441533Z",
    price_text: data.p,
    quantity_text: data.q,
    source: "btcusdt-2023-04-04-hftbacktest-60s",
    date: "2023-04-04",
  });
  const depth = await query("SELECT * FROM depth WHERE NOT is_snapshot ORDER BY final_update_id, side, price LIMIT 1", { from: HFT });
  assert.equal(depth.rows[0].stream, "btcusdt@depth@0ms");
  assert.equal(typeof depth.rows[0].previous_final_update_id, "number");
});

test("every sample layout gives the same rows: seed array, v1 document (one message a line, or any layout), JSON Lines with header, journal", async () => {
  const dir = makeTempDir();
  const sample = loadSample(TRADES);
  const messages = sample.messages.map((m, i) => ({ ...m, localTimestamp: 1742385491600 + i + 0.25 }));
  const v1 = path.join(dir, "v1.json");
  fs.writeFileSync(v1, formatOneSampleText(messages)); // a format-1 document as streamlab wrote them, one message a line
  const pretty = path.join(dir, "pretty.json");
  fs.writeFileSync(pretty, JSON.stringify(loadSample(v1), null, 2));
  const lines = messages.map((m) => JSON.stringify(m));
  const v2 = path.join(dir, "v2.jsonl");
  fs.writeFileSync(
    v2,
    [JSON.stringify({ format: "streamlab.sample", formatVersion: 2, meta: { gaps: [], events: [] } }), ...lines].join("\n") + "\n",
  );
  const journal = path.join(dir, "cut.partial.jsonl");
  fs.writeFileSync(
    journal,
    [JSON.stringify({ journal: "streamlab", formatVersion: 1, meta: {} }), ...lines, lines[0].slice(0, 40)].join("\n"),
  );
  const layouts = [TRADES, v1, pretty, v2, journal].map((file) => describeSampleFile(file).layout);
  assert.deepEqual(layouts, ["array", "v1-lines", "document", "lines", "lines"]);
  const sql = "SELECT trade_id, price, quantity_text, is_buyer_maker, trade_time FROM trade ORDER BY trade_id";
  const expected = (await query(sql, { from: TRADES })).rows;
  assert.equal(expected.length, 20);
  for (const file of [v1, pretty, v2, journal]) assert.deepEqual((await query(sql, { from: file })).rows, expected, file);
  const [local] = (await query("SELECT min(local_time) AS t FROM trade", { from: v2 })).rows;
  assert.equal(local.t, "2025-03-19T11:58:11.60025Z");
});

test("_events holds the sequence gaps and capture events of the samples", async () => {
  const dir = makeTempDir();
  const lines = readRecordingLines(HFT).filter((line) => line.includes('"stream":"btcusdt@trade"'));
  const gapped = path.join(dir, "gapped.jsonl");
  fs.writeFileSync(
    gapped,
    [
      ...lines.slice(0, 10),
      ...lines.slice(12, 20),
      JSON.stringify({ localTimestamp: 1680652701000, event: { kind: "reconnect", url: "ws://127.0.0.1:1/public", detail: "test" } }),
    ].join("\n") + "\n",
  );
  const { rows } = await query("SELECT kind, symbol, stream, field, expected, actual, missing, url FROM _events ORDER BY kind", {
    from: gapped,
  });
  const firstId = (JSON.parse(lines[0]) as { data: { t: number } }).data.t;
  assert.deepEqual(rows, [
    {
      kind: "gap",
      symbol: "BTCUSDT",
      stream: "btcusdt@trade",
      field: "t",
      expected: firstId + 10,
      actual: firstId + 12,
      missing: 2,
      url: null,
    },
    {
      kind: "reconnect",
      symbol: null,
      stream: null,
      field: null,
      expected: null,
      actual: null,
      missing: null,
      url: "ws://127.0.0.1:1/public",
    },
  ]);
});

test("a query reads samples and datasets together; sql`` binds values; results give typed columns", async () => {
  const dataset = path.join(makeTempDir(), "dataset");
  await exportDataset(HFT, { out: dataset });
  const db = await openDatabase({ from: [dataset, TRADES] });
  try {
    const bySource = await db.sql`SELECT source, count(*) AS n FROM trade WHERE price > ${1000} GROUP BY 1 ORDER BY 1`;
    assert.deepEqual(bySource.rows, [
      { source: "btcusdt-2023-04-04-hftbacktest-60s", n: 1147 },
      { source: "btcusdt-trade", n: 20 },
    ]);
    const bars =
      await db.sql`SELECT time_bucket(INTERVAL 1 SECOND, trade_time) AS second, sum(quantity) AS volume FROM trade WHERE source = ${"btcusdt-trade"} GROUP BY 1 ORDER BY 1`;
    assert.equal(bars.numbers("second")[0] % 1000, 0);
    assert.ok(bars.numbers("volume").every((v) => v > 0));
    assert.deepEqual(
      bars.columns.map((c) => c.type),
      ["TIMESTAMP", "DOUBLE"],
    );
    const [big] = (
      await db.sql`SELECT 9007199254740993::BIGINT AS big, 12::BIGINT AS small, 1.50::DECIMAL(10, 2) AS d, data FROM messages LIMIT 1`
    ).rows;
    assert.deepEqual([big.big, big.small, big.d, (big.data as { e: string }).e], ["9007199254740993", 12, 1.5, "trade"]);
    assert.throws(
      () => bars.column("nope"),
      (error: InvalidArgumentError) => error.code === "UNKNOWN_COLUMN",
    );
  } finally {
    db.close();
  }
});

test("sources: a folder with nothing to read is NO_SOURCES, a non-sample file NOT_A_SAMPLE", async () => {
  const empty = makeTempDir();
  await assert.rejects(query("SELECT 1", { from: empty }), (error: InvalidArgumentError) => error.code === "NO_SOURCES");
  const text = path.join(empty, "notes.txt");
  fs.writeFileSync(text, "hello");
  await assert.rejects(query("SELECT 1", { from: text }), (error: SampleFileError) => error.code === "NOT_A_SAMPLE");
});

test("array streams (!markPrice@arr, !ticker@arr; real messages) give one row per element, also when the first MiB held objects only", async () => {
  const dir = makeTempDir();
  const fixture = readRecordingLines(path.join(FIXTURES, "usdm-single-messages-crypto-crawler.jsonl")).filter((line) =>
    line.startsWith('{"stream":'),
  );
  const arrays = fixture.filter((line) => line.startsWith('{"stream":"!markPrice@arr"') || line.startsWith('{"stream":"!ticker@arr"'));
  const elements = (stream: string) =>
    arrays
      .filter((line) => line.includes(`"stream":"${stream}"`))
      .reduce((n, line) => n + (JSON.parse(line) as { data: unknown[] }).data.length, 0);
  const objects = fixture.filter((line) => line.includes('"stream":"btcusdt@markPrice"') || line.includes('"stream":"ethusdt@ticker"'));
  const early = path.join(dir, "early.jsonl");
  fs.writeFileSync(early, [...arrays, ...objects].join("\n") + "\n");
  const late = path.join(dir, "late.jsonl");
  const filler = readRecordingLines(HFT).filter((line) => line.includes('"stream":"btcusdt@trade"'));
  const padding = Array.from({ length: Math.ceil((1.2 * (1 << 20)) / filler.join("\n").length) }, () => filler).flat();
  fs.writeFileSync(late, [...padding, ...arrays, ...objects].join("\n") + "\n");
  assert.equal(describeSampleFile(early).objectPayloads, false);
  assert.equal(describeSampleFile(late).objectPayloads, true, "the first MiB holds objects only");
  for (const file of [early, late]) {
    const db = await openDatabase({ from: file });
    try {
      const counts = await db.sql`SELECT (SELECT count(*) FROM mark_price) AS marks, (SELECT count(*) FROM ticker) AS tickers`;
      assert.deepEqual(counts.rows, [{ marks: elements("!markPrice@arr") + 1, tickers: elements("!ticker@arr") + 1 }], file);
    } finally {
      db.close();
    }
  }
});
