import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { performance } from "perf_hooks";
import { WebSocket } from "ws";
import { startReplayServer, type ReplayOptions, type ReplayServer } from "../lib/replay/server";
import { InvalidArgumentError, SampleFileError } from "../lib/errors";
import { loadSample } from "../lib/store/read";

const BUNDLED = path.join(__dirname, "..", "data", "bundled");
const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const ALTS_APRIL = path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz");
const ALTS_JULY = path.join(BUNDLED, "alts-2021-07-22-cryptofeed.jsonl.gz");
const SEED_TRADES = path.join(BUNDLED, "btcusdt-trade.json");

// ---------------------------------------------------------------------------------------------
// The oracle: a recording's own line text.

interface RecordedLine {
  readonly stream: string;
  /** Position among the file's message lines. */
  readonly position: number;
  readonly localTimestamp: number;
  /** The raw line minus its localTimestamp field: what a combined connection must send. */
  readonly combined: string;
  /** The raw `data` text: what a bare connection must send. */
  readonly bare: string;
}

const lineCache = new Map<string, RecordedLine[]>();

function readRecordingLines(file: string): RecordedLine[] {
  const cached = lineCache.get(file);
  if (cached) return cached;
  const lines: RecordedLine[] = [];
  for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n")) {
    if (line === "") continue;
    const value = JSON.parse(line) as { localTimestamp: number; stream?: string };
    if (typeof value.stream !== "string") continue; // snapshot lines
    const combined = line.replace(/^\{"localTimestamp":[^,]*,/, "{");
    const prefix = `{"stream":${JSON.stringify(value.stream)},"data":`;
    assert.ok(combined.startsWith(prefix) && combined.endsWith("}"), `unexpected line shape: ${line.slice(0, 80)}`);
    lines.push({ stream: value.stream, position: lines.length, localTimestamp: value.localTimestamp, combined, bare: combined.slice(prefix.length, -1) });
  }
  lineCache.set(file, lines);
  return lines;
}

function linesOf(file: string, streams: readonly string[]): RecordedLine[] {
  return readRecordingLines(file).filter((line) => streams.includes(line.stream));
}

function assertSameFrames(actual: readonly string[], expected: readonly string[], what: string): void {
  const mismatch = expected.findIndex((frame, i) => actual[i] !== frame);
  assert.equal(mismatch, -1, `${what}: frame ${mismatch} differs:\n got ${String(actual[mismatch]).slice(0, 200)}\nwant ${expected[mismatch]?.slice(0, 200)}`);
  assert.equal(actual.length, expected.length, `${what}: frame count`);
}

// ---------------------------------------------------------------------------------------------
// Clients and servers, always cleaned up.

interface Client {
  readonly ws: WebSocket;
  readonly frames: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
}

const openSockets = new Set<WebSocket>();

function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  openSockets.add(ws);
  const frames: string[] = [];
  ws.on("message", (data) => frames.push(data.toString()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => {
      openSockets.delete(ws);
      resolve({ code, reason: reason.toString() });
    });
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, frames, closed }));
    ws.once("error", reject);
  });
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
}

/** `promise`, or a failure naming `what` after `timeoutMs`. */
async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitForFrames(client: Client, count: number, timeoutMs = 10_000): Promise<string[]> {
  await waitUntil(() => client.frames.length >= count, timeoutMs, `${count} frames (have ${client.frames.length})`);
  return client.frames.slice(0, count);
}

function isReply(frame: string): boolean {
  const value = JSON.parse(frame) as Record<string, unknown>;
  return "id" in value && ("result" in value || "error" in value);
}

/** Sends a control request and returns the parsed reply with the same id (or the first reply when id is not a number). */
async function request(client: Client, body: unknown): Promise<Record<string, unknown>> {
  const from = client.frames.length;
  client.ws.send(typeof body === "string" ? body : JSON.stringify(body));
  const id = typeof body === "object" && body !== null ? (body as { id?: unknown }).id : undefined;
  const find = () =>
    client.frames.slice(from).find((frame) => isReply(frame) && (typeof id !== "number" || (JSON.parse(frame) as { id: unknown }).id === id));
  await waitUntil(() => find() !== undefined, 5000, `a reply to ${JSON.stringify(body)}`);
  return JSON.parse(find() as string) as Record<string, unknown>;
}

async function withServer(options: ReplayOptions, run: (server: ReplayServer) => Promise<void>): Promise<void> {
  const server = await startReplayServer(options);
  try {
    await run(server);
  } finally {
    for (const ws of openSockets) ws.terminate();
    openSockets.clear();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------

test("combined connection gets exactly the requested streams, in recorded order, byte-equal to the recording", async () => {
  await withServer({ files: [HFT] }, async (server) => {
    assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.restUrl, server.url.replace("ws://", "http://"));
    assert.deepEqual([...server.streams].sort(), ["btcusdt@bookTicker", "btcusdt@depth@0ms", "btcusdt@markPrice@1s", "btcusdt@trade"]);
    const streams = ["btcusdt@bookTicker", "btcusdt@depth@0ms", "btcusdt@trade"];
    const expected = linesOf(HFT, streams).map((line) => line.combined);
    assert.equal(expected.length, 3714 + 2663 + 1147);
    const client = await connect(`${server.url}/public/stream?streams=${streams.join("/")}`);
    await waitForFrames(client, expected.length);
    await delay(150);
    assertSameFrames(client.frames, expected, "combined /public");
    assert.equal(client.ws.readyState, WebSocket.OPEN, "stays open and silent at the end of the recording");
  });
});

test("streams from several files merge by offset from each file's first message; the first file with a stream wins", async () => {
  const files = [ALTS_APRIL, ALTS_JULY, SEED_TRADES, HFT];
  await withServer({ files }, async (server) => {
    const streams = ["yfiusdt@aggTrade", "sushiusdt@aggTrade", "btcusdt@trade"];
    const rows: { offset: number; fileIndex: number; position: number; frame: string }[] = [];
    [ALTS_APRIL, ALTS_JULY].forEach((file, fileIndex) => {
      const lines = readRecordingLines(file);
      for (const line of lines) {
        if (streams.includes(line.stream)) rows.push({ offset: line.localTimestamp - lines[0].localTimestamp, fileIndex, position: line.position, frame: line.combined });
      }
    });
    const seed = loadSample(SEED_TRADES).messages; // no localTimestamp: event time E
    const firstE = (seed[0].data as { E: number }).E;
    seed.forEach((message, position) => {
      rows.push({ offset: (message.data as { E: number }).E - firstE, fileIndex: 2, position, frame: JSON.stringify({ stream: message.stream, data: message.data }) });
    });
    rows.sort((a, b) => a.offset - b.offset || a.fileIndex - b.fileIndex || a.position - b.position);
    assert.equal(rows.length, 40 + 40 + 20);

    const client = await connect(`${server.url}/market/stream?streams=${streams.join("/")}`);
    await waitForFrames(client, rows.length);
    await delay(100);
    assertSameFrames(client.frames, rows.map((row) => row.frame), "merged files");
    const firstSeedTrade = client.frames.findIndex((frame) => frame.includes('"stream":"btcusdt@trade"'));
    const firstAltTrade = client.frames.findIndex((frame) => !frame.includes('"stream":"btcusdt@trade"'));
    assert.ok(firstSeedTrade < 30 && firstAltTrade < 30, "the files interleave instead of playing one after the other");
  });
});

test("/<route>/ws/<stream> sends bare payloads, and @trade is served on both /public and /market", async () => {
  await withServer({ files: [HFT] }, async (server) => {
    const expected = linesOf(HFT, ["btcusdt@trade"]).map((line) => line.bare);
    for (const route of ["public", "market"]) {
      const bare = await connect(`${server.url}/${route}/ws/btcusdt@trade`);
      await waitForFrames(bare, expected.length);
      assertSameFrames(bare.frames, expected, `bare /${route}`);
      const combined = await connect(`${server.url}/${route}/stream?streams=btcusdt@trade`);
      await waitForFrames(combined, expected.length);
      assert.equal(combined.frames.length, expected.length, `combined @trade on /${route}`);
    }
  });
});

test("SUBSCRIBE is acknowledged before its data; LIST_SUBSCRIPTIONS, SET/GET_PROPERTY combined, UNSUBSCRIBE stops the stream", async () => {
  await withServer({ files: [HFT], speed: 20 }, async (server) => {
    const expected = linesOf(HFT, ["btcusdt@markPrice@1s"]);
    // ccxt style: a connection number where a stream name would go subscribes to nothing.
    const client = await connect(`${server.url}/market/ws/1`);
    await delay(100);
    assert.equal(client.frames.length, 0);

    assert.deepEqual(await request(client, { method: "SUBSCRIBE", params: ["btcusdt@markPrice@1s"], id: 1 }), { result: null, id: 1 });
    assert.equal(client.frames[0], '{"result":null,"id":1}', "the reply comes before any data");
    await waitForFrames(client, 3);
    assert.deepEqual(await request(client, { method: "LIST_SUBSCRIPTIONS", id: 2 }), { result: ["btcusdt@markPrice@1s"], id: 2 });

    assert.deepEqual(await request(client, { method: "SET_PROPERTY", params: ["combined", true], id: 3 }), { result: null, id: 3 });
    const setAt = client.frames.findIndex((frame) => frame === '{"result":null,"id":3}');
    assert.deepEqual(await request(client, { method: "GET_PROPERTY", params: ["combined"], id: 4 }), { result: true, id: 4 });
    await waitUntil(() => client.frames.length > setAt + 3, 5000, "combined frames");

    assert.deepEqual(await request(client, { method: "UNSUBSCRIBE", params: ["btcusdt@markPrice@1s"], id: 5 }), { result: null, id: 5 });
    const unsubscribedAt = client.frames.findIndex((frame) => frame === '{"result":null,"id":5}');
    await delay(300); // 6 recorded seconds at 20×
    assert.equal(client.frames.length, unsubscribedAt + 1, "nothing after the UNSUBSCRIBE reply");
    assert.deepEqual(await request(client, { method: "LIST_SUBSCRIPTIONS", params: [], id: 6 }), { result: [], id: 6 });

    const data = client.frames.map((frame, i) => ({ frame, i })).filter(({ frame }) => !isReply(frame));
    assert.ok(data.length >= 4);
    data.forEach(({ frame, i }, n) => {
      const want = i < setAt ? expected[n].bare : expected[n].combined;
      assert.equal(frame, want, `data frame ${n} (${i < setAt ? "bare" : "combined"})`);
    });
  });
});

test("a stream on the wrong route is acknowledged and silent, as on Binance", async () => {
  await withServer({ files: [HFT] }, async (server) => {
    const wrong = await connect(`${server.url}/market/stream?streams=btcusdt@depth@0ms`);
    const right = await connect(`${server.url}/public/stream?streams=btcusdt@depth@0ms`);
    assert.deepEqual(await request(wrong, { method: "SUBSCRIBE", params: ["btcusdt@bookTicker"], id: 1 }), { result: null, id: 1 });
    assert.deepEqual(await request(wrong, { method: "LIST_SUBSCRIPTIONS", id: 2 }), { result: ["btcusdt@depth@0ms", "btcusdt@bookTicker"], id: 2 });
    await waitForFrames(right, 2663);
    await delay(300);
    assert.equal(wrong.frames.length, 2, "only the two replies");
    assert.equal(right.frames.length, 2663);

    // Families outside the endpoints table follow the local rule: markPrice on /market only.
    const markOnPublic = await connect(`${server.url}/public/ws/btcusdt@markPrice@1s`);
    const markOnMarket = await connect(`${server.url}/market/ws/btcusdt@markPrice@1s`);
    await waitForFrames(markOnMarket, 60);
    await delay(300);
    assert.equal(markOnPublic.frames.length, 0);
  });
});

test("legacy paths are served by default and silent with legacyPaths: \"silent\"", async () => {
  await withServer({ files: [HFT] }, async (server) => {
    const combined = await connect(`${server.url}/stream?streams=btcusdt@trade/btcusdt@markPrice@1s`);
    const bare = await connect(`${server.url}/ws/btcusdt@depth@0ms`);
    await waitForFrames(combined, 1147 + 60);
    await waitForFrames(bare, 2663);
    assert.equal(bare.frames[0], linesOf(HFT, ["btcusdt@depth@0ms"])[0].bare);
  });
  await withServer({ files: [HFT], legacyPaths: "silent" }, async (server) => {
    const legacy = await connect(`${server.url}/ws/btcusdt@trade`);
    assert.deepEqual(await request(legacy, { method: "SUBSCRIBE", params: ["btcusdt@markPrice@1s"], id: 1 }), { result: null, id: 1 });
    const routed = await connect(`${server.url}/public/ws/btcusdt@trade`);
    await waitForFrames(routed, 1147);
    await delay(300);
    assert.deepEqual(legacy.frames, ['{"result":null,"id":1}']);
  });
});

test("bad requests get Binance's error replies and the connection stays open", async () => {
  await withServer({ files: [HFT] }, async (server) => {
    const client = await connect(`${server.url}/public/ws`);
    const badJson = await request(client, "{nope");
    assert.deepEqual(Object.keys(badJson), ["error", "id"]);
    assert.equal(badJson.id, null);
    assert.equal((badJson.error as { code: number }).code, 3);
    assert.match((badJson.error as { msg: string }).msg, /^Invalid JSON: expected value at line 1 column \d+$/);

    const unknown = await request(client, { method: "FOO", params: [], id: 7 });
    assert.deepEqual(unknown, {
      error: { code: 2, msg: "Invalid request: unknown variant `FOO`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`" },
      id: 7,
    });
    const before = client.frames.length;
    client.ws.send(JSON.stringify({ method: "SUBSCRIBE", params: ["btcusdt@trade"], id: "abc" }));
    await waitUntil(() => client.frames.length > before, 5000, "the id error");
    assert.deepEqual(JSON.parse(client.frames[before]), { error: { code: 2, msg: "Invalid request: request ID must be an unsigned integer" }, id: null });
    assert.deepEqual(await request(client, { method: "SET_PROPERTY", params: ["foo", true], id: 8 }), { error: { code: 0, msg: "Unknown property" }, id: 8 });
    assert.deepEqual(await request(client, { method: "SET_PROPERTY", params: ["combined", "yes"], id: 9 }), { error: { code: 1, msg: "Invalid value type: expected Boolean" }, id: 9 });
    assert.deepEqual(await request(client, { method: "SUBSCRIBE", params: ["not a stream"], id: 10 }), { error: { code: 2, msg: "Invalid request: invalid stream" }, id: 10 });
    assert.equal(client.ws.readyState, WebSocket.OPEN);
    assert.deepEqual(await request(client, { method: "LIST_SUBSCRIPTIONS", id: 11 }), { result: [], id: 11 });
  });
});

test("more than 10 incoming messages in a second closes the connection with 1008", async () => {
  await withServer({ files: [HFT] }, async (server) => {
    const client = await connect(`${server.url}/public/ws`);
    for (let id = 1; id <= 10; id++) client.ws.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id }));
    await waitForFrames(client, 10);
    assert.equal(client.ws.readyState, WebSocket.OPEN, "10 in a second is allowed");
    client.ws.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id: 11 }));
    assert.deepEqual(await within(client.closed, 5000, "the 1008 close"), { code: 1008, reason: "Too many requests" });
    assert.equal(client.frames.length, 10);
  });
});

test("unknown websocket paths get HTTP 404 on upgrade; pings are answered", async () => {
  await withServer({ files: [HFT] }, async (server) => {
    for (const bad of ["/nope/stream?streams=btcusdt@trade", "/public/foo", "/public/stream/extra"]) {
      await assert.rejects(connect(`${server.url}${bad}`), /Unexpected server response: 404/, bad);
    }
    const client = await connect(`${server.url}/public/ws`);
    const pong = new Promise<string>((resolve) => client.ws.once("pong", (data) => resolve(data.toString())));
    client.ws.ping("hello");
    assert.equal(await pong, "hello");
  });
});

test("REST depth returns the first recorded snapshot trimmed to limit, with Binance's errors", async () => {
  await withServer({ files: [HFT, ALTS_APRIL] }, async (server) => {
    const snapshot = loadSample(HFT).snapshots[0].response;
    const get = async (query: string) => {
      const response = await fetch(`${server.restUrl}${query}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const five = await get("/fapi/v1/depth?symbol=BTCUSDT&limit=5");
    assert.equal(five.status, 200);
    assert.deepEqual(five.body, { ...snapshot, bids: snapshot.bids.slice(0, 5), asks: snapshot.asks.slice(0, 5) });
    const byDefault = await get("/fapi/v1/depth?symbol=BTCUSDT");
    assert.equal((byDefault.body.bids as unknown[]).length, 500);
    assert.equal((byDefault.body.asks as unknown[]).length, 500);
    assert.equal(((await get("/fapi/v1/depth?symbol=KSMUSDT&limit=1000")).body.bids as unknown[]).length, 1000);

    assert.deepEqual(await get("/fapi/v1/depth?symbol=ETHUSDT&limit=5"), { status: 400, body: { code: -1121, msg: "Invalid symbol." } });
    assert.equal((await get("/fapi/v1/depth?limit=5")).body.code, -1102);
    assert.deepEqual(await get("/fapi/v1/depth?symbol=BTCUSDT&limit=7"), { status: 400, body: { code: -4021, msg: "7 is not valid depth limit" } });
    assert.equal((await get("/fapi/v1/depth?symbol=BTCUSDT&limit=5000")).body.code, -1130);
    assert.equal((await get("/fapi/v1/depth?symbol=BTCUSDT&limit=abc")).body.code, -1100);

    assert.deepEqual(await get("/fapi/v1/ping"), { status: 200, body: {} });
    const before = Date.now();
    const time = await get("/fapi/v1/time");
    assert.ok(typeof time.body.serverTime === "number" && time.body.serverTime >= before && time.body.serverTime <= Date.now());
    assert.equal((await fetch(`${server.restUrl}/fapi/v1/nothing`)).status, 404);
  });
});

test("paced replay takes at least the recorded time divided by the multiplier", async () => {
  const marks = linesOf(HFT, ["btcusdt@markPrice@1s"]);
  const multiplier = 50;
  await withServer({ files: [HFT], speed: multiplier }, async (server) => {
    const started = performance.now();
    const client = await connect(`${server.url}/market/stream?streams=btcusdt@markPrice@1s`);
    const frames = await waitForFrames(client, 11);
    const elapsedMs = performance.now() - started;
    const recordedMs = marks[10].localTimestamp - marks[0].localTimestamp;
    assert.ok(recordedMs > 5000);
    assert.ok(elapsedMs >= recordedMs / multiplier - 0.01, `took ${elapsedMs.toFixed(1)} ms, recorded ${recordedMs} ms / ${multiplier}`);
    assertSameFrames(frames, marks.slice(0, 11).map((line) => line.combined), "paced frames");
  });
  await withServer({ files: [HFT], speed: "realtime" }, async (server) => {
    assert.ok(marks[1].localTimestamp - marks[0].localTimestamp > 300);
    const client = await connect(`${server.url}/market/ws/btcusdt@markPrice@1s`);
    await waitForFrames(client, 1);
    await delay(300);
    assert.deepEqual(client.frames, [marks[0].bare], "the second mark price is a recorded second away");
  });
});

test("a slow reader with speed \"max\" is not flooded, and does not hold up other connections", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "replay-test-"));
  try {
    const file = path.join(dir, "big.jsonl");
    const levels = Array.from({ length: 250 }, (_, i) => [(28000 + i / 10).toFixed(2), "1.234"]);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const data = { e: "depthUpdate", E: 1680652700000 + i, T: 1680652700000 + i, s: "BTCUSDT", U: i, u: i, pu: i - 1, b: levels, a: levels };
      lines.push(JSON.stringify({ localTimestamp: 1680652700000 + i, stream: "btcusdt@depth@0ms", data }));
      if (i % 30 === 0) lines.push(JSON.stringify({ localTimestamp: 1680652700000 + i, stream: "btcusdt@trade", data: { e: "trade", E: 1, s: "BTCUSDT", t: i } }));
    }
    fs.writeFileSync(file, lines.join("\n") + "\n");
    const frameBytes = Buffer.byteLength(JSON.stringify({ e: "depthUpdate", b: levels, a: levels }));
    const totalBytes = 3000 * frameBytes;
    let depthFramesProduced = 0;
    const transformFrame = (stream: string, text: string) => {
      if (stream === "btcusdt@depth@0ms") depthFramesProduced++;
      return text;
    };
    await withServer({ files: [file], inject: { transformFrame } }, async (server) => {
      const slow = new WebSocket(`${server.url}/public/ws/btcusdt@depth@0ms`);
      openSockets.add(slow);
      let received = 0;
      let last = "";
      slow.on("message", (data) => {
        received++;
        last = data.toString();
      });
      await new Promise((resolve) => slow.once("upgrade", resolve));
      slow.pause();
      await delay(700);
      const producedWhilePaused = depthFramesProduced;
      assert.ok(
        producedWhilePaused * frameBytes < totalBytes / 2,
        `the server produced ${producedWhilePaused} of 3000 frames (${((producedWhilePaused * frameBytes) / 1e6).toFixed(1)} of ${(totalBytes / 1e6).toFixed(1)} MB) for a client that reads nothing`,
      );

      const other = await connect(`${server.url}/public/ws/btcusdt@trade`);
      await waitForFrames(other, 100, 5000);

      slow.resume();
      await waitUntil(() => received === 3000, 30_000, "the slow reader to catch up");
      assert.equal((JSON.parse(last) as { u: number }).u, 2999);
      assert.equal(depthFramesProduced, 3000);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("inject: transformFrame drops and corrupts frames, closeAfterFrames ends the connection", async () => {
  const trades = linesOf(HFT, ["btcusdt@trade"]);
  const transformFrame = (_stream: string, text: string, index: number) => (index === 0 ? null : index === 1 ? "not json {" : text);
  await withServer({ files: [HFT], inject: { transformFrame, closeAfterFrames: 5 } }, async (server) => {
    const client = await connect(`${server.url}/public/ws/btcusdt@trade`);
    const closed = await within(client.closed, 5000, "the close after 5 frames");
    assert.equal(closed.code, 1001);
    assert.deepEqual(client.frames, ["not json {", trades[2].bare, trades[3].bare, trades[4].bare, trades[5].bare]);
  });
  await withServer({ files: [HFT], inject: { closeAfterFrames: 3, closeMode: "terminate" } }, async (server) => {
    const client = await connect(`${server.url}/public/stream?streams=btcusdt@trade`);
    assert.equal((await within(client.closed, 5000, "the dropped connection")).code, 1006);
    assert.ok(client.frames.length <= 3);
  });
});

test("bad options and unreadable recordings reject with errors that name the value", async () => {
  await assert.rejects(startReplayServer({ files: [] }), (error: unknown) => error instanceof InvalidArgumentError && error.code === "NO_FILES");
  await assert.rejects(startReplayServer({ files: [path.join(BUNDLED, "missing.jsonl")] }), (error: unknown) => error instanceof SampleFileError && error.code === "FILE_NOT_FOUND");
  await assert.rejects(startReplayServer({ files: [HFT], speed: -1 }), (error: unknown) => error instanceof InvalidArgumentError && /-1/.test(error.message));
  await assert.rejects(startReplayServer({ files: [HFT], inject: { closeAfterFrames: 0 } }), (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_FAULTS");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "replay-test-"));
  try {
    const file = path.join(dir, "snapshot-only.jsonl");
    fs.writeFileSync(file, JSON.stringify({ localTimestamp: 1, snapshot: { symbol: "BTCUSDT", limit: 5, response: { lastUpdateId: 1, E: 1, T: 1, bids: [], asks: [] } } }) + "\n");
    await assert.rejects(startReplayServer({ files: [file] }), (error: unknown) => error instanceof InvalidArgumentError && error.code === "NO_MESSAGES" && error.message.includes(file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("close() closes connections with 1001 and stops listening", async () => {
  const server = await startReplayServer({ files: [HFT], speed: 1 });
  const client = await connect(`${server.url}/public/stream?streams=btcusdt@trade`);
  await waitForFrames(client, 1);
  await Promise.all([server.close(), server.close()]);
  assert.equal((await within(client.closed, 5000, "the close on server.close()")).code, 1001);
  await assert.rejects(connect(`${server.url}/public/ws`), /ECONNREFUSED/);
});
