import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import * as http from "http";
import type { AddressInfo } from "net";
import { fetchDepthSnapshot } from "../lib/binance/rest";
import { ConnectionError } from "../lib/errors";

const BOOK = {
  lastUpdateId: 1027024,
  E: 1589436922972,
  T: 1589436922959,
  bids: [["4.00000000", "431.00000000"]],
  asks: [["4.00000200", "12.00000000"]],
};

/** An HTTP server on 127.0.0.1 (free port) answering with `handle`; returns its base URL and the request paths seen. */
async function startServer(t: TestContext, handle: http.RequestListener): Promise<{ base: string; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((request, response) => {
    paths.push(request.url ?? "");
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectionError> {
  return promise.then(
    () => assert.fail("expected a rejection"),
    (error: ConnectionError) => {
      assert.ok(error instanceof ConnectionError, String(error));
      return error;
    },
  );
}

test("a depth snapshot is fetched from /fapi/v1/depth with the symbol and limit, and returned as sent", async (t) => {
  const { base, paths } = await startServer(t, (_request, response) =>
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(BOOK)),
  );
  assert.deepEqual(await fetchDepthSnapshot(base, "btcusdt", 5), BOOK);
  assert.deepEqual(await fetchDepthSnapshot(base, "ETHUSDT"), BOOK);
  assert.deepEqual(paths, ["/fapi/v1/depth?symbol=BTCUSDT&limit=5", "/fapi/v1/depth?symbol=ETHUSDT&limit=1000"]);
});

test("HTTP 429 and 418 are RATE_LIMITED, with Retry-After when given", async (t) => {
  const { base } = await startServer(t, (request, response) => {
    if (request.url?.includes("BTCUSDT")) response.writeHead(429, { "retry-after": "7" }).end('{"code":-1003,"msg":"Too many requests."}');
    else response.writeHead(418).end('{"code":-1003,"msg":"Way too many requests; IP banned."}');
  });
  const limited = await rejection(fetchDepthSnapshot(base, "BTCUSDT", 5));
  assert.equal(limited.code, "RATE_LIMITED");
  assert.equal(limited.url, `${base}/fapi/v1/depth?symbol=BTCUSDT&limit=5`);
  assert.equal(
    limited.message,
    `${base}/fapi/v1/depth?symbol=BTCUSDT&limit=5 answered HTTP 429 (too many requests); retry after 7 s: back off.`,
  );
  const banned = await rejection(fetchDepthSnapshot(base, "ETHUSDT", 5));
  assert.equal(banned.code, "RATE_LIMITED");
  assert.equal(banned.message, `${base}/fapi/v1/depth?symbol=ETHUSDT&limit=5 answered HTTP 418 (IP banned): back off.`);
});

test("other HTTP errors are HTTP_ERROR with Binance's message", async (t) => {
  const { base } = await startServer(t, (_request, response) => response.writeHead(400).end('{"code":-1121,"msg":"Invalid symbol."}'));
  const error = await rejection(fetchDepthSnapshot(base, "NOSUCHPAIR", 5));
  assert.equal(error.code, "HTTP_ERROR");
  assert.equal(error.message, `${base}/fapi/v1/depth?symbol=NOSUCHPAIR&limit=5 answered HTTP 400: {"code":-1121,"msg":"Invalid symbol."}.`);
});

test("a body that is not JSON, or not a depth snapshot, is INVALID_RESPONSE", async (t) => {
  const bodies: Record<string, string> = { BTCUSDT: "<html>maintenance</html>", ETHUSDT: '{"lastUpdateId":1,"bids":[]}', SOLUSDT: "null" };
  const { base } = await startServer(t, (request, response) => {
    const symbol = new URL(request.url ?? "", "http://x").searchParams.get("symbol") ?? "";
    response.writeHead(200).end(bodies[symbol]);
  });
  const notJson = await rejection(fetchDepthSnapshot(base, "BTCUSDT", 5));
  assert.equal(notJson.code, "INVALID_RESPONSE");
  assert.match(notJson.message, /answered with a body that is not JSON: <html>maintenance<\/html>\.$/);
  for (const symbol of ["ETHUSDT", "SOLUSDT"]) {
    const incomplete = await rejection(fetchDepthSnapshot(base, symbol, 5));
    assert.equal(incomplete.code, "INVALID_RESPONSE");
    assert.match(incomplete.message, /answered without lastUpdateId, bids and asks/);
  }
});

test("no answer in time, or an answer that stalls halfway, is CONNECT_FAILED after the timeout", async (t) => {
  const { base } = await startServer(t, (request, response) => {
    if (request.url?.includes("ETHUSDT")) response.writeHead(200).write('{"lastUpdateId":'); // headers, then nothing
    // BTCUSDT: no answer at all
  });
  for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
    const started = Date.now();
    const error = await rejection(fetchDepthSnapshot(base, symbol, 5, 200));
    assert.equal(error.code, "CONNECT_FAILED", symbol);
    assert.match(error.message, new RegExp(`^Cannot fetch ${base}/fapi/v1/depth\\?symbol=${symbol}&limit=5: .*timeout`));
    assert.ok(Date.now() - started < 5000);
  }
});

test("a refused connection is CONNECT_FAILED naming the URL", async () => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
  const error = await rejection(fetchDepthSnapshot(base, "BTCUSDT", 5));
  assert.equal(error.code, "CONNECT_FAILED");
  assert.equal(error.url, `${base}/fapi/v1/depth?symbol=BTCUSDT&limit=5`);
});
