/**
 * Every fault of issue 12, on a real recording played live by the fault server, into
 * `streamlab capture` (in this process): every message sent is stored exactly once, the capture
 * goes on to its count and exits 0, and a gap is recorded exactly where messages were lost.
 * The watchdog runs with its defaults, so "noticed within 5 s" is measured as users get it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import * as fs from "fs";
import { BUNDLED, makeTempDir } from "./helpers";
import { startFaultServer, type Fault, type FaultServer } from "./fault-server";
import { assertGapsExactlyWhereLost, assertStoredExactlyOnce, runCapture, storedFrames } from "./fault-server-oracle";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
/** Two busy streams on one /public connection: trades (ids `t`) and the real-time book diffs (chain `pu`). */
const STREAMS = ["btcusdt@trade", "btcusdt@depth@0ms"];
const COUNT = 200;
/** 4× the recorded pace: about 250 frames a second. */
const SPEED = 4;
const TEMP = makeTempDir();

async function withFaultServer<T>(run: (server: FaultServer) => Promise<T>, options: { speed?: number } = {}): Promise<T> {
  const server = await startFaultServer({ files: [HFT], speed: options.speed ?? SPEED, streams: STREAMS });
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

/** Captures through a fault applied after `afterFrames` frames; checks the oracle and returns what happened. */
async function captureThrough(fault: Fault | null, afterFrames = 120, setup?: (server: FaultServer) => void) {
  return withFaultServer(async (server) => {
    if (fault) server.after(afterFrames, fault);
    setup?.(server);
    const outDir = fs.mkdtempSync(path.join(TEMP, "faults-"));
    const started = Date.now();
    const result = await runCapture([...STREAMS, "--count", String(COUNT), "--url", server.url, "--out", outDir, "--name", "faulty"]);
    assert.equal(result.exit, 0, result.stderr);
    assert.equal(result.sample.complete, true);
    assertStoredExactlyOnce(server, result.file, STREAMS, COUNT);
    const trade = assertGapsExactlyWhereLost(server, result.sample, result.file, "btcusdt@trade");
    const depth = assertGapsExactlyWhereLost(server, result.sample, result.file, "btcusdt@depth@0ms");
    return { ...result, server, trade, depth, seconds: (Date.now() - started) / 1000, connections: server.connections.length };
  });
}

/** From the last frame the faulted connection delivered to the replacement's handshake, in ms (server clock). */
function noticeTime(server: FaultServer): number {
  const [first, second] = server.connections;
  return second.openedAt - first.sentAt[first.sentAt.length - 1];
}

test("no fault: one connection, nothing lost, no gap", async () => {
  const { connections, trade, sample } = await captureThrough(null);
  assert.equal(connections, 1);
  assert.deepEqual(trade, { losses: 0, damaged: 0, switches: 0 });
  assert.equal(sample.gaps.length, 0);
  assert.equal(sample.events.filter((e) => e.kind === "gap").length, 0);
});

test("stall (data stops, pongs go on): noticed within 5 s, the socket replaced, the loss recorded as a gap with the ids on both sides", async (t) => {
  const { server, trade, depth, sample, file } = await captureThrough({ kind: "stall" });
  const noticeMs = noticeTime(server);
  t.diagnostic(`stall: replacement handshake ${Math.round(noticeMs)} ms after the last frame`);
  assert.ok(noticeMs < 5000, `replaced ${noticeMs} ms after the last frame`);
  assert.equal(trade.losses, 1, "the stall lost trades");
  assert.equal(depth.losses, 1, "and book diffs");
  const stall = sample.events.find((e) => e.kind === "stall");
  assert.match(stall?.detail ?? "", /sent no data for \d+ ms .* while it still answers pings \(a stall\)/);
  const lastBefore = storedFrames(file)
    .filter((f) => f.localTimestamp < (stall?.localTimestamp ?? 0))
    .pop();
  assert.ok(
    (stall?.localTimestamp ?? Infinity) - (lastBefore?.localTimestamp ?? 0) < 5000,
    "noticed by the capture within 5 s of the last message",
  );
});

test("half-open socket (no data, no pongs, no close): noticed within 5 s, replaced, loss recorded", async (t) => {
  const { server, trade, sample } = await captureThrough({ kind: "half-open" });
  t.diagnostic(`half-open: replacement handshake ${Math.round(noticeTime(server))} ms after the last frame`);
  assert.ok(noticeTime(server) < 5000, `replaced ${noticeTime(server)} ms after the last frame`);
  assert.equal(trade.losses, 1);
  assert.match(
    sample.events.find((e) => e.kind === "stall")?.detail ?? "",
    /answers no pings \(half-open\)|answered no ping for \d+ ms \(half-open\)/,
  );
});

test("dropped TCP connection: reconnected, and a gap only if the ids show a loss", async () => {
  const { trade, depth, sample, connections } = await captureThrough({ kind: "drop" });
  assert.equal(connections, 2);
  assert.equal(trade.switches, 1);
  assert.ok(sample.events.some((e) => e.kind === "close" && /code 1006/.test(e.detail ?? "")));
  assert.ok(trade.losses + depth.losses <= 2);
});

for (const code of [1008, 1001]) {
  test(`close with code ${code}: reconnected, loss recorded where the ids jump`, async () => {
    const { sample, trade, connections } = await captureThrough({
      kind: "close",
      code,
      reason: code === 1008 ? "Too many requests" : "Going away",
    });
    assert.equal(connections, 2);
    assert.equal(trade.switches, 1);
    assert.ok(sample.events.some((e) => e.kind === "close" && e.detail?.includes(`code ${code}`)));
  });
}

test("malformed, binary, invalid UTF-8 and error-reply frames are recorded as events with their excerpt, never stored; nothing lost", async () => {
  const { sample, trade, depth, connections } = await captureThrough(null, 0, (server) => {
    server.after(50, { kind: "send", text: '{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"t":' });
    server.after(60, { kind: "send", text: "garbage{" });
    server.after(70, { kind: "send", binary: Buffer.from('{"stream":"btcusdt@trade","data":{}}') });
    server.after(80, { kind: "send", text: '{"stream":"btcusdt@trade","nodata":1}' });
    const invalidUtf8 = [Buffer.from('{"stream":"btcusdt@trade","data":{"e":"trade","s":"'), Buffer.of(0xc3, 0x28), Buffer.from('"}}')];
    server.after(85, { kind: "send", textBytes: Buffer.concat(invalidUtf8) });
    server.after(90, { kind: "error-reply", code: 3, msg: "Invalid JSON: expected value at line 1 column 1" });
  });
  assert.equal(connections, 1);
  assert.deepEqual([trade.losses, depth.losses], [0, 0]);
  const malformed = sample.events.filter((e) => e.kind === "malformed-frame").map((e) => e.detail ?? "");
  assert.ok(
    malformed.some((d) => /cut off or corrupted.*"t":/.test(d)),
    malformed.join("\n"),
  );
  assert.ok(malformed.some((d) => d.includes("garbage{")));
  assert.ok(malformed.some((d) => /^Binary frame/.test(d)));
  assert.ok(malformed.some((d) => /without the combined layout.*nodata/.test(d)));
  assert.ok(
    malformed.some((d) => /^Not valid UTF-8/.test(d)),
    "a text frame of invalid UTF-8 is reported, and the connection kept",
  );
  assert.ok(sample.events.some((e) => e.kind === "server-error" && /Invalid JSON/.test(e.detail ?? "")));
});

test("a damaged frame (cut in half, or without data) is an event, its message a gap; the journal stays finishable", async () => {
  const { sample, trade, depth } = await captureThrough(null, 0, (server) => {
    server.after(40, { kind: "corrupt", how: "truncate" });
    server.after(100, { kind: "corrupt", how: "no-data" });
  });
  assert.equal(sample.events.filter((e) => e.kind === "malformed-frame").length, 2);
  assert.equal(trade.damaged + depth.damaged, 2, "each damaged message is a sequence gap where it should have been");
  assert.equal(trade.losses + depth.losses, 0, "and no connection was replaced");
});

test("an oversized frame closes the connection (1009); the capture reconnects and goes on", async () => {
  const { sample, connections } = await captureThrough({ kind: "send", oversizedBytes: 17 * 1024 * 1024 });
  assert.equal(connections, 2);
  assert.ok(
    sample.events.some((e) => e.kind === "close" && /code 1009/.test(e.detail ?? "")),
    JSON.stringify(sample.events.map((e) => e.detail)),
  );
});

test("handshakes refused with 503 and Retry-After at the start: the capture backs off and gets everything", async () => {
  const { server, seconds, sample, trade } = await captureThrough(null, 0, (server) =>
    server.refuseHandshakes({ status: 503, retryAfterSeconds: 1, count: 2 }),
  );
  assert.equal(server.refused, 2);
  assert.ok(seconds >= 2, `waited for Retry-After twice (${seconds} s)`);
  assert.equal(trade.losses, 0);
  assert.equal(sample.events.filter((e) => e.kind === "error" && /HTTP 503/.test(e.detail ?? "")).length, 2);
});

test("a drop followed by 503s for a while: retried with backoff until the server is back, the loss recorded once", async () => {
  const { server, trade } = await captureThrough({ kind: "drop" }, 120, (server) => {
    server.after(121, { kind: "send", text: "" });
    void server.whenSent(120).then(() => server.refuseHandshakes({ status: 503, forMs: 1500 }));
  });
  assert.ok(server.refused >= 1, "some handshakes were refused");
  assert.equal(trade.switches, 1);
  assert.equal(trade.losses, 1, "1.5 s of trades were lost");
});
