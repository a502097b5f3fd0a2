import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { captureOrLoad, type NotebookData } from "../lib/notebook/workspace";
import { describeNotebookData, projectRelativePath, showNotebookData } from "../lib/notebook/notebook-data";
import { DEFAULT_CAPTURE_DIR } from "../lib/store/write";
import { loadSample } from "../lib/store/read";
import { BUNDLED, PROJECT_ROOT, makeTempDir } from "./helpers";

/** The files a `Sample file:` / `Recordings replayed:` / `Bundled files read:` line names. */
function namedFiles(line: string): string[] {
  return line
    .slice(line.indexOf(":") + 1)
    .split(",")
    .map((name) => name.trim());
}

function exists(name: string): boolean {
  return fs.existsSync(path.isAbsolute(name) ? name : path.join(PROJECT_ROOT, name));
}

test("projectRelativePath: project files relative with /, other files as given", () => {
  assert.equal(projectRelativePath(path.join(BUNDLED, "btcusdt-trade.json")), "data/bundled/btcusdt-trade.json");
  assert.equal(projectRelativePath(path.join(DEFAULT_CAPTURE_DIR, "x.json")), "data/captures/x.json");
  const outside = path.join(makeTempDir(), "mine.json");
  assert.equal(projectRelativePath(outside), outside);
});

test("bundled source: names the bundled files really read, which exist, and no saved sample", async () => {
  const data = await captureOrLoad({ symbol: "BTCUSDT", types: ["aggTrade", "trade"], count: 300, source: "bundled" });
  const lines = describeNotebookData(data);
  assert.equal(lines.length, 2);
  assert.match(
    lines[0],
    /^Data: bundled recording \(btcusdt-aggTrade\.json, btcusdt-trade\.json\); BTCUSDT; btcusdt@aggTrade ×3, btcusdt@trade ×20; /,
  );
  assert.equal(lines[1], "Bundled files read: data/bundled/btcusdt-aggTrade.json, data/bundled/btcusdt-trade.json");
  assert.ok(namedFiles(lines[1]).every(exists));
  assert.ok(!lines.some((line) => line.includes("data/captures")), "nothing is saved under data/captures");

  const depth = describeNotebookData(
    await captureOrLoad({ symbol: "BTCUSDT", types: ["depth@0ms", "bookTicker"], count: 600, source: "bundled" }),
  );
  assert.equal(depth[1], "Bundled files read: data/bundled/btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
});

test("replay source: names the saved capture and the recordings played", async () => {
  const outDir = makeTempDir();
  const data = await captureOrLoad({ symbol: "BTCUSDT", types: ["trade"], count: 20, source: "replay", outDir });
  const lines = describeNotebookData(data);
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^Data: replay of the bundled recordings \(btcusdt-trade\.json\)/);
  assert.equal(lines[1], `Sample file: ${data.file}`);
  assert.equal(loadSample(namedFiles(lines[1])[0]).count, 20);
  assert.equal(lines[2], "Recordings replayed: data/bundled/btcusdt-trade.json");
});

test("live capture: the fallback reason only when there was one, the sample saved under data/captures", () => {
  const sample = loadSample(path.join(BUNDLED, "btcusdt-trade.json"));
  const live: NotebookData = {
    sample,
    file: path.join(DEFAULT_CAPTURE_DIR, "btcusdt-trade-20250319T115811Z.json"),
    source: "live",
    description: "Data: live Binance; BTCUSDT; btcusdt@trade ×20; …",
    fallbackReason: null,
    recordings: [],
  };
  assert.deepEqual(describeNotebookData(live), [
    "Data: live Binance; BTCUSDT; btcusdt@trade ×20; …",
    "Sample file: data/captures/btcusdt-trade-20250319T115811Z.json",
  ]);
  const printed: string[] = [];
  const log = console.log;
  console.log = (line: string) => void printed.push(line);
  try {
    showNotebookData({ ...live, fallbackReason: "Cannot connect" });
  } finally {
    console.log = log;
  }
  assert.deepEqual(printed, [
    "Live Binance could not be reached (Cannot connect).",
    live.description,
    "Sample file: data/captures/btcusdt-trade-20250319T115811Z.json",
  ]);
});
