/**
 * Rotation and stopping: `--rotate` splits a long capture into complete samples named in order,
 * with nothing lost or repeated at the boundaries; SIGTERM (like Ctrl-C) closes the sockets and
 * finishes the sample; a killed capture's journal is finished by the next capture.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { capture } from "../lib/capture/session";
import { loadSample } from "../lib/store/read";
import { BUNDLED, PROJECT_ROOT, makeTempDir } from "./helpers";
import { startFaultServer, type FaultServer } from "./fault-server";
import { assertStoredExactlyOnce, runCapture, sentFrames, storedFrames } from "./fault-server-oracle";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const STREAMS = ["btcusdt@trade", "btcusdt@depth@0ms"];
const TEMP = makeTempDir();
const freshDir = () => fs.mkdtempSync(path.join(TEMP, "rotate-"));

async function withServer<T>(run: (server: FaultServer) => Promise<T>, speed = 6): Promise<T> {
  const server = await startFaultServer({ files: [HFT], speed, streams: STREAMS, loop: true });
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

test("--rotate 200KB: complete samples named in order, each valid, no message lost or repeated at the boundaries", async () => {
  await withServer(async (server) => {
    const outDir = freshDir();
    const result = await runCapture([...STREAMS, "--count", "1500", "--url", server.url, "--out", outDir, "--name", "long", "--rotate", "200KB"]);
    assert.equal(result.exit, 0, result.stderr);
    const files = result.stdout.trim().split("\n");
    assert.ok(files.length >= 4, `${files.length} files`);
    assert.deepEqual(files, files.map((_, i) => path.join(outDir, `long-${String(i + 1).padStart(4, "0")}.jsonl`)), "named in order");
    assert.deepEqual(fs.readdirSync(outDir).sort(), files.map((f) => path.basename(f)).sort(), "no journal or temp file left");
    const samples = files.map((file) => loadSample(file));
    samples.forEach((sample, i) => {
      assert.equal(sample.complete, true);
      assert.deepEqual(sample.part, { index: i + 1, previous: i === 0 ? null : path.basename(files[i - 1]) });
      assert.deepEqual(sample.gaps, [], `part ${i + 1}: the id chains run on, also from the part before`);
      assert.ok(sample.count > 0);
      if (i < samples.length - 1) assert.ok(fs.statSync(files[i]).size >= 200 * 1024 && fs.statSync(files[i]).size < 260 * 1024, `part ${i + 1} is about 200 KB`);
    });
    // together, the parts hold exactly what the server sent, once each, in order
    const joined = path.join(freshDir(), "joined.jsonl");
    fs.writeFileSync(joined, files.map((file) => fs.readFileSync(file, "utf8")).join(""));
    assertStoredExactlyOnce(server, joined, STREAMS, 1500);
    for (let i = 1; i < files.length; i++) {
      const lastBefore = storedFrames(files[i - 1]).filter((f) => f.stream === "btcusdt@trade").pop();
      const firstAfter = storedFrames(files[i]).find((f) => f.stream === "btcusdt@trade");
      if (!lastBefore || !firstAfter) continue;
      const sent = sentFrames(server, "btcusdt@trade");
      assert.equal(sent.indexOf(firstAfter.frame), sent.indexOf(lastBefore.frame) + 1, `boundary ${i}: the next trade, neither lost nor repeated`);
    }
  }, 12);
});

test("SIGTERM stops a CLI capture: sockets closed, the sample finished, what is missing said, exit 0", { timeout: 60_000 }, async () => {
  await withServer(async (server) => {
    const outDir = freshDir();
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "streamlab.cjs"), "capture", ...STREAMS, "--count", "100000", "--url", server.url, "--out", outDir, "--name", "term"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress: ${stderr}`)), 30_000);
      child.stderr.on("data", () => {
        if (/: [1-9]\d{2,} messages/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /streamlab: SIGTERM: stopping the capture and finishing the sample/);
    assert.match(stderr, /warning: the capture was stopped before every stream had its count: btcusdt@trade has \d+ of 100000 messages/);
    const file = stdout.trim();
    assert.equal(file, path.join(outDir, "term.jsonl"));
    const sample = loadSample(file);
    assert.equal(sample.complete, true);
    assert.match(sample.events[sample.events.length - 1].detail ?? "", /Finished: stopped by the caller\. Missing: /);
    assert.ok(server.connections.every((connection) => connection.closedAt !== null), "every socket closed");
  });
});

test("a capture killed without warning (a kernel restart) leaves a journal that the next capture in the folder finishes", { timeout: 60_000 }, async () => {
  await withServer(async (server) => {
    const outDir = freshDir();
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin", "streamlab.cjs"), "capture", ...STREAMS, "--count", "100000", "--url", server.url, "--out", outDir, "--name", "killed"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    await new Promise<void>((resolve) => {
      child.stderr.on("data", () => /: [1-9]\d{2,} messages/.test(stderr) && resolve());
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    assert.ok(fs.existsSync(path.join(outDir, "killed.partial.jsonl")));
    const next = await capture({ streams: ["btcusdt@trade"], count: 5, wsBaseUrl: server.url, outDir, name: "next" });
    assert.deepEqual(next.recovered, [path.join(outDir, "killed.jsonl")]);
    const recovered = loadSample(path.join(outDir, "killed.jsonl"));
    assert.equal(recovered.complete, false);
    assert.ok(recovered.count >= 100);
    assert.equal(fs.existsSync(path.join(outDir, "killed.partial.jsonl")), false);
  });
});
