/**
 * How captures end: idle is never done; a capture ends at its count, its duration, when the
 * user stops it, or when it gives up after a bounded number of failed reconnects, with a
 * non-zero exit and a message saying what is missing. The offline case fails at once.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { capture } from "../lib/capture/session";
import { ConnectionError } from "../lib/errors";
import { startLongTimer, MAX_TIMER_DELAY_MS } from "../lib/capture/timers";
import { loadSample } from "../lib/store/read";
import { BUNDLED, makeTempDir } from "./helpers";
import { startFaultServer } from "./fault-server";
import { runCapture } from "./fault-server-oracle";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const TEMP = makeTempDir();
const freshDir = () => fs.mkdtempSync(path.join(TEMP, "end-"));

test("idle is never done: when the feed goes quiet the capture keeps waiting (replacing the connection), and a stop says what is missing", async () => {
  const server = await startFaultServer({ files: [HFT], speed: 30, streams: ["btcusdt@trade"] });
  try {
    const controller = new AbortController();
    let settled = false;
    const pending = capture({
      streams: ["btcusdt@trade"],
      count: 5000,
      wsBaseUrl: server.url,
      outDir: freshDir(),
      signal: controller.signal,
      keepMessages: true,
    });
    void pending.finally(() => (settled = true));
    while (server.published < 1147) await new Promise((resolve) => setTimeout(resolve, 20)); // the whole recording: 1147 trades, then silence
    await new Promise((resolve) => setTimeout(resolve, 5000));
    assert.equal(settled, false, "5 s of silence did not end the capture");
    controller.abort();
    const result = await pending;
    assert.equal(result.ended, "stopped");
    const stored = server.sentTotal;
    assert.equal(result.missing, `btcusdt@trade has ${stored} of 5000 messages`);
    assert.equal(result.sample.count, stored);
    const stalls = result.sample.events.filter((e) => e.kind === "stall").map((e) => e.detail ?? "");
    assert.ok(
      stalls.some((d) => /sent no data/.test(d)),
      "the silence was noticed as a stall",
    );
    assert.ok(
      stalls.some((d) => /only quiet/.test(d)),
      "a replacement as silent as the live connection is a quiet feed, not a failure",
    );
    assert.match(
      result.sample.events[result.sample.events.length - 1].detail ?? "",
      new RegExp(`Missing: btcusdt@trade has ${stored} of 5000 messages\\.`),
    );
  } finally {
    await server.close();
  }
});

test("a capture that cannot get its connection back gives up after --max-reconnects failed attempts: exit 1, what is missing, the sample saved", async () => {
  const server = await startFaultServer({ files: [HFT], speed: 4, streams: ["btcusdt@trade"] });
  try {
    server.after(60, { kind: "drop" });
    void server.whenSent(60).then(() => server.refuseHandshakes({ status: 503, count: 1000 }));
    const started = Date.now();
    const result = await runCapture([
      "btcusdt@trade",
      "--count",
      "200",
      "--url",
      server.url,
      "--out",
      freshDir(),
      "--name",
      "lost",
      "--max-reconnects",
      "3",
    ]);
    assert.equal(result.exit, 1);
    assert.match(
      result.stderr,
      /Gave up on the \/public connection after 3 failed attempts in a row \(last: Cannot connect to .*HTTP 503.*\) — btcusdt@trade has 60 of 200 messages\. \[CONNECTION_LOST\]/,
    );
    const saved = /saved in (\S+)/.exec(result.stderr)?.[1] ?? "";
    const sample = loadSample(saved);
    assert.equal(sample.count, 60);
    assert.equal(sample.complete, false);
    assert.ok(Date.now() - started < 20_000, "the attempts are bounded");
    assert.ok(server.refused >= 3);
  } finally {
    await server.close();
  }
});

test("no network: the very first connection fails at once (refused), so callers can fall back", async () => {
  const started = Date.now();
  await assert.rejects(
    capture({ streams: ["btcusdt@trade"], count: 1, wsBaseUrl: "ws://127.0.0.1:9", outDir: freshDir() }),
    (error: ConnectionError) => {
      assert.equal(error.code, "CONNECT_FAILED");
      return true;
    },
  );
  assert.ok(Date.now() - started < 1500, `failed in ${Date.now() - started} ms`);
});

test("a --duration beyond 596 hours (over setTimeout's limit) does not end the capture at once", async () => {
  const server = await startFaultServer({ files: [HFT], speed: 4, streams: ["btcusdt@trade"] });
  try {
    const result = await runCapture([
      "btcusdt@trade",
      "--count",
      "30",
      "--duration",
      "700h",
      "--url",
      server.url,
      "--out",
      freshDir(),
      "--name",
      "long",
    ]);
    assert.equal(result.exit, 0, result.stderr);
    assert.equal(result.sample.count, 30, "ended by its count, not by an overflowed timer");
  } finally {
    await server.close();
  }
  let fired = false;
  const timer = startLongTimer(() => (fired = true), MAX_TIMER_DELAY_MS + 10_000);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(fired, false);
  timer.cancel();
  const soon = await new Promise<number>((resolve) => {
    const at = Date.now();
    startLongTimer(() => resolve(Date.now() - at), 30);
  });
  assert.ok(soon >= 25, "short delays fire on time");
});

test("options that would break a long capture are refused before anything is opened", async () => {
  const outDir = freshDir();
  for (const [options, pattern] of [
    [{ durationMs: Infinity }, /Invalid durationMs null: expected a positive number/],
    [{ count: 1, subscribeMessagesPerSecond: 10 }, /less than Binance's limit of 10/],
    [{ count: 1, rotate: {} }, /Invalid rotate \{\}/],
    [{ count: 1, rotate: { maxBytes: 1000 }, keepMessages: true }, /cannot be combined with rotate/],
    [{ count: 1, handoverAfterMs: -1 }, /Invalid handoverAfterMs -1/],
  ] as const) {
    assert.throws(() => capture({ streams: ["btcusdt@trade"], wsBaseUrl: "ws://127.0.0.1:9", outDir, ...options }), pattern);
  }
  assert.deepEqual(fs.readdirSync(outDir), []);
});
