import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { main } from "../lib/cli/main";
import { BUNDLED, PROJECT_ROOT, makeTempDir } from "./helpers";

/** Runs the real `streamlab` command (bin/streamlab.cjs) in a child process. */
function runCli(args: string[], cwd = PROJECT_ROOT) {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin", "streamlab.cjs"), ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function listTree(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).sort() : [];
}

test("bad input: one clear line on stderr, non-zero exit, nothing written", () => {
  const out = makeTempDir();
  const captures = path.join(PROJECT_ROOT, "data", "captures");
  const before = listTree(captures);
  const cases: [string[], RegExp][] = [
    [["capture", "btcusdt@tickr", "--count", "1", "--out", out], /Unknown stream type "tickr": expected one of ticker, trade, miniTicker, depth, aggTrade/],
    [["capture", "--symbols", "../x", "--types", "trade", "--count", "1", "--out", out], /Invalid symbol "\.\.\/x"/],
    [["capture", "--symbols", "BTCUSDT", "--types", "trade", "--count", "1", "--name", "../escape", "--out", out], /Unsafe sample name "\.\.\/escape"/],
    [["capture", "btcusdt@trade", "--count", "0", "--out", out], /Invalid --count "0": expected a positive whole number/],
    [["capture", "btcusdt@trade", "--duration", "soon", "--out", out], /Invalid duration "soon"/],
    [["capture", "btcusdt@trade", "--out", out], /needs --count N or --duration/],
    [["capture", "btcusdt@trade", "--count", "1", "--colour", "red"], /Unknown option '--colour'/],
    [["capture", "btcusdt@trade", "--count", "1", "--url", "ws://127.0.0.1:1/market"], /scheme, host and port only/],
    [["inspect", path.join(out, "missing.json")], /Sample file .*missing\.json does not exist/],
    [["replay", path.join(out, "missing")], /No such file or folder/],
    [["frobnicate"], /Unknown command "frobnicate"/],
  ];
  for (const [args, pattern] of cases) {
    const result = runCli(args);
    assert.notEqual(result.code, 0, args.join(" "));
    assert.match(result.stderr, pattern, args.join(" "));
    assert.equal(result.stderr.trim().split("\n").length, 1, `one line for ${args.join(" ")}: ${result.stderr}`);
    assert.equal(result.stdout, "");
  }
  assert.deepEqual(listTree(out).filter((f) => f !== "missing.json"), []);
  assert.deepEqual(listTree(captures), before);
  assert.equal(fs.existsSync(path.join(PROJECT_ROOT, "escape.json")), false);
});

test("inspect of a truncated sample fails clearly; of a real one it reports streams, latency and gaps", async () => {
  const dir = makeTempDir();
  const text = fs.readFileSync(path.join(BUNDLED, "btcusdt-trade.json"), "utf8");
  fs.writeFileSync(path.join(dir, "cut.json"), text.slice(0, 1000));
  const bad = runCli(["inspect", path.join(dir, "cut.json")]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /cut\.json is not valid JSON \(.*truncated or corrupt\)/);

  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) => ({ write: (s: string) => (into.push(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(["inspect", path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz")], sink(out), sink(err));
  assert.equal(code, 0);
  const report = out.join("");
  assert.match(report, /messages:\s+7584 in 4 stream\(s\), 1 depth snapshot\(s\)/);
  assert.match(report, /btcusdt@trade\s+1147\s+/);
  assert.match(report, /sequence gaps: none/);
  const json: string[] = [];
  assert.equal(await main(["inspect", "--json", path.join(BUNDLED, "btcusdt-trade.json")], sink(json), sink(err)), 0);
  const parsed = JSON.parse(json.join(""));
  assert.equal(parsed.count, 20);
  assert.equal(parsed.streams[0].latencyMs, null); // the seed has no receive times
  assert.deepEqual(parsed.gaps, []);
});

test("streamlab capture --count N from the replay server stores the first N messages of each stream, byte for byte", async () => {
  const { startReplayServer } = await import("../lib/replay/server");
  const { readRecordingLines } = await import("./helpers");
  const hft = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
  const alts = path.join(BUNDLED, "alts-2021-07-22-cryptofeed.jsonl.gz");
  const server = await startReplayServer({ files: [hft, alts] });
  const out = makeTempDir();
  try {
    const streams = ["btcusdt@trade", "btcusdt@depth@0ms", "sushiusdt@aggTrade", "sushiusdt@kline_1m"];
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = require("child_process").spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "streamlab.cjs"), "capture", ...streams, "--count", "12", "--url", server.url, "--out", out]);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c));
      child.stderr.on("data", (c: Buffer) => (stderr += c));
      child.on("exit", (code: number | null) => resolve({ code, stdout, stderr }));
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /capturing .* messages \(btcusdt@trade \d+/);
    const file = result.stdout.trim();
    assert.equal(path.dirname(file), out);
    const text = fs.readFileSync(file, "utf8");
    const stored = text.slice(text.indexOf('"messages":[\n') + 13, text.lastIndexOf("\n]}")).split(",\n").map((line) => "{" + line.slice(line.indexOf(",") + 1));
    const recorded = [...readRecordingLines(hft), ...readRecordingLines(alts)].filter((l) => !l.includes('"snapshot"')).map((line) => "{" + line.slice(line.indexOf(",") + 1));
    for (const stream of streams) {
      const tag = `{"stream":"${stream}",`;
      assert.deepEqual(stored.filter((f) => f.startsWith(tag)), recorded.filter((f) => f.startsWith(tag)).slice(0, 12), stream);
    }
    assert.equal(stored.length, 48);
  } finally {
    await server.close();
  }
});

test("npm start's job without a network says so, uses the bundled recordings and leaves reports/index.html", { timeout: 5 * 60_000 }, async () => {
  const { runMainJob } = await import("../lib/cli/main-job");
  const { FIXTURES } = await import("./helpers");
  const out: string[] = [];
  const sink = { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream;
  const outputDir = makeTempDir();
  const saved = process.env.STREAMLAB_WS_URL;
  process.env.STREAMLAB_WS_URL = "ws://127.0.0.1:9"; // nothing listens there: like a machine without a network
  try {
    const code = await runMainJob({ out: sink, outputDir, notebooks: [path.join(FIXTURES, "notebooks", "smoke.ipynb")] });
    const text = out.join("");
    assert.equal(code, 0, text);
    assert.match(text, /No network to Binance \(Cannot connect to ws:\/\/127\.0\.0\.1:9\/market\/stream/);
    assert.match(text, /Using the bundled real recordings \(data\/bundled\) through a local replay server\./);
    assert.ok(fs.existsSync(path.join(outputDir, "index.html")));
  } finally {
    if (saved === undefined) delete process.env.STREAMLAB_WS_URL;
    else process.env.STREAMLAB_WS_URL = saved;
  }
});
