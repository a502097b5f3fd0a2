/**
 * The fault server itself: loopback only, a live feed (a client that connects late misses what
 * passed, as with Binance), loops whose ids and times run on, refused handshakes with
 * Retry-After, and the age limit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { WebSocket } from "ws";
import { BUNDLED } from "./helpers";
import { startFaultServer } from "./fault-server";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

function open(url: string): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<number> }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on("message", (data) => frames.push(data.toString()));
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, frames, closed }));
    ws.once("error", reject);
  });
}

test("a live feed on 127.0.0.1: a late client gets what is published from then on; loops keep the id chain going", async () => {
  const server = await startFaultServer({ files: [HFT], speed: 50, streams: ["btcusdt@trade"], loop: true });
  try {
    assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const early = await open(`${server.url}/public/stream?streams=btcusdt@trade`);
    while (server.published < 300) await new Promise((resolve) => setTimeout(resolve, 10));
    const late = await open(`${server.url}/public/stream?streams=btcusdt@trade`);
    while (server.published < 1400) await new Promise((resolve) => setTimeout(resolve, 10));
    early.ws.close();
    late.ws.close();
    await Promise.all([early.closed, late.closed]);
    const ids = (frames: string[]) => frames.map((f) => (JSON.parse(f) as { data: { t: number } }).data.t);
    const earlyIds = ids(early.frames);
    assert.ok(earlyIds.length > 1147, "past the end of the recording");
    assert.ok(
      earlyIds.every((t, i) => i === 0 || t === earlyIds[i - 1] + 1),
      "the loop continues the trade ids",
    );
    const lateIds = ids(late.frames);
    assert.ok(lateIds[0] > earlyIds[0] + 100, "the late client missed what passed before it came");
    const sentAtClose = server.connections.map((connection) => connection.sent);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const [i, client] of [early, late].entries()) {
      const connection = server.connections[i];
      // Frames sent after the client's close frame (in flight under load) are logged but never read.
      assert.deepEqual(connection.frames.slice(0, client.frames.length), client.frames, "the log holds what each was sent, in order");
      assert.ok(connection.sent >= client.frames.length, "the log holds every frame the client read");
      assert.equal(connection.sent, sentAtClose[i], "nothing is sent once the connection is closed");
    }
  } finally {
    await server.close();
  }
});

test("refused handshakes carry the status and Retry-After; the age limit closes with 1001", async () => {
  const server = await startFaultServer({ files: [HFT], speed: 1, streams: ["btcusdt@trade"], maxConnectionAgeMs: 300 });
  try {
    server.refuseHandshakes({ status: 503, retryAfterSeconds: 7, count: 1 });
    const refused = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve) => {
      const ws = new WebSocket(`${server.url}/public/stream?streams=btcusdt@trade`);
      ws.on("unexpected-response", (_req, res) =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined }),
      );
      ws.on("error", () => undefined);
    });
    assert.deepEqual(refused, { status: 503, retryAfter: "7" });
    const client = await open(`${server.url}/public/stream?streams=btcusdt@trade`);
    assert.equal(await client.closed, 1001);
    assert.equal(server.refused, 1);
  } finally {
    await server.close();
  }
});
