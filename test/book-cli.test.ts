/** `streamlab book`: the report, the JSON document, `--at`, and every bad input with its exit status and one stderr line. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { main } from "../lib/cli/main";
import { loadSample } from "../lib/store/read";
import { BUNDLED } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const ALTS = path.join(BUNDLED, "alts-2021-07-22-cryptofeed.jsonl.gz");
const TRADES = path.join(BUNDLED, "btcusdt-trade.json");

async function run(args: string[]): Promise<{ exit: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (chunks: string[]) => ({ write: (chunk: string) => chunks.push(chunk) }) as unknown as NodeJS.WritableStream;
  const exit = await main(args, sink(out), sink(err));
  return { exit, stdout: out.join(""), stderr: err.join("") };
}

test("the report: state, the top levels side by side, measures, known depth, and what the book went through", async () => {
  const { exit, stdout, stderr } = await run(["book", HFT, "--levels", "3"]);
  assert.equal(exit, 0, stderr);
  const lines = stdout.trimEnd().split("\n");
  assert.equal(lines[0], "BTCUSDT book from btcusdt@depth@0ms at the end of the sample");
  assert.equal(lines[1], "State: synced at u=2710248310297 (last update 2023-04-04T23:59:20.429Z)");
  assert.match(lines[3], /^\s+0\.800\s+28148\.60 \| 28148\.70\s+7\.292$/);
  assert.equal(lines.length, 12);
  assert.match(stdout, /Spread 0\.10 \(0\.04 bps\), mid 28148\.650/);
  assert.match(stdout, /Known depth: bids down to \d+\.\d\d, asks up to \d+\.\d\d; levels beyond are unknown, not empty\./);
  assert.match(
    stdout,
    /Went through: 2663 depth events, 2663 applied, 0 dropped as older than the book, 0 gap\(s\), 0 not applied; 1 of 1 snapshot\(s\) used\./,
  );
  assert.match(stdout, /snapshot\s+Snapshot 1 \(lastUpdateId 2710246765483\) loaded\./);
});

test("--json: levels as Binance writes them, best first, with the state, counts and history", async () => {
  const { exit, stdout } = await run(["book", ALTS, "--symbol", "CTKUSDT", "--json", "--levels", "2"]);
  assert.equal(exit, 0);
  const json = JSON.parse(stdout) as Record<string, unknown>;
  const sample = loadSample(ALTS);
  assert.equal(json.symbol, "CTKUSDT");
  assert.equal(json.stream, "ctkusdt@depth@100ms");
  assert.equal(json.state, "synced");
  assert.equal(json.at, null);
  const bids = json.bids as [string, string][];
  const asks = json.asks as [string, string][];
  assert.equal(bids.length, 2);
  assert.ok(Number(bids[0][0]) > Number(bids[1][0]) && Number(asks[0][0]) < Number(asks[1][0]), "best first");
  assert.ok(Number(bids[0][0]) < Number(asks[0][0]));
  assert.match(bids[0][0], /^\d+\.\d{5}$/, "CTKUSDT prices have 5 decimals, as in its payloads");
  assert.match(bids[0][1], /^\d+$/, "and whole quantities");
  assert.equal(typeof json.spread, "string");
  assert.deepEqual(Object.keys(json.counts as object).sort(), [
    "applied",
    "events",
    "gaps",
    "snapshotsInSample",
    "snapshotsUsed",
    "stale",
    "waiting",
  ]);
  assert.equal(
    (json.counts as { snapshotsInSample: number }).snapshotsInSample,
    sample.snapshots.filter((s) => s.symbol === "CTKUSDT").length,
  );
  assert.deepEqual(json.knownDepth, { bids: null, asks: null }, "CTKUSDT's snapshot holds its whole book (485 and fewer than 1000 levels)");
});

test("--at: an ISO time, ms since the epoch, or +<duration> after the first depth event give the same book", async () => {
  const first = (loadSample(HFT).messages.find((m) => m.stream === "btcusdt@depth@0ms")!.data as { E: number }).E;
  const at = first + 10_000;
  const outputs = await Promise.all(
    [new Date(at).toISOString(), String(at), "+10s"].map((value) => run(["book", HFT, "--json", "--at", value])),
  );
  for (const output of outputs) assert.equal(output.exit, 0, output.stderr);
  const [iso, ms, offset] = outputs.map((o) => JSON.parse(o.stdout) as { lastUpdateId: number; at: string; bids: unknown });
  assert.equal(iso.at, new Date(at).toISOString());
  assert.deepEqual(ms, iso);
  assert.deepEqual(offset, iso);
  const snapshot = loadSample(HFT).snapshots[0].response;
  const before = JSON.parse((await run(["book", HFT, "--json", "--at", String(snapshot.E - 1)])).stdout) as {
    state: string;
    bids: unknown[];
  };
  assert.equal(before.state, "waiting-for-snapshot");
  assert.deepEqual(before.bids, [], "no book before the first snapshot was taken: no levels");
  const taken = JSON.parse((await run(["book", HFT, "--json", "--levels", "5", "--at", String(first - 1)])).stdout) as {
    state: string;
    bids: unknown[];
  };
  assert.equal(taken.state, "waiting-for-event", "the snapshot was taken, no diff after it yet");
  assert.deepEqual(taken.bids, snapshot.bids.slice(0, 5), "the book is the snapshot");
});

test("bad input: one stderr line, exit status 2, nothing on stdout", async () => {
  const cases: Array<{ args: string[]; stderr: RegExp | string }> = [
    { args: ["book"], stderr: "streamlab: book needs exactly one sample file. [MISSING_ARGUMENT]\n" },
    { args: ["book", HFT, ALTS], stderr: "streamlab: book needs exactly one sample file. [TOO_MANY_ARGUMENTS]\n" },
    {
      args: ["book", HFT, "--levels", "0"],
      stderr: 'streamlab: Invalid --levels "0": expected a positive whole number. [INVALID_FLAG_VALUE]\n',
    },
    {
      args: ["book", HFT, "--levels", "1001"],
      stderr: 'streamlab: Invalid --levels "1001": expected at most 1000 (a snapshot\'s depth). [INVALID_FLAG_VALUE]\n',
    },
    {
      args: ["book", HFT, "--at", "yesterday"],
      stderr: /^streamlab: Invalid --at "yesterday": expected an ISO time .* \[INVALID_FLAG_VALUE\]\n$/,
    },
    { args: ["book", HFT, "--at", "+soon"], stderr: /^streamlab: Invalid --at "soon": .* \[INVALID_FLAG_VALUE\]\n$/ },
    {
      args: ["book", ALTS],
      stderr:
        /^streamlab: The messages hold depth for SUSHIUSDT, AKROUSDT, KEEPUSDT, CTKUSDT: pass \{ symbol \} to pick one\. \[SYMBOL_REQUIRED\]\n$/,
    },
    {
      args: ["book", HFT, "--symbol", "ETHUSDT"],
      stderr: /^streamlab: No depth messages for "ETHUSDT": the messages hold BTCUSDT\. \[UNKNOWN_SYMBOL\]\n$/,
    },
    { args: ["book", TRADES], stderr: /^streamlab: No depth \(depthUpdate\) messages among the 20 given\. \[NO_DEPTH_MESSAGES\]\n$/ },
    { args: ["book", path.join(BUNDLED, "missing.json")], stderr: /\[FILE_NOT_FOUND\]\n$/ },
    { args: ["book", HFT, "--depth"], stderr: /^streamlab: Unknown option '--depth'\. .*\[UNKNOWN_FLAG\]\n$/ },
  ];
  for (const { args, stderr } of cases) {
    const result = await run(args);
    assert.equal(result.exit, 2, args.join(" "));
    assert.equal(result.stdout, "", args.join(" "));
    if (typeof stderr === "string") assert.equal(result.stderr, stderr);
    else assert.match(result.stderr, stderr);
  }
  assert.match((await run(["--help"])).stdout, /streamlab book <file> \[--at <time>\] \[--levels N\]/);
});
