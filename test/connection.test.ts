import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import * as http from "http";
import * as net from "net";
import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import { StreamConnection, nowMs, type StreamConnectionHandlers } from "../lib/capture/connection";
import { ConnectionError } from "../lib/errors";

/** A websocket server on 127.0.0.1 (free port) that runs `onConnection` for each client; closed after the test. */
async function startServer(
  t: TestContext,
  onConnection: (socket: ServerSocket, request: http.IncomingMessage) => void = () => undefined,
): Promise<string> {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  server.on("connection", onConnection);
  await new Promise((resolve) => server.once("listening", resolve));
  t.after(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  return `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/public/stream?streams=btcusdt@trade`;
}

/** Handlers that record what they are called with. */
function recorder() {
  const frames: { text: string; localTimestamp: number }[] = [];
  const closes: { code: number; reason: string }[] = [];
  const errors: Error[] = [];
  let notify = () => undefined as void;
  const handlers: StreamConnectionHandlers = {
    onFrame: (text, localTimestamp) => (frames.push({ text, localTimestamp }), notify()),
    onUnexpectedClose: (code, reason) => (closes.push({ code, reason }), notify()),
    onError: (error) => (errors.push(error), notify()),
  };
  /** Resolves once `done()` holds. */
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      notify = () => void (done() && resolve());
      notify();
    });
  return { handlers, frames, closes, errors, until };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectionError> {
  return promise.then(
    () => assert.fail("expected a rejection"),
    (error: ConnectionError) => error,
  );
}

test("nowMs is epoch milliseconds with a fractional part, on the wall clock's scale", () => {
  const a = nowMs();
  const b = nowMs();
  assert.ok(b >= a);
  assert.ok(Math.abs(a - Date.now()) < 1000);
});

for (const socketThread of ["main", "worker"] as const) {
  test(`${socketThread} thread: frames arrive as sent, in order, as text, each stamped with its receive time`, async (t) => {
    const frames = [
      '{"stream":"btcusdt@trade","data":{"t":1}}',
      '{"result":null,"id":1}',
      "not json at all",
      '{"stream":"btcusdt@trade","data":{"t":2}}',
    ];
    const url = await startServer(t, (socket) => {
      for (const frame of frames.slice(0, 3)) socket.send(frame);
      socket.send(Buffer.from(frames[3]), { binary: true });
    });
    const seen = recorder();
    const before = nowMs();
    const connection = await StreamConnection.open(url, seen.handlers, { socketThread });
    assert.equal(connection.url, url);
    await seen.until(() => seen.frames.length === 4);
    assert.deepEqual(
      seen.frames.map((f) => f.text),
      frames,
      "replies and garbage are passed on too; binary frames as UTF-8 text",
    );
    const times = seen.frames.map((f) => f.localTimestamp);
    assert.ok(times.every((time, i) => time >= before && (i === 0 || time >= times[i - 1])));
    assert.ok(times[3] <= nowMs());
    await connection.close();
    assert.deepEqual(seen.closes, [], "a close we asked for is not unexpected");
  });

  test(`${socketThread} thread: close() closes normally (1000), resolves once closed, and may be called again`, async (t) => {
    let serverSaw: { code: number } | null = null;
    const url = await startServer(t, (socket) => socket.on("close", (code) => (serverSaw = { code })));
    const seen = recorder();
    const connection = await StreamConnection.open(url, seen.handlers, { socketThread });
    await connection.close();
    await connection.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(serverSaw, { code: 1000 });
    assert.deepEqual(seen.closes, []);
    assert.deepEqual(seen.errors, []);
  });

  test(`${socketThread} thread: a close by the server is reported with its code and reason; a dropped socket as 1006`, async (t) => {
    const url = await startServer(t, (socket, request) => {
      if (request.url?.includes("drop")) socket.terminate();
      else socket.close(4001, "going away now");
    });
    const closed = recorder();
    await StreamConnection.open(url, closed.handlers, { socketThread });
    await closed.until(() => closed.closes.length === 1);
    assert.deepEqual(closed.closes, [{ code: 4001, reason: "going away now" }]);
    const dropped = recorder();
    await StreamConnection.open(url.replace("btcusdt@trade", "drop"), dropped.handlers, { socketThread });
    await dropped.until(() => dropped.closes.length === 1);
    assert.deepEqual(dropped.closes, [{ code: 1006, reason: "" }]);
  });

  test(`${socketThread} thread: a protocol error after opening is reported, then the close that follows`, async (t) => {
    const url = await startServer(t, (socket) => {
      // a frame with RSV1 set although no extension was agreed: invalid for the client
      (socket as unknown as { _socket: net.Socket })._socket.write(Buffer.from([0xc1, 0x00]));
    });
    const seen = recorder();
    await StreamConnection.open(url, seen.handlers, { socketThread });
    await seen.until(() => seen.closes.length === 1);
    assert.equal(seen.errors.length, 1);
    assert.match(seen.errors[0].message, /RSV1 must be clear/);
    assert.equal(typeof seen.closes[0].code, "number");
    assert.deepEqual(seen.frames, []);
  });

  test(`${socketThread} thread: a refused connection is a CONNECT_FAILED ConnectionError naming the URL`, async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const url = `ws://127.0.0.1:${port}/market/stream?streams=btcusdt@ticker`;
    const error = await rejection(StreamConnection.open(url, recorder().handlers, { socketThread }));
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.code, "CONNECT_FAILED");
    assert.equal(error.url, url);
    assert.equal(error.message, `Cannot connect to ${url}: the connection was refused (ECONNREFUSED): no server is listening there.`);
    assert.equal((error.cause as NodeJS.ErrnoException).code, "ECONNREFUSED");
  });

  test(`${socketThread} thread: an HTTP answer instead of an upgrade is a CONNECT_FAILED naming the status`, async (t) => {
    const server = http.createServer((_request, response) => response.writeHead(404, "Not Found").end("no websocket here"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    const url = `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/ws/btcusdt@trade`;
    const error = await rejection(StreamConnection.open(url, recorder().handlers, { socketThread }));
    assert.equal(error.code, "CONNECT_FAILED");
    assert.equal(error.message, `Cannot connect to ${url}: the server answered HTTP 404 Not Found instead of upgrading.`);
  });

  test(`${socketThread} thread: a server that accepts the TCP connection but never answers the handshake times out`, async (t) => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    const url = `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/public/stream?streams=btcusdt@trade`;
    const started = Date.now();
    const error = await rejection(StreamConnection.open(url, recorder().handlers, { connectTimeoutMs: 200, socketThread }));
    assert.equal(error.code, "CONNECT_FAILED");
    assert.match(
      error.message,
      /^Cannot connect to ws:\/\/127\.0\.0\.1:\d+\/public\/stream\?streams=btcusdt@trade: Opening handshake has timed out\.$/,
    );
    assert.ok(Date.now() - started < 5000);
  });

  test(`${socketThread} thread: a URL that is not a websocket URL is an INVALID_URL`, async () => {
    for (const url of ["ftp://127.0.0.1/x", "not a url"]) {
      const error = await rejection(StreamConnection.open(url, recorder().handlers, { socketThread }));
      assert.equal(error.code, "INVALID_URL", url);
      assert.match(error.message, new RegExp(`^Cannot open ${url.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: `));
      assert.equal(error.url, url);
    }
  });
}

test("worker thread: a burst of frames while the main thread is busy arrives complete, in order, as bytes, unchecked UTF-8 included", async (t) => {
  const count = 20_000;
  const invalidUtf8 = Buffer.from([0x7b, 0xc3, 0x28, 0x7d]);
  const url = await startServer(t, (socket) => {
    for (let i = 0; i < count; i++) socket.send(`{"stream":"btcusdt@trade","data":{"t":${i},"pad":"${"x".repeat(200)}"}}`);
    socket.send(invalidUtf8, { binary: false });
  });
  const frames: Buffer[] = [];
  const stamps: number[] = [];
  let notify = () => undefined as void;
  const connection = await StreamConnection.open(url, {
    onFrameBytes: (frame, at) => {
      frames.push(Buffer.from(frame));
      stamps.push(at);
      notify();
    },
  });
  // Keep the main thread busy while the worker reads: it pauses after a few batches and resumes after.
  const busyUntil = Date.now() + 300;
  while (Date.now() < busyUntil);
  await new Promise<void>((resolve) => {
    notify = () => void (frames.length === count + 1 && resolve());
    notify();
  });
  for (let i = 0; i < count; i++) assert.equal(JSON.parse(frames[i].toString()).data.t, i);
  assert.deepEqual(frames[count], invalidUtf8, "bytes are handed over unchecked: the capture's reader checks them");
  assert.ok(stamps.every((at, i) => i === 0 || at >= stamps[i - 1]));
  await connection.close();
});
