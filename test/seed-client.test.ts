import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import type { AddressInfo } from "net";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import { FuturesMarketWebsocket } from "../lib/capture/seed-client";
import { ConnectionError, InvalidArgumentError } from "../lib/errors";
import { startReplayServer, type ReplayServer } from "../lib/replay/server";
import { loadSample } from "../lib/store/read";
import { BUNDLED } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const TICKER = path.join(BUNDLED, "btcusdt-ticker.json");

async function withReplay<T>(options: Parameters<typeof startReplayServer>[0], run: (server: ReplayServer) => Promise<T>): Promise<T> {
  const server = await startReplayServer(options);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

/** A websocket server on 127.0.0.1 (free port) that runs `onConnection` for each client; its ws:// base URL. */
async function startServer(t: TestContext, onConnection: (socket: ServerSocket) => void): Promise<string> {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  server.on("connection", onConnection);
  await new Promise((resolve) => server.once("listening", resolve));
  t.after(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("the seed's FuturesMarketWebsocket: open one type, receive messages, close", async () => {
  await withReplay({ files: [TICKER, HFT] }, async (server) => {
    const ws = new FuturesMarketWebsocket(["BTCUSDT"], { wsBaseUrl: server.url });
    assert.equal(ws.streamUrl("depth@0ms"), `${server.url}/public/stream?streams=btcusdt@depth@0ms`);
    await ws.openStreamConnection("ticker");
    const first = await ws.receiveMessage();
    assert.equal(first.stream, "btcusdt@ticker");
    assert.deepEqual(first.data, loadSample(TICKER).messages[0].data);
    const more = await ws.receiveMessages(3);
    assert.equal(more.length, 3);
    await ws.openStreamConnection("trade");
    assert.equal((await ws.receiveMessage()).stream, "btcusdt@trade");
    await ws.closeConnection();
    await assert.rejects(ws.receiveMessage(), /call openStreamConnection/);
  });
  assert.throws(() => new FuturesMarketWebsocket(["../x"]), /Invalid symbol/);
});

test("frames that are not stream messages are kept aside; a server error fails the waiting receive", async (t) => {
  const trade = '{"stream":"btcusdt@trade","data":{"e":"trade","t":1}}';
  const base = await startServer(t, (socket) => {
    socket.send("garbage{");
    socket.send('{"result":null,"id":1}');
    socket.send(trade);
    setTimeout(() => socket.send('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":null}'), 50);
  });
  const ws = new FuturesMarketWebsocket(["BTCUSDT"], { wsBaseUrl: base });
  await ws.openStreamConnection("trade");
  const first = await ws.receiveMessage();
  assert.deepEqual([first.stream, first.data], ["btcusdt@trade", { e: "trade", t: 1 }]);
  assert.equal(typeof first.localTimestamp, "number");
  const error: ConnectionError = await ws.receiveMessage().then(
    () => assert.fail("expected a rejection"),
    (e) => e,
  );
  assert.equal(error.code, "SERVER_ERROR");
  assert.match(error.message, /sent error 2: Invalid request: invalid stream\./);
  assert.deepEqual(ws.otherFrames, [
    "garbage{",
    '{"result":null,"id":1}',
    '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":null}',
  ]);
  await assert.rejects(ws.receiveMessage(), /sent error 2/, "the failure sticks until the next open");
  await ws.closeConnection();
});

test("a silent stream times out as SILENT_STREAM; a close by the server fails the waiting receive as CLOSED", async (t) => {
  const base = await startServer(t, (socket) => setTimeout(() => socket.close(4000, "bye"), 300));
  const ws = new FuturesMarketWebsocket(["BTCUSDT"], { wsBaseUrl: base });
  await ws.openStreamConnection("trade");
  await assert.rejects(ws.receiveMessage(100), (error: ConnectionError) => {
    assert.equal(error.code, "SILENT_STREAM");
    assert.match(error.message, /No message within 100 ms on ws:\/\/127\.0\.0\.1:\d+\/public\/stream\?streams=btcusdt@trade/);
    return true;
  });
  await assert.rejects(ws.receiveMessage(5000), (error: ConnectionError) => {
    assert.equal(error.code, "CLOSED");
    assert.match(error.message, /closed by the server \(code 4000, "bye"\)/);
    return true;
  });
  await ws.closeConnection();
});

test("the client needs a list of symbols", () => {
  for (const symbols of [[], "BTCUSDT" as unknown as string[]]) {
    assert.throws(
      () => new FuturesMarketWebsocket(symbols),
      (error: InvalidArgumentError) => error instanceof InvalidArgumentError && error.code === "NO_SYMBOLS",
    );
  }
});
