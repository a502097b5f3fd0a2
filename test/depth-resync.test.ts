/**
 * The capture's depth resync (lib/capture/depth-resync.ts): the id scan, the first snapshot after
 * 2 events, a fresh one after a `pu` break, backoff on 429/418/timeouts and on answers older than
 * the gap, giving up, and stopping; then a capture whose resync is answered 429 first.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as http from "http";
import * as path from "path";
import { ConnectionError } from "../lib/errors";
import type { RawDepthSnapshot } from "../lib/binance/raw";
import { DepthResync, depthIdsOf, scanDepthIds, type ResyncSnapshot } from "../lib/capture/depth-resync";
import { capture } from "../lib/capture/session";
import { startReplayServer } from "../lib/replay/server";
import { loadSample } from "../lib/store/read";
import { BUNDLED, makeTempDir } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const DEPTH = "btcusdt@depth@0ms";
const recording = loadSample(HFT);
const frames = recording.messages.filter((m) => m.stream === DEPTH).map((m) => JSON.stringify({ stream: m.stream, data: m.data }));
const ids = recording.messages.filter((m) => m.stream === DEPTH).map((m) => m.data as { U: number; u: number; pu: number });

/** A snapshot answer with this lastUpdateId. */
function answer(lastUpdateId: number): RawDepthSnapshot {
  return { lastUpdateId, E: 1, T: 1, bids: [["1.0", "1"]], asks: [["2.0", "1"]] };
}

/** A DepthResync over a scripted fetch: each call takes the next step (an answer or an error). */
function harness(steps: Array<RawDepthSnapshot | Error | Promise<RawDepthSnapshot>>, options: { maxAttempts?: number } = {}) {
  const stored: ResyncSnapshot[] = [];
  const events: Array<{ kind: string; detail: string }> = [];
  const calls: string[] = [];
  const resync = new DepthResync({
    restBaseUrl: "http://127.0.0.1:1",
    limit: 1000,
    store: (snapshot) => stored.push(snapshot),
    report: (kind, fields) => events.push({ kind, detail: fields.detail }),
    fetchSnapshot: async (_url, symbol) => {
      calls.push(symbol);
      const step = steps.shift();
      if (step === undefined) throw new Error("no more scripted answers");
      if (step instanceof Error) throw step;
      return step;
    },
    retryBaseMs: 5,
    maxAttempts: options.maxAttempts,
  });
  return { resync, stored, events, calls };
}

async function settle(resync: DepthResync, ms = 40): Promise<void> {
  await resync.idle();
  await new Promise((resolve) => setTimeout(resolve, ms));
  await resync.idle();
}

test("the id scan reads U, u and pu of every real depth frame exactly as JSON.parse does", () => {
  for (let i = 0; i < frames.length; i++) {
    const expected = { firstUpdateId: ids[i].U, finalUpdateId: ids[i].u, previousFinalUpdateId: ids[i].pu };
    assert.deepEqual(scanDepthIds(frames[i]), expected);
    assert.deepEqual(depthIdsOf(JSON.parse(frames[i]).data), expected);
  }
  assert.equal(depthIdsOf({ e: "depthUpdate", U: 1, u: 2 }), null);
  assert.deepEqual(scanDepthIds('{"e":"depthUpdate","U": 5,"u":9,"pu":4}'), {
    firstUpdateId: 5,
    finalUpdateId: 9,
    previousFinalUpdateId: 4,
  });
  assert.equal(scanDepthIds('{"stream":"btcusdt@trade","data":{"e":"trade","t":1}}'), null);
  assert.equal(scanDepthIds('{"U":"x","u":1,"pu":0}'), null);
});

test("the first snapshot is fetched once 2 events are buffered; a repeat is no gap; limit false fetches nothing", async () => {
  const { resync, stored, events, calls } = harness([answer(ids[0].u)]);
  resync.onFrame(DEPTH, scanDepthIds(frames[0]), 1);
  assert.deepEqual(calls, []);
  resync.onFrame(DEPTH, scanDepthIds(frames[1]), 2);
  resync.onFrame(DEPTH, scanDepthIds(frames[1]), 3); // the same event again
  await settle(resync);
  assert.deepEqual(calls, ["BTCUSDT"]);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].limit, 1000);
  assert.deepEqual(events, [], "the first snapshot is no event");
  resync.close();

  const off = new DepthResync({
    restBaseUrl: "x",
    limit: false,
    store: () => assert.fail("stored"),
    report: () => assert.fail("reported"),
  });
  for (const frame of frames.slice(0, 5)) off.onFrame(DEPTH, scanDepthIds(frame), 0);
  await off.idle();
});

test("a pu break: a depth-gap event, a fresh snapshot after 2 more events, stored with a resync event", async () => {
  const { resync, stored, events, calls } = harness([answer(ids[0].u), answer(ids[12].u)]);
  for (let i = 0; i < 10; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  await settle(resync);
  resync.onFrame(DEPTH, scanDepthIds(frames[11]), 11); // frame 10 lost
  assert.deepEqual(
    events.map((e) => e.kind),
    ["depth-gap"],
  );
  assert.match(events[0].detail, new RegExp(`pu ${ids[11].pu} is not the previous u ${ids[9].u}`));
  await settle(resync);
  assert.equal(calls.length, 1, "waits for a second event after the gap");
  resync.onFrame(DEPTH, scanDepthIds(frames[12]), 12);
  await settle(resync);
  assert.equal(calls.length, 2);
  assert.equal(stored.length, 2);
  assert.equal(stored[1].response.lastUpdateId, ids[12].u);
  assert.deepEqual(
    events.map((e) => e.kind),
    ["depth-gap", "resync"],
  );
  resync.close();
});

test("429 and 418 wait for their Retry-After, timeouts and errors back off exponentially, too-old answers are fetched again", async () => {
  const rateLimited = new ConnectionError(
    "RATE_LIMITED",
    "http://x answered HTTP 429 (too many requests); retry after 0.02 s: back off.",
    "http://x",
  );
  const banned = new ConnectionError("RATE_LIMITED", "http://x answered HTTP 418 (IP banned); retry after 0.03 s: back off.", "http://x");
  const timeout = new ConnectionError("CONNECT_FAILED", "Cannot fetch http://x: The operation was aborted due to timeout.", "http://x");
  const { resync, stored, events, calls } = harness([answer(ids[0].u), rateLimited, banned, timeout, answer(ids[3].u), answer(ids[21].u)]);
  for (let i = 0; i < 5; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  await settle(resync);
  for (let i = 20; i < 23; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i); // 5..19 lost
  for (let i = 0; i < 20 && stored.length < 2; i++) await settle(resync, 25);
  assert.equal(calls.length, 6);
  assert.equal(stored.length, 2);
  assert.equal(stored[1].response.lastUpdateId, ids[21].u);
  const retries = events.filter((e) => e.kind === "resync-retry").map((e) => e.detail);
  assert.equal(retries.length, 4);
  assert.match(retries[0], /HTTP 429.*attempt 2 in 20 ms/);
  assert.match(retries[1], /HTTP 418.*attempt 3 in 30 ms/);
  assert.match(retries[2], /failed: .*timeout\.; attempt 4 in 20 ms/, "exponential: 5 × 2^2");
  assert.match(
    retries[3],
    new RegExp(`came back with lastUpdateId ${ids[3].u}, older than the gap \\(pu ${ids[19].u}\\); attempt 5 in 40 ms`),
  );
  assert.deepEqual(
    events.map((e) => e.kind),
    ["depth-gap", "resync-retry", "resync-retry", "resync-retry", "resync-retry", "resync"],
  );
  resync.close();
});

test("after maxAttempts it reports an error and waits for the next gap; idle() waits for scheduled retries, close() cancels them", async () => {
  const failure = new ConnectionError("HTTP_ERROR", "http://x answered HTTP 503: maintenance.", "http://x");
  const { resync, stored, events, calls } = harness([answer(ids[0].u), failure, failure, answer(ids[31].u)], { maxAttempts: 2 });
  for (let i = 0; i < 3; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  await settle(resync);
  for (let i = 10; i < 12; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  await settle(resync, 60);
  assert.equal(calls.length, 3);
  assert.deepEqual(
    events.map((e) => e.kind),
    ["depth-gap", "resync-retry", "error"],
  );
  assert.match(
    events[2].detail,
    /2 attempts did not give a usable one \(the last failed: .*HTTP 503.*\); giving up until the next gap: the book stays broken from pu/,
  );
  for (let i = 12; i < 20; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  await settle(resync);
  assert.equal(calls.length, 3, "no new gap, no new attempt");
  for (let i = 30; i < 33; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  await settle(resync);
  assert.equal(stored.length, 2, "the next gap tries again");

  const slow = harness([answer(ids[0].u), new ConnectionError("RATE_LIMITED", "x; retry after 5 s: back off.", "x")]);
  for (let i = 0; i < 3; i++) slow.resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  await settle(slow.resync);
  for (let i = 10; i < 12; i++) slow.resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  await new Promise((resolve) => setTimeout(resolve, 40)); // the 429 is in: a retry in 5 s is scheduled
  const started = Date.now();
  slow.resync.close(); // cancels it, and idle() no longer waits for it
  await slow.resync.idle();
  assert.ok(Date.now() - started < 1000);
  assert.equal(slow.calls.length, 2);
});

test("a gap while the first snapshot is on its way: the first is kept for the events before the gap, and a fresh one is fetched", async () => {
  let answerFirst: (snapshot: RawDepthSnapshot) => void = () => undefined;
  const first = new Promise<RawDepthSnapshot>((resolve) => (answerFirst = resolve));
  const { resync, stored, events, calls } = harness([first, answer(ids[40].u)]);
  for (let i = 0; i < 10; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i);
  for (let i = 30; i < 33; i++) resync.onFrame(DEPTH, scanDepthIds(frames[i]), i); // 10..29 lost while the first request is out
  answerFirst(answer(ids[1].u)); // older than the gap
  await settle(resync);
  assert.deepEqual(
    stored.map((s) => s.response.lastUpdateId),
    [ids[1].u, ids[40].u],
  );
  assert.deepEqual(
    events.map((e) => e.kind),
    ["depth-gap", "resync"],
  );
  assert.equal(calls.length, 2);
  resync.close();
});

test(
  "a capture whose resync is answered 429 first backs off, reports it, and still stores the resync snapshot",
  { timeout: 60_000 },
  async () => {
    // the lost diff comes late enough for the first snapshot to be in, whatever the machine's load
    const server = await startReplayServer({ files: [HFT], speed: 4, inject: { dropFrames: { [DEPTH]: [300] } } });
    let depthRequests = 0;
    const requestTimes: number[] = [];
    const proxy = http.createServer((req, res) => {
      depthRequests++;
      requestTimes.push(Date.now());
      if (depthRequests === 2) {
        res.writeHead(429, { "Retry-After": "1", "Content-Type": "application/json" });
        return void res.end('{"code":-1003,"msg":"Too many requests."}');
      }
      http.get(`${server.restUrl}${req.url}`, (upstream) => {
        res.writeHead(upstream.statusCode ?? 500, upstream.headers);
        upstream.pipe(res);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const restBaseUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const { sample } = await capture({
        streams: [DEPTH],
        count: 1200,
        wsBaseUrl: server.url,
        restBaseUrl,
        outDir: makeTempDir(),
        name: "rate-limited",
        keepMessages: true,
      });
      const t0 = sample.events[0].localTimestamp;
      const story = JSON.stringify({
        events: sample.events.map((e) => [Math.round(e.localTimestamp - t0), e.kind, e.detail]),
        requests: requestTimes.map((t) => Math.round(t - t0)),
        snapshots: sample.snapshots.map((x) => [Math.round((x.localTimestamp ?? 0) - t0), x.messageIndex, x.response.lastUpdateId]),
      });
      assert.equal(depthRequests, 3, story);
      assert.deepEqual(
        sample.events.filter((e) => e.kind !== "open" && e.kind !== "stopped").map((e) => e.kind),
        ["depth-gap", "resync-retry", "resync"],
        story,
      );
      assert.match(sample.events.find((e) => e.kind === "resync-retry")?.detail ?? "", /HTTP 429.*retry after 1 s.*attempt 2 in 1000 ms/);
      assert.equal(sample.snapshots.length, 2, story);
      assert.ok(sample.snapshots[1].response.lastUpdateId >= ids[300].u, story);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
      await server.close();
    }
  },
);
