/**
 * `npm run bench`: one run, one table, everything side by side (docs/performance.md).
 *   capture   the project's capture() vs a bare `ws` client that only counts frames, on the same
 *             feeder (real trade-heavy and depth-heavy frames, repeated with shifted ids), with
 *             the feeder's own rate (a raw TCP reader) to show it is not the bottleneck
 *   analysis  load + taker flow + 1 s OHLCV + VWAP over 100k and 1M trades: the library's fast
 *             path, loadSample, plain JSON.parse, DuckDB SQL, `streamlab query` when the CLI has
 *             it, and Debian's python3-pandas (/usr/bin/python3) when it is installed
 *   also      `import "../lib"`, order-book updates per second (and scripts/bench-book.ts's
 *             detail), bytes on disk per message.
 * Every path runs in its own process: wall time is the whole process, RSS its peak.
 * Samples are built under the OS temp folder (never committed).
 * Usage: npm run bench [-- --quick]   (--quick: 100k trades only, shorter capture runs)
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STREAM_OF, type FrameKind } from "./bench/frames";
import { TRADE_SOURCE, writeTradeSample } from "./bench/trade-sample";

const ROOT = path.join(__dirname, "..");
const WORK = path.join(os.tmpdir(), "streamlab-bench");
const QUICK = process.argv.includes("--quick");
const SIZES = QUICK ? [100_000] : [100_000, 1_000_000];
const CAPTURE_COUNTS: Record<FrameKind, number> = QUICK ? { trade: 50_000, depth: 20_000 } : { trade: 200_000, depth: 50_000 };
const PYTHON = "/usr/bin/python3";
/** Capture runs per side; the best is reported. */
const ROUNDS = 3;

interface Timed {
  readonly wallMs: number;
  readonly out: Record<string, unknown>;
}

/** Runs a child to completion; its last stdout line is JSON. */
function run(command: string, args: readonly string[]): Timed {
  const started = performance.now();
  const child = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${child.status}): ${child.stderr.slice(-2000)}`);
  const lines = child.stdout.trim().split("\n");
  return { wallMs, out: JSON.parse(lines[lines.length - 1]) as Record<string, unknown> };
}

function tsNode(script: string, args: readonly string[]): Timed {
  return run(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "bench", script), ...args]);
}

const num = (value: unknown): number => Number(value);
const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "n/a";

/** Largest relative difference between two answer objects, over the keys both have. */
function maxRelativeDifference(a: Record<string, unknown>, b: Record<string, unknown>): number {
  let worst = 0;
  for (const key of Object.keys(a)) {
    if (!(key in b)) continue;
    const x = num(a[key]);
    const y = num(b[key]);
    const scale = Math.max(Math.abs(x), Math.abs(y));
    if (scale > 0) worst = Math.max(worst, Math.abs(x - y) / scale);
  }
  return worst;
}

// ── capture ─────────────────────────────────────────────────────────────────────────────────

interface CaptureRow {
  kind: FrameKind;
  count: number;
  feederRate: number;
  bare: Record<string, unknown>;
  capture: Record<string, unknown>;
}

async function withFeeder<T>(
  kind: FrameKind,
  count: number,
  body: (url: string, reports: () => Array<Record<string, unknown>>) => Promise<T>,
): Promise<T> {
  const feeder = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "bench", "feeder.ts"), kind, String(count)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let text = "";
  feeder.stdout.setEncoding("utf8");
  const port = await new Promise<number>((resolve, reject) => {
    feeder.stdout.on("data", (chunk: string) => {
      text += chunk;
      const match = /^port (\d+)$/m.exec(text);
      if (match) resolve(Number(match[1]));
    });
    feeder.on("exit", (code) => reject(new Error(`feeder exited (${code})`)));
  });
  const reports = (): Array<Record<string, unknown>> =>
    text
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  try {
    return await body(`ws://127.0.0.1:${port}`, reports);
  } finally {
    feeder.kill();
  }
}

async function benchCapture(kind: FrameKind): Promise<CaptureRow> {
  const count = CAPTURE_COUNTS[kind];
  const stream = STREAM_OF[kind];
  const outDir = path.join(WORK, "captures");
  return withFeeder(kind, count, async (url, reports) => {
    const client = (mode: string): Record<string, unknown> => tsNode("clients.ts", [mode, url, stream, String(count), outDir]).out;
    const wait = async (n: number): Promise<void> => {
      const until = Date.now() + 10_000;
      while (reports().length < n && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    // Best of ROUNDS for each side (the machine is shared: the best run is the least disturbed).
    let feederRate = 0;
    let bare: Record<string, unknown> = { rate: 0 };
    let captured: Record<string, unknown> = { rate: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      client("null");
      await wait(3 * round + 1);
      feederRate = Math.max(feederRate, num(reports()[3 * round]?.rate ?? 0));
      const b = client("bare");
      if (num(b.rate) > num(bare.rate)) bare = b;
      await wait(3 * round + 2);
      const c = client("capture");
      if (num(c.rate) > num(captured.rate)) captured = c;
      await wait(3 * round + 3);
    }
    return { kind, count, feederRate, bare, capture: captured };
  });
}

// ── analysis ────────────────────────────────────────────────────────────────────────────────

interface AnalysisRow {
  readonly path: string;
  readonly wallMs: number;
  readonly loadMs: number;
  readonly analysisMs: number;
  readonly peakRssMiB: number;
  readonly answers: Record<string, unknown> | null;
  readonly note?: string;
}

function hasPandas(): boolean {
  return fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import pandas"]).status === 0;
}

/** Taker flow and 1-second bars over the `trade` view, with the names the other paths answer with. */
const QUERY_SQL = `WITH t AS (SELECT trade_id AS id, epoch_ms(trade_time) AS time, price, quantity, is_buyer_maker AS sell FROM trade),
f AS (SELECT count(*)::DOUBLE AS rows, sum(CASE WHEN NOT sell THEN price * quantity ELSE 0 END) AS buyNotional,
  sum(CASE WHEN sell THEN price * quantity ELSE 0 END) AS sellNotional, sum(price * quantity) / sum(quantity) AS vwap FROM t),
b AS (SELECT time // 1000 AS bucket, arg_max(price, id) AS close, max(price) AS high, sum(quantity) AS volume,
  sum(price * quantity) AS quote, sum(CASE WHEN NOT sell THEN quantity ELSE 0 END) AS buy FROM t GROUP BY bucket),
s AS (SELECT count(*)::DOUBLE AS bars, sum(close) AS closeSum, sum(volume) AS volumeSum, sum(quote) AS quoteVolumeSum,
  sum(buy) AS buyVolumeSum, max(high) AS highMax FROM b)
SELECT * FROM f, s`;

function hasQueryCommand(): boolean {
  const help = spawnSync(process.execPath, [path.join(ROOT, "bin", "streamlab.cjs"), "help"], { cwd: ROOT, encoding: "utf8" });
  return /\bquery\b/.test(`${help.stdout}${help.stderr}`);
}

function analysisRow(label: string, timed: Timed): AnalysisRow {
  const out = timed.out;
  return {
    path: label,
    wallMs: timed.wallMs,
    loadMs: num(out.loadMs),
    analysisMs: num(out.analysisMs),
    peakRssMiB: num(out.peakRssMiB),
    answers: (out.answers as Record<string, unknown> | undefined) ?? out,
  };
}

function benchAnalysis(file: string, pandas: boolean): AnalysisRow[] {
  const rows: AnalysisRow[] = [
    analysisRow("library: readStoredLines + tradeColumns", tsNode("analysis.ts", ["library", file])),
    analysisRow("library: loadSample + tradeColumns", tsNode("analysis.ts", ["loadSample", file])),
    analysisRow("plain JSON.parse per line (sums only)", tsNode("analysis.ts", ["json-parse", file])),
    analysisRow("DuckDB SQL on the file (read_json)", tsNode("analysis.ts", ["duckdb", file])),
  ];
  if (hasQueryCommand()) {
    // The whole `streamlab query` process (start, DuckDB, read the sample, both answers), timed from outside.
    const timed = run(process.execPath, [path.join(ROOT, "bin", "streamlab.cjs"), "query", "--from", file, "--json", QUERY_SQL]);
    const answers = (timed.out as unknown as Array<Record<string, unknown>>)[0] ?? {};
    rows.push({
      path: "streamlab query (whole process)",
      wallMs: timed.wallMs,
      loadMs: NaN,
      analysisMs: NaN,
      peakRssMiB: NaN,
      answers,
      note: "RSS of a child process is not measured",
    });
  } else {
    rows.push({
      path: "streamlab query",
      wallMs: NaN,
      loadMs: NaN,
      analysisMs: NaN,
      peakRssMiB: NaN,
      answers: null,
      note: "not in this checkout's CLI",
    });
  }
  if (pandas) {
    const timed = run(PYTHON, [path.join(ROOT, "scripts", "bench", "pandas_trades.py"), file]);
    rows.push(analysisRow(`pandas ${String(timed.out.version)} (python3)`, timed));
  } else {
    rows.push({
      path: "pandas",
      wallMs: NaN,
      loadMs: NaN,
      analysisMs: NaN,
      peakRssMiB: NaN,
      answers: null,
      note: "python3-pandas is not installed (apt-get install python3-pandas)",
    });
  }
  return rows;
}

// ── report ──────────────────────────────────────────────────────────────────────────────────

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  fs.mkdirSync(WORK, { recursive: true });
  const out: string[] = [];
  const say = (text: string): void => {
    out.push(text);
    process.stdout.write(text + "\n");
  };
  say(`# streamlab bench — ${new Date().toISOString()}`);
  say(
    `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}\n`,
  );

  // import "../lib": the first run compiles (tsx caches), the second is what a notebook sees again.
  const importCold = tsNode("analysis.ts", ["import"]);
  const importWarm = tsNode("analysis.ts", ["import"]);
  say(`## import "../lib"\n`);
  say(
    table(
      ["run", "in-process ms", "whole process ms", "peak RSS MiB"],
      [
        ["first (compiles)", fmt(num(importCold.out.importMs)), fmt(importCold.wallMs), fmt(num(importCold.out.peakRssMiB))],
        ["second", fmt(num(importWarm.out.importMs)), fmt(importWarm.wallMs), fmt(num(importWarm.out.peakRssMiB))],
      ],
    ),
  );

  say(`\n## capture (loopback; rate = messages from the first arrival to the last message stored; best of ${ROUNDS} runs each)\n`);
  const captures: CaptureRow[] = [];
  for (const kind of ["trade", "depth"] as const) captures.push(await benchCapture(kind));
  say(
    table(
      [
        "frames",
        "messages",
        "feeder alone msg/s",
        "bare ws client msg/s",
        "capture() msg/s",
        "capture / bare",
        "capture peak RSS MiB",
        "bare peak RSS MiB",
        "sample bytes/msg",
        "finish ms",
      ],
      captures.map((c) => [
        `${c.kind} (${STREAM_OF[c.kind]})`,
        fmt(c.count),
        fmt(c.feederRate),
        fmt(num(c.bare.rate)),
        fmt(num(c.capture.rate)),
        `${fmt(num(c.capture.rate) / num(c.bare.rate), 2)}×`,
        fmt(num(c.capture.peakRssMiB)),
        fmt(num(c.bare.peakRssMiB)),
        fmt(num(c.capture.bytesPerMessage), 1),
        fmt(num(c.capture.finishMs)),
      ]),
    ),
  );

  const pandas = hasPandas();
  for (const size of SIZES) {
    const file = writeTradeSample(path.join(WORK, `trades-${size}.jsonl`), size);
    const bytes = fs.statSync(file).size;
    say(
      `\n## ${fmt(size)} trades: load + taker flow + 1 s OHLCV + VWAP (${fmt(bytes / 2 ** 20, 1)} MiB, ${fmt(bytes / size, 1)} bytes/trade)\n`,
    );
    const rows = benchAnalysis(file, pandas);
    const reference = rows[0];
    const pandasRow = rows.find((row) => row.path.startsWith("pandas ") && Number.isFinite(row.wallMs));
    say(
      table(
        ["path", "whole process ms", "load ms", "analysis ms", "peak RSS MiB", "wall / pandas", "RSS / pandas", "max rel. diff vs library"],
        rows.map((row) => [
          row.path,
          Number.isFinite(row.wallMs) ? fmt(row.wallMs) : (row.note ?? "n/a"),
          fmt(row.loadMs),
          fmt(row.analysisMs),
          fmt(row.peakRssMiB),
          pandasRow && Number.isFinite(row.wallMs) ? `${fmt(row.wallMs / pandasRow.wallMs, 2)}×` : "",
          pandasRow && Number.isFinite(row.peakRssMiB) ? `${fmt(row.peakRssMiB / pandasRow.peakRssMiB, 2)}×` : "",
          row.answers && reference.answers && row !== reference
            ? maxRelativeDifference(row.answers, reference.answers).toExponential(1)
            : "",
        ]),
      ),
    );
  }

  const book = tsNode("analysis.ts", ["book", TRADE_SOURCE]).out;
  say(`\n## order book and export\n`);
  say(
    table(
      ["what", "figure"],
      [
        ["order-book updates applied (decode + apply, BTCUSDT @depth@0ms, 20 rounds)", `${fmt(num(book.rate))} updates/s`],
        ["export (Parquet)", "see the datasets section below (scripts/bench-datasets.ts)"],
      ],
    ),
  );
  // The order-book benchmark of the book work (scripts/bench-book.ts), in the same run.
  const bookBench = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "bench-book.ts")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  say(`\n## order book in detail (scripts/bench-book.ts)\n\n\`\`\`\n${bookBench.stdout.trim() || bookBench.stderr.trim()}\n\`\`\``);
  // The datasets and SQL benchmark (scripts/bench-datasets.ts): read_json, query, export throughput, bytes on disk.
  const datasetsBench = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "bench-datasets.ts")], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  say(`\n## datasets and SQL (scripts/bench-datasets.ts)\n\n${datasetsBench.stdout.trim() || datasetsBench.stderr.trim()}`);
  if (!pandas) say("\nNote: pandas figures are missing: install Debian's python3-pandas to compare.");
  fs.writeFileSync(path.join(WORK, "last-run.md"), out.join("\n") + "\n");
  say(`\n(also written to ${path.join(WORK, "last-run.md")})`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
