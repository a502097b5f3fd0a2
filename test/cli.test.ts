import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { STREAM_TYPES } from "../lib/binance/endpoints";
import type { Command } from "../lib/cli/command";
import { COMMANDS, dispatch, main } from "../lib/cli/main";
import { ConnectionError } from "../lib/errors";
import { BUNDLED, PROJECT_ROOT, makeTempDir } from "./helpers";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Runs the real `streamlab` command (bin/streamlab.cjs) in a child process. */
function runCli(args: readonly string[], cwd = PROJECT_ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "streamlab.cjs"), ...args], { cwd, timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `run` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function listTree(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).sort() : [];
}

/** A refused command line: the exact exit status and the one stderr line (a string is matched exactly). */
interface BadInput {
  readonly args: readonly string[];
  readonly exit: 1 | 2;
  readonly stderr: string | RegExp;
}

const HELP = 'Run "streamlab --help" for the options.';
const COMMAND_NAMES = "capture, replay, inspect, book, recover, list, export, query, start or lab";

test("bad input: the exact exit status and one stderr line, nothing on stdout, nothing written", async () => {
  const out = makeTempDir(); // every --out; must stay empty
  const inputs = makeTempDir(); // files the cases read
  const taken = makeTempDir(); // holds a sample whose name a capture may not reuse
  const emptyDir = makeTempDir();
  const text = fs.readFileSync(path.join(BUNDLED, "btcusdt-trade.json"), "utf8");
  const file = (name: string, content: string | Buffer) => (fs.writeFileSync(path.join(inputs, name), content), path.join(inputs, name));
  const cut = file("cut.json", text.slice(0, 1000));
  const empty = file("empty.json", "");
  const cutGzip = file("cut.jsonl.gz", zlib.gzipSync(fs.readFileSync(path.join(BUNDLED, "btcusdt-trade.json"))).subarray(0, 200));
  const notes = file("notes.json", '{"hello": 1}\n');
  const noMessages = file("no-messages.json", "[]\n");
  fs.writeFileSync(path.join(taken, "mine.json"), text);
  const missing = path.join(out, "missing.json");
  const captures = path.join(PROJECT_ROOT, "data", "captures");
  const capturesBefore = listTree(captures);
  const takenBefore = listTree(taken);
  const trade = ["capture", "btcusdt@trade", "--count", "1", "--out", out];

  const cases: BadInput[] = [
    // the command
    { args: [], exit: 2, stderr: `streamlab: Missing command: expected ${COMMAND_NAMES}. ${HELP} [MISSING_ARGUMENT]` },
    { args: ["frobnicate"], exit: 2, stderr: `streamlab: Unknown command "frobnicate": expected ${COMMAND_NAMES}. [UNKNOWN_COMMAND]` },
    // capture: streams and symbols
    {
      args: ["capture", "btcusdt@tickr", "--count", "1", "--out", out],
      exit: 2,
      stderr: `streamlab: Unknown stream type "tickr": expected one of ${STREAM_TYPES.join(", ")}. [UNKNOWN_STREAM_TYPE]`,
    },
    {
      args: ["capture", "BTCUSDT@trade", "--count", "1", "--out", out],
      exit: 2,
      stderr: 'streamlab: Invalid stream name "BTCUSDT@trade": symbols are lower-case in stream names ("btcusdt@trade"). [INVALID_STREAM_NAME]',
    },
    {
      args: ["capture", "--symbols", "../x", "--types", "trade", "--count", "1", "--out", out],
      exit: 2,
      stderr: 'streamlab: Invalid symbol "../x": expected 2-20 letters or digits such as "BTCUSDT" (optionally "_YYMMDD" for a delivery contract). [INVALID_SYMBOL]',
    },
    {
      args: ["capture", "--symbols", "BTCUSDT", "--types", "tickr", "--count", "1", "--out", out],
      exit: 2,
      stderr: `streamlab: Unknown stream type "tickr": expected one of ${STREAM_TYPES.join(", ")}. [UNKNOWN_STREAM_TYPE]`,
    },
    { args: ["capture", "--count", "1", "--out", out], exit: 2, stderr: "streamlab: capture needs stream names (btcusdt@trade) or --symbols with --types. [MISSING_ARGUMENT]" },
    {
      args: [...trade, "--symbols", "BTCUSDT"],
      exit: 2,
      stderr: "streamlab: capture takes stream names (btcusdt@trade) or --symbols with --types, not both. [CONFLICTING_FLAGS]",
    },
    // capture: names
    {
      args: ["capture", "--symbols", "BTCUSDT", "--types", "trade", "--count", "1", "--name", "../escape", "--out", out],
      exit: 2,
      stderr: 'streamlab: Unsafe sample name "../escape": expected a plain file name. [UNSAFE_FILE_NAME]',
    },
    {
      args: ["capture", "btcusdt@trade", "--count", "1", "--name", "mine", "--out", taken],
      exit: 2,
      stderr: `streamlab: Sample ${path.join(taken, "mine.json")} already exists: choose another name; captured data is never overwritten. [SAMPLE_EXISTS]`,
    },
    // capture: limits
    { args: ["capture", "btcusdt@trade", "--out", out], exit: 2, stderr: "streamlab: capture needs --count N or --duration <time> (or both). [MISSING_ARGUMENT]" },
    { args: ["capture", "btcusdt@trade", "--count", "0", "--out", out], exit: 2, stderr: 'streamlab: Invalid --count "0": expected a positive whole number. [INVALID_FLAG_VALUE]' },
    { args: ["capture", "btcusdt@trade", "--count", "1.5", "--out", out], exit: 2, stderr: 'streamlab: Invalid --count "1.5": expected a positive whole number. [INVALID_FLAG_VALUE]' },
    { args: ["capture", "btcusdt@trade", "--out", out, "--count"], exit: 2, stderr: /^streamlab: Option '--count[^']*' argument missing\. Run "streamlab --help" for the options\. \[INVALID_FLAG_VALUE\]$/ },
    {
      args: ["capture", "btcusdt@trade", "--duration", "soon", "--out", out],
      exit: 2,
      stderr: 'streamlab: Invalid --duration "soon": expected a positive number with ms, s, m or h, such as "30s". [INVALID_FLAG_VALUE]',
    },
    {
      args: ["capture", "btcusdt@trade", "--duration", "0s", "--out", out],
      exit: 2,
      stderr: 'streamlab: Invalid --duration "0s": expected a positive number with ms, s, m or h, such as "30s". [INVALID_FLAG_VALUE]',
    },
    // capture: flags
    { args: [...trade, "--colour", "red"], exit: 2, stderr: `streamlab: Unknown option '--colour'. ${HELP} [UNKNOWN_FLAG]` },
    { args: [...trade, "--quiet=yes"], exit: 2, stderr: `streamlab: Option '--quiet' does not take an argument. ${HELP} [INVALID_FLAG_VALUE]` },
    // capture: URLs
    {
      args: [...trade, "--url", "ws://127.0.0.1:1/market"],
      exit: 2,
      stderr: 'streamlab: Invalid websocket base URL "ws://127.0.0.1:1/market": give scheme, host and port only ("ws://127.0.0.1:1"); routes and paths are added as for Binance. [INVALID_BASE_URL]',
    },
    { args: [...trade, "--url", "not-a-url"], exit: 2, stderr: 'streamlab: Invalid websocket base URL "not-a-url": expected a URL such as "wss://host:port". [INVALID_BASE_URL]' },
    { args: [...trade, "--url", "http://127.0.0.1:1"], exit: 2, stderr: 'streamlab: Invalid websocket base URL "http://127.0.0.1:1": expected the scheme ws or wss. [INVALID_BASE_URL]' },
    { args: [...trade, "--rest-url", "ftp://127.0.0.1:1"], exit: 2, stderr: 'streamlab: Invalid REST base URL "ftp://127.0.0.1:1": expected the scheme http or https. [INVALID_BASE_URL]' },
    // inspect
    { args: ["inspect"], exit: 2, stderr: "streamlab: inspect needs exactly one sample file. [MISSING_ARGUMENT]" },
    { args: ["inspect", cut, empty], exit: 2, stderr: "streamlab: inspect needs exactly one sample file. [TOO_MANY_ARGUMENTS]" },
    { args: ["inspect", "--jsn", cut], exit: 2, stderr: `streamlab: Unknown option '--jsn'. ${HELP} [UNKNOWN_FLAG]` },
    { args: ["inspect", missing], exit: 2, stderr: `streamlab: Sample file ${missing} does not exist. [FILE_NOT_FOUND]` },
    { args: ["inspect", cut], exit: 2, stderr: new RegExp(`^streamlab: Sample file ${escapeRegExp(cut)} is not valid JSON \\(.+; it looks truncated or corrupt\\)\\. \\[CORRUPT_SAMPLE\\]$`) },
    { args: ["inspect", empty], exit: 2, stderr: `streamlab: Sample file ${empty} is not valid JSON (it is empty). [CORRUPT_SAMPLE]` },
    { args: ["inspect", cutGzip], exit: 2, stderr: new RegExp(`^streamlab: Recording ${escapeRegExp(cutGzip)} is not a complete gzip file \\(.+\\)\\. \\[CORRUPT_GZIP\\]$`) },
    {
      args: ["inspect", notes],
      exit: 2,
      stderr: `streamlab: File ${notes} is not a sample: expected {"format": "streamlab.sample", ...} or a JSON array of {"stream", "data"} messages. [NOT_A_SAMPLE]`,
    },
    // replay (every case fails before a server starts)
    { args: ["replay"], exit: 2, stderr: "streamlab: replay needs at least one recording file or folder, e.g. data/bundled. [MISSING_ARGUMENT]" },
    { args: ["replay", path.join(out, "missing")], exit: 2, stderr: `streamlab: No such file or folder: ${path.join(out, "missing")}. [NO_SUCH_PATH]` },
    { args: ["replay", emptyDir], exit: 2, stderr: `streamlab: No recordings (.json, .jsonl, .jsonl.gz) in ${emptyDir}: replay needs at least one. [MISSING_ARGUMENT]` },
    {
      args: ["replay", notes],
      exit: 2,
      stderr: `streamlab: File ${notes} is not a sample: expected {"format": "streamlab.sample", ...} or a JSON array of {"stream", "data"} messages. [NOT_A_SAMPLE]`,
    },
    { args: ["replay", noMessages], exit: 2, stderr: `streamlab: Recording ${JSON.stringify(noMessages)} holds no stream messages: a replay needs at least one. [NO_MESSAGES]` },
    { args: ["replay", BUNDLED, "--port", "70000"], exit: 2, stderr: 'streamlab: Invalid --port "70000": expected 0-65535. [INVALID_FLAG_VALUE]' },
    { args: ["replay", BUNDLED, "--speed", "0"], exit: 2, stderr: 'streamlab: Invalid --speed "0": expected realtime, max or a positive multiplier. [INVALID_FLAG_VALUE]' },
    { args: ["replay", BUNDLED, "--loop"], exit: 2, stderr: `streamlab: Unknown option '--loop'. ${HELP} [UNKNOWN_FLAG]` },
    // recover, list, start, lab
    { args: ["recover", path.join(out, "missing")], exit: 2, stderr: `streamlab: No such file or folder: ${path.join(out, "missing")}. [NO_SUCH_PATH]` },
    { args: ["recover", notes], exit: 2, stderr: `streamlab: File ${notes} is not a capture journal: expected a name ending in .partial.jsonl. [NOT_A_JOURNAL]` },
    { args: ["recover", out, inputs], exit: 2, stderr: `streamlab: recover takes one folder or journal file, got 2 arguments: ${JSON.stringify(out)} ${JSON.stringify(inputs)}. [TOO_MANY_ARGUMENTS]` },
    { args: ["list", path.join(out, "missing")], exit: 2, stderr: `streamlab: No such file or folder: ${path.join(out, "missing")}. [NO_SUCH_PATH]` },
    { args: ["list", out, inputs], exit: 2, stderr: `streamlab: list takes one folder, got 2 arguments: ${JSON.stringify(out)} ${JSON.stringify(inputs)}. [TOO_MANY_ARGUMENTS]` },
    { args: ["start", "--source", "nowhere"], exit: 2, stderr: 'streamlab: Invalid source "nowhere": expected auto, live, replay or bundled. [INVALID_SOURCE]' },
    { args: ["start", "now"], exit: 2, stderr: 'streamlab: start takes no arguments, got 1 argument: "now". [TOO_MANY_ARGUMENTS]' },
    { args: ["lab", "--port", "8888"], exit: 2, stderr: `streamlab: Unknown option '--port'. ${HELP} [UNKNOWN_FLAG]` },
    { args: ["lab", "notebooks"], exit: 2, stderr: 'streamlab: lab takes no arguments, got 1 argument: "notebooks". [TOO_MANY_ARGUMENTS]' },
    // a failure while running: exit 1 (nothing listens on 127.0.0.1:9)
    {
      args: [...trade, "--quiet", "--url", "ws://127.0.0.1:9"],
      exit: 1,
      stderr: /^streamlab: Cannot connect to ws:\/\/127\.0\.0\.1:9\/public\/stream\?streams=btcusdt@trade: .*ECONNREFUSED.*\. \[CONNECT_FAILED\]$/,
    },
  ];
  const results = await mapLimited(cases, 3, (c) => runCli(c.args));
  cases.forEach((c, i) => {
    const result = results[i];
    const what = `streamlab ${c.args.join(" ")}`;
    assert.equal(result.code, c.exit, `${what}: ${result.stderr}`);
    assert.equal(result.stdout, "", what);
    assert.ok(result.stderr.endsWith("\n") && result.stderr.indexOf("\n") === result.stderr.length - 1, `one line for ${what}: ${JSON.stringify(result.stderr)}`);
    const line = result.stderr.slice(0, -1);
    if (typeof c.stderr === "string") assert.equal(line, c.stderr, what);
    else assert.match(line, c.stderr, what);
  });
  assert.deepEqual(listTree(out), [], "nothing written to --out");
  assert.deepEqual(listTree(taken), takenBefore, "the taken sample is untouched");
  assert.deepEqual(listTree(captures), capturesBefore, "nothing written to data/captures");
  for (const dir of [PROJECT_ROOT, path.dirname(out), path.join(PROJECT_ROOT, "data")]) assert.equal(fs.existsSync(path.join(dir, "escape.json")), false, dir);
});

test("--help prints the usage on stdout with exit 0, for streamlab and for each command", async () => {
  for (const args of [["--help"], ["help"], ["-h"], ["capture", "--help"], ["inspect", "-h"]]) {
    const result = await runCli(args);
    assert.equal(result.code, 0, args.join(" "));
    assert.equal(result.stderr, "", args.join(" "));
    assert.match(result.stdout, /^streamlab — capture, replay and inspect/, args.join(" "));
    for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^  streamlab ${command.name}\\b`, "m"), command.name);
    assert.match(result.stdout, /exit status 2 for bad input, 1 for failures while running; codes in docs\/errors\.md/);
  }
});

test("main() and dispatch() resolve with the class's exit status and rethrow errors that are not a StreamlabError", async () => {
  const err: string[] = [];
  const sink = (into: string[]) => ({ write: (s: string) => (into.push(s), true) }) as unknown as NodeJS.WritableStream;
  assert.equal(await main(["inspect", path.join(makeTempDir(), "none.json")], sink([]), sink(err)), 2);
  assert.match(err.join(""), /^streamlab: Sample file .*none\.json does not exist\. \[FILE_NOT_FOUND\]\n$/);
  const bug: Command = { name: "boom", usage: "  streamlab boom", options: {}, run: () => Promise.reject(new TypeError("a bug")) };
  await assert.rejects(dispatch([...COMMANDS, bug], ["boom"], { out: sink([]), err: sink([]) }), /a bug/);
  const refused: Command = { name: "refuse", usage: "  streamlab refuse", options: { level: { type: "string" } }, run: () => Promise.reject(new ConnectionError("CLOSED", "Closed.", "ws://127.0.0.1:9")) };
  const errors: string[] = [];
  assert.equal(await dispatch([refused], ["refuse", "--level", "3"], { out: sink([]), err: sink(errors) }), 1);
  assert.deepEqual(errors, ["streamlab: Closed. [CLOSED]\n"]);
  assert.equal(await dispatch([refused], ["refuse", "--lvl"], { out: sink([]), err: sink(errors) }), 2);
  assert.equal(errors[1], `streamlab: Unknown option '--lvl'. ${HELP} [UNKNOWN_FLAG]\n`);
});

test("inspect of a real sample reports streams, latency and gaps", async () => {
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
      const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "streamlab.cjs"), "capture", ...streams, "--count", "12", "--url", server.url, "--out", out]);
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
    const stored = text
      .split("\n")
      .filter((line) => /^\{"localTimestamp":[^,]*,"stream":"/.test(line))
      .map((line) => "{" + line.slice(line.indexOf(",") + 1));
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
