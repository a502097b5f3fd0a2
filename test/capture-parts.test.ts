/**
 * The capture's parts on their own: backoff and retry rules, expected stream rates, the
 * watchdog's verdicts, frame classification and keys, continuity across connections
 * (duplicates, losses), and the status line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Backoff, isRetryableStatus, parseRetryAfter, shouldRetryConnect } from "../lib/capture/backoff";
import { StreamContinuity } from "../lib/capture/continuity";
import { classifyFrame, frameKeyOf } from "../lib/capture/frames";
import { formatBytes, formatCaptureStatus } from "../lib/capture/progress";
import { ConnectionWatchdog, StreamRate, type WatchdogSettings } from "../lib/capture/watchdog";
import { parseStreamName } from "../lib/binance/endpoints";
import { STREAM_FAMILIES } from "../lib/binance/routes";
import { STREAM_RATES, expectedRateOf } from "../lib/binance/stream-rates";
import { ConnectionError } from "../lib/errors";

const SETTINGS: WatchdogSettings = { stallTimeoutMs: 2000, maxStallTimeoutMs: 120_000, pingIntervalMs: 1000, pongTimeoutMs: 3000 };

test("backoff: exponential with jitter in [0.5, 1), capped, never sooner than Retry-After, reset by a success", () => {
  const fixed = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map(() => Math.round(fixed.fail())),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(fixed.attempts, 6);
  fixed.succeed();
  assert.equal(Math.round(fixed.fail()), 100);
  const low = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0 });
  assert.equal(low.fail(), 50, "jitter halves at most");
  assert.equal(low.fail(5000), 5000, "Retry-After wins when longer");
  const spread = new Set(Array.from({ length: 20 }, () => new Backoff({ baseMs: 1000, maxMs: 1000 }).fail()));
  assert.ok(spread.size > 10, "jittered delays differ");
});

test("retry rules: 429, 418 and 5xx handshakes are retried; network failures only once a connection has worked; bad URLs and 404 never", () => {
  assert.deepEqual([429, 418, 500, 503, 599, 400, 403, 404].map(isRetryableStatus), [true, true, true, true, true, false, false, false]);
  const http = (status: number) => Object.assign(new ConnectionError("CONNECT_FAILED", "x", "ws://x"), { httpStatus: status });
  assert.equal(shouldRetryConnect(http(503), false), true, "maintenance at the very first connection: back off");
  assert.equal(shouldRetryConnect(http(404), true), false);
  const refused = new ConnectionError("CONNECT_FAILED", "refused", "ws://x");
  assert.equal(shouldRetryConnect(refused, false), false, "offline at the first connection: fail fast");
  assert.equal(shouldRetryConnect(refused, true), true);
  assert.equal(shouldRetryConnect(new ConnectionError("INVALID_URL", "x", "ws://x"), true), false);
  assert.equal(parseRetryAfter("2"), 2000);
  assert.equal(parseRetryAfter(["1.5"]), 1500);
  assert.equal(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString(), Date.now()) !== null, true);
  assert.equal(parseRetryAfter(undefined), null);
  assert.equal(parseRetryAfter("soon"), null);
});

test("expected rates: a quiet forceOrder or contract stream is normal; book streams are busy; fixed-rate streams push on a clock", () => {
  const rate = (name: string) => {
    const parsed = parseStreamName(name);
    return expectedRateOf(parsed.family, parsed.suffix);
  };
  assert.deepEqual(rate("btcusdt@depth@0ms"), { pattern: "activity", intervalMs: null, busyIntervalMs: 50 });
  assert.deepEqual(rate("btcusdt@depth@100ms"), { pattern: "activity", intervalMs: 100, busyIntervalMs: 100 });
  assert.equal(rate("btcusdt@bookTicker").busyIntervalMs, 20);
  assert.deepEqual(rate("btcusdt@markPrice@1s"), { pattern: "fixed", intervalMs: 1000, busyIntervalMs: null });
  assert.deepEqual(rate("btcusdt@markPrice"), { pattern: "fixed", intervalMs: 3000, busyIntervalMs: null });
  assert.equal(expectedRateOf({ type: "forceOrder", intervalMs: null, mayBeSilent: true }).pattern, "sparse");
  assert.equal(expectedRateOf({ type: "contractInfo", intervalMs: null, mayBeSilent: true }).pattern, "sparse");
  assert.deepEqual(
    expectedRateOf({ type: "someNewFamily", intervalMs: 500, mayBeSilent: false }),
    { pattern: "activity", intervalMs: 500, busyIntervalMs: 500 },
    "a family without a row",
  );
  assert.equal(expectedRateOf({ type: "someNewFamily", intervalMs: null, mayBeSilent: true }).pattern, "sparse");
  for (const family of STREAM_FAMILIES) assert.ok(STREAM_RATES[family.type], `every captured family has a rate row: ${family.type}`);
});

test("watchdog: busy streams stall after seconds, quiet and sparse ones allow more; pongs tell a stall from a half-open socket", () => {
  const busy = new StreamRate(expectedRateOf(parseStreamName("btcusdt@depth@0ms").family, "@0ms"));
  assert.equal(
    busy.silenceAllowedMs(SETTINGS),
    Infinity,
    "a stream never heard from has no rate yet (its silence is the wrong-route check's)",
  );
  for (let t = 0; t <= 2500; t += 25) busy.observe(t, SETTINGS);
  assert.equal(busy.silenceAllowedMs(SETTINGS), 2000, "40 messages a second: the 2 s floor");
  const quiet = new StreamRate(expectedRateOf(parseStreamName("ksmusdt@aggTrade").family));
  for (let t = 0; t <= 100_000; t += 4000) quiet.observe(t, SETTINGS);
  assert.equal(quiet.silenceAllowedMs(SETTINGS), 80_000, "one trade every 4 s: 20 intervals");
  const fixed = new StreamRate(expectedRateOf(parseStreamName("btcusdt@markPrice@1s").family, "@1s"));
  fixed.observe(0, SETTINGS);
  assert.equal(fixed.silenceAllowedMs(SETTINGS), 3500);
  const sparse = new StreamRate(expectedRateOf({ type: "forceOrder", intervalMs: null, mayBeSilent: true }));
  sparse.observe(0, SETTINGS);
  assert.equal(sparse.silenceAllowedMs(SETTINGS), Infinity);

  const watchdog = new ConnectionWatchdog(SETTINGS, 10_000);
  watchdog.frame(10_500);
  assert.equal(watchdog.check(12_000, [busy]).kind, "alive");
  assert.equal(watchdog.check(13_000, [sparse]).kind, "alive", "only sparse streams: silence is fine");
  assert.equal(watchdog.check(13_000, [busy], 2).kind, "alive", "slack after a false alarm");
  assert.equal(watchdog.pingDue(11_000), true);
  watchdog.pinged(11_000);
  watchdog.pong(11_002);
  assert.deepEqual(watchdog.check(13_000, [busy, sparse]), { kind: "stalled", silentMs: 2500, allowedMs: 2000, pongs: "answered" });
  watchdog.pinged(12_000);
  assert.deepEqual(watchdog.check(15_500, [sparse]), { kind: "half-open", unansweredPingMs: 3500 });
});

test("frames: exactly the combined layout is a message; cut-off, data-less, binary and foreign frames are malformed", () => {
  const good = '{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"t":5}}';
  assert.deepEqual(classifyFrame(good, false), {
    kind: "message",
    stream: "btcusdt@trade",
    data: { e: "trade", E: 1, t: 5 },
    dataStart: good.indexOf('{"e"'),
  });
  for (const [text, pattern] of [
    ['{"stream":"btcusdt@trade","data":{"e":"tra', /^Not JSON \(a message cut off or corrupted\)/],
    ['{"stream":"btcusdt@trade"}', /without the combined layout/],
    ['{"stream":"btcusdt@trade","data":5}', /without the combined layout/],
    ['{"stream":"btcusdt@trade","data":{},"extra":1}', /without the combined layout/],
    ['{"data":{},"stream":"btcusdt@trade"}', /without the combined layout/],
    ["[1,2]", /^Not a combined-stream message/],
  ] as const) {
    const frame = classifyFrame(text, false);
    assert.equal(frame.kind, "malformed", text);
    assert.match((frame as { detail: string }).detail, pattern);
  }
  assert.equal(classifyFrame(good, true).kind, "malformed", "binary");
  assert.equal(classifyFrame('{"result":null,"id":3}', false).kind, "reply");
  assert.deepEqual(classifyFrame('{"error":{"code":2,"msg":"Invalid request"},"id":null}', false), {
    kind: "server-error",
    code: 2,
    msg: "Invalid request",
    id: null,
  });
});

test("continuity: copies after a switch are dropped by id (or by E and payload); a loss is measured with the ids on both sides", () => {
  const key = (t: number) => frameKeyOf({ e: "trade", E: 1000 + t, t }, `{"t":${t}}`, "tradeId");
  const trades = new StreamContinuity("btcusdt@trade");
  for (const t of [1, 2, 3, 4]) trades.stored(key(t), t, true);
  trades.offeredByCandidate(key(3));
  assert.equal(trades.overlapProven, true, "the replacement delivered a message already stored");
  trades.switched();
  assert.deepEqual(
    [3, 4, 5, 6].map((t) => trades.isDuplicate(key(t))),
    [true, true, false, false],
    "copies until the first new one",
  );
  assert.equal(trades.stored(key(5), 5, false), null, "overlap proven: nothing lost");
  trades.connectionLost();
  assert.deepEqual(trades.stored(key(9), 9, false), {
    field: "t",
    lastBefore: 5,
    firstAfter: 9,
    missing: 3,
    lastBeforeAt: 5,
    firstAfterAt: 9,
  });
  trades.connectionLost();
  assert.equal(trades.stored(key(10), 10, false), null, "a reconnect that lost nothing records nothing");

  const mark = new StreamContinuity("btcusdt@markPrice@1s");
  const markKey = (E: number) => frameKeyOf({ e: "markPriceUpdate", E }, `{"E":${E}}`, null);
  mark.stored(markKey(1000), 1, false);
  mark.connectionLost();
  assert.equal(mark.stored(markKey(2001), 2, false), null, "one push later: nothing lost");
  mark.connectionLost();
  assert.deepEqual(mark.stored(markKey(6000), 3, false), {
    field: "E",
    lastBefore: 2001,
    firstAfter: 6000,
    missing: 3,
    lastBeforeAt: 2,
    firstAfterAt: 3,
  });
  mark.startReplacement();
  mark.stored(markKey(7000), 4, true);
  mark.offeredByCandidate(markKey(7000));
  mark.switched();
  assert.equal(mark.isDuplicate(markKey(7000)), true, "no ids: the same E and payload is a copy");
  assert.equal(mark.isDuplicate(markKey(8000)), false);

  // bookTicker ids cannot count a loss: unproven overlap means "possibly lost", unless the stream
  // was silent on both connections while the new one was subscribed and the old one alive
  const book = new StreamContinuity("btcusdt@bookTicker");
  const bookKey = (u: number) => frameKeyOf({ e: "bookTicker", u, E: u }, `{"u":${u}}`, null);
  book.stored(bookKey(100), 1, false);
  book.startReplacement();
  book.switched();
  assert.equal(book.stored(bookKey(250), 2, false)?.missing, null, "overlap not proven: possibly lost, count unknown");
  book.startReplacement();
  book.switched(true);
  assert.equal(book.stored(bookKey(400), 3, false), null, "silent throughout the overlap: nothing lost");
});

test("the status line: counts against the target, rate, connections, replacements, gaps and size", () => {
  const line = formatCaptureStatus({
    counts: { "btcusdt@trade": 1234, "btcusdt@depth@0ms": 5000 },
    total: 6234,
    target: 5000,
    elapsedMs: 12_345,
    ratePerSecond: 350.4,
    doneStreams: ["btcusdt@depth@0ms"],
    connections: 1,
    reconnects: 2,
    stalls: 1,
    handovers: 3,
    gaps: 1,
    malformedFrames: 0,
    journalFile: "x",
    fileBytes: 1_300_000,
    totalBytes: 1_300_000,
    files: [],
    final: false,
  });
  assert.equal(
    line,
    "capturing 12.3 s: 6234 messages (btcusdt@trade 1234/5000, btcusdt@depth@0ms 5000/5000) · 350 msg/s · 1 connection · reconnects 2 · stalls 1 · handovers 3 · gaps 1 · 1.2 MB",
  );
  assert.deepEqual([formatBytes(10), formatBytes(2048), formatBytes(5 * 1024 ** 3)], ["10 B", "2.0 KB", "5.0 GB"]);
});
