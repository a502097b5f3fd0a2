/** One client connection: streams byte-equal to the recording, routes, pacing, backpressure, the incoming limit, injected faults. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { WebSocket } from "ws";
import {
  HFT,
  assertSameFrames,
  connect,
  delay,
  linesOf,
  openSockets,
  request,
  waitForFrames,
  waitUntil,
  withServer,
  within,
} from "./replay-helpers";

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

test("a stream on the wrong route is acknowledged and silent, as on Binance", async () => {
  await withServer({ files: [HFT] }, async (server) => {
    const wrong = await connect(`${server.url}/market/stream?streams=btcusdt@depth@0ms`);
    const right = await connect(`${server.url}/public/stream?streams=btcusdt@depth@0ms`);
    assert.deepEqual(await request(wrong, { method: "SUBSCRIBE", params: ["btcusdt@bookTicker"], id: 1 }), { result: null, id: 1 });
    assert.deepEqual(await request(wrong, { method: "LIST_SUBSCRIPTIONS", id: 2 }), {
      result: ["btcusdt@depth@0ms", "btcusdt@bookTicker"],
      id: 2,
    });
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

test('legacy paths are served by default and silent with legacyPaths: "silent"', async () => {
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
    assertSameFrames(
      frames,
      marks.slice(0, 11).map((line) => line.combined),
      "paced frames",
    );
  });
  await withServer({ files: [HFT], speed: "realtime" }, async (server) => {
    assert.ok(marks[1].localTimestamp - marks[0].localTimestamp > 300);
    const client = await connect(`${server.url}/market/ws/btcusdt@markPrice@1s`);
    await waitForFrames(client, 1);
    await delay(300);
    assert.deepEqual(client.frames, [marks[0].bare], "the second mark price is a recorded second away");
  });
});

test('a slow reader with speed "max" is not flooded, and does not hold up other connections', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "replay-test-"));
  try {
    const file = path.join(dir, "big.jsonl");
    const levels = Array.from({ length: 250 }, (_, i) => [(28000 + i / 10).toFixed(2), "1.234"]);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const data = {
        e: "depthUpdate",
        E: 1680652700000 + i,
        T: 1680652700000 + i,
        s: "BTCUSDT",
        U: i,
        u: i,
        pu: i - 1,
        b: levels,
        a: levels,
      };
      lines.push(JSON.stringify({ localTimestamp: 1680652700000 + i, stream: "btcusdt@depth@0ms", data }));
      if (i % 30 === 0)
        lines.push(
          JSON.stringify({ localTimestamp: 1680652700000 + i, stream: "btcusdt@trade", data: { e: "trade", E: 1, s: "BTCUSDT", t: i } }),
        );
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
