/**
 * The `streamlab` command with the new stream families: `capture` takes market streams by name
 * from a replay, `inspect` reads array payloads' event times, `query` has a view per family,
 * `export` writes their tables.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { main } from "../lib/cli/main";
import { startReplayServer } from "../lib/replay/server";
import { BUNDLED, makeTempDir } from "./helpers";

const SINGLES = path.join(BUNDLED, "usdm-2021-2022-crypto-crawler-messages.jsonl");

/** Runs the CLI in this process, collecting stdout and stderr. */
async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    ({ write: (chunk: string | Uint8Array) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(
    args,
    sink((text) => (stdout += text)),
    sink((text) => (stderr += text)),
  );
  return { code, stdout, stderr };
}

test("streamlab capture '!ticker@arr' '!markPrice@arr' ethusdt@depth20 from a replay, then inspect, query and export the sample", async () => {
  const server = await startReplayServer({ files: [SINGLES], speed: "max" });
  const out = makeTempDir();
  let sample: string;
  try {
    const captured = await run([
      "capture",
      "!ticker@arr",
      "!markPrice@arr",
      "ethusdt@depth20",
      "--count",
      "1",
      "--url",
      server.url,
      "--out",
      out,
      "--name",
      "market",
      "--quiet",
    ]);
    assert.equal(captured.code, 0, captured.stderr);
    sample = captured.stdout.trim();
    assert.equal(sample, path.join(out, "market.jsonl"));
  } finally {
    await server.close();
  }
  const inspected = await run(["inspect", sample]);
  assert.equal(inspected.code, 0, inspected.stderr);
  assert.match(inspected.stdout, /!markPrice@arr +1 /);
  assert.match(inspected.stdout, /event time: 2021-04-01T20:30:24\.002Z → 2022-05-29T08:45:00\.353Z/);
  const json = await run(["inspect", sample, "--json"]);
  const streams = (JSON.parse(json.stdout) as { streams: Array<{ stream: string; firstEventTime: number | null }> }).streams;
  assert.deepEqual(streams.find((s) => s.stream === "!ticker@arr")?.firstEventTime, 1653813900353);
  const counted = await run([
    "query",
    "--from",
    sample,
    "--json",
    "select (select count(*) from mark_price) as marks, (select count(*) from ticker) as tickers, (select count(*) from partial_depth) as levels, (select count(*) from depth) as diffs",
  ]);
  assert.equal(counted.code, 0, counted.stderr);
  assert.deepEqual(JSON.parse(counted.stdout), [{ marks: 2, tickers: 1, levels: 6, diffs: 0 }]);
  const dataset = path.join(makeTempDir(), "dataset");
  const exported = await run(["export", sample, "--format", "parquet", "--out", dataset]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual(
    fs
      .readdirSync(dataset)
      .filter((name) => !name.startsWith("_"))
      .sort(),
    ["mark_price", "partial_depth", "ticker"],
  );
});
