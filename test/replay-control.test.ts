/** Control messages: SUBSCRIBE and friends, and Binance's error replies. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { WebSocket } from "ws";
import { answerControlMessage, type ControlSession } from "../lib/replay/control";
import {
  CONTROL_ERROR_CODES,
  controlErrorOf,
  formatControlErrorReply,
  formatControlReply,
  looksLikeStreamName,
} from "../lib/binance/control";
import { HFT, connect, delay, isReply, linesOf, request, waitForFrames, waitUntil, withServer } from "./replay-helpers";

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
      error: {
        code: 2,
        msg: "Invalid request: unknown variant `FOO`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`",
      },
      id: 7,
    });
    const before = client.frames.length;
    client.ws.send(JSON.stringify({ method: "SUBSCRIBE", params: ["btcusdt@trade"], id: "abc" }));
    await waitUntil(() => client.frames.length > before, 5000, "the id error");
    assert.deepEqual(JSON.parse(client.frames[before]), {
      error: { code: 2, msg: "Invalid request: request ID must be an unsigned integer" },
      id: null,
    });
    assert.deepEqual(await request(client, { method: "SET_PROPERTY", params: ["foo", true], id: 8 }), {
      error: { code: 0, msg: "Unknown property" },
      id: 8,
    });
    assert.deepEqual(await request(client, { method: "SET_PROPERTY", params: ["combined", "yes"], id: 9 }), {
      error: { code: 1, msg: "Invalid value type: expected Boolean" },
      id: 9,
    });
    assert.deepEqual(await request(client, { method: "SUBSCRIBE", params: ["not a stream"], id: 10 }), {
      error: { code: 2, msg: "Invalid request: invalid stream" },
      id: 10,
    });
    assert.equal(client.ws.readyState, WebSocket.OPEN);
    assert.deepEqual(await request(client, { method: "LIST_SUBSCRIPTIONS", id: 11 }), { result: [], id: 11 });
  });
});

/** A connection's control state without a socket. */
function fakeSession(subscribed: readonly string[] = []): ControlSession & { subscriptions: Map<string, unknown> } {
  const subscriptions = new Map<string, unknown>(subscribed.map((stream) => [stream, null]));
  return {
    subscriptions,
    combined: false,
    subscribe: (streams) => streams.forEach((stream) => subscriptions.set(stream, null)),
    unsubscribe: (streams) => streams.forEach((stream) => subscriptions.delete(stream)),
  };
}

test("answerControlMessage: at most 1024 streams per connection, missing fields, and Binance's reply shapes", () => {
  const full = fakeSession(Array.from({ length: 1023 }, (_, i) => `s${i}usdt@trade`));
  assert.equal(
    answerControlMessage(JSON.stringify({ method: "SUBSCRIBE", params: ["s0usdt@trade", "a@trade", "a@trade"], id: 1 }), full),
    '{"result":null,"id":1}',
  );
  assert.equal(full.subscriptions.size, 1024);
  assert.deepEqual(JSON.parse(answerControlMessage(JSON.stringify({ method: "SUBSCRIBE", params: ["b@trade"], id: 2 }), full)), {
    error: { code: 2, msg: "Invalid request: too many streams (at most 1024 per connection)" },
    id: 2,
  });
  assert.equal(full.subscriptions.size, 1024, "a refused SUBSCRIBE subscribes nothing");

  const session = fakeSession();
  const answer = (body: unknown) =>
    JSON.parse(answerControlMessage(typeof body === "string" ? body : JSON.stringify(body), session)) as unknown;
  assert.deepEqual(answer({ params: [], id: 3 }), { error: { code: 2, msg: "Invalid request: missing field `method`" }, id: 3 });
  assert.deepEqual(answer({ method: "SUBSCRIBE", id: 4 }), { error: { code: 2, msg: "Invalid request: missing field `params`" }, id: 4 });
  assert.deepEqual(answer({ method: "LIST_SUBSCRIPTIONS", params: ["x"], id: 5 }), {
    error: { code: 2, msg: "Invalid request: too many parameters" },
    id: 5,
  });
  assert.deepEqual(answer({ method: "GET_PROPERTY", params: [1], id: 6 }), {
    error: { code: 2, msg: "Invalid request: property name must be a string" },
    id: 6,
  });
  assert.deepEqual(answer(""), { error: { code: 3, msg: "Invalid JSON: EOF while parsing a value at line 1 column 0" }, id: null });
  assert.deepEqual(answer("[1]"), {
    error: { code: 2, msg: 'Invalid request: expected an object such as {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}' },
    id: null,
  });
  assert.deepEqual(answer({ method: "SET_PROPERTY", params: ["combined", true], id: 7 }), { result: null, id: 7 });
  assert.equal(session.combined, true);

  const throwing: ControlSession = {
    ...fakeSession(),
    subscribe: () => {
      throw new Error("boom");
    },
  };
  assert.throws(
    () => answerControlMessage(JSON.stringify({ method: "SUBSCRIBE", params: ["a@trade"], id: 8 }), throwing),
    /boom/,
    "failures that are not Binance errors reach the caller",
  );
});

test("binance/control: replies in the servers' shape, errors read in both shapes, stream-name shapes", () => {
  assert.equal(formatControlReply(["btcusdt@trade"], 3), '{"result":["btcusdt@trade"],"id":3}');
  assert.equal(
    formatControlErrorReply(CONTROL_ERROR_CODES.UNKNOWN_PROPERTY, "Unknown property", null),
    '{"error":{"code":0,"msg":"Unknown property"},"id":null}',
  );
  assert.deepEqual(controlErrorOf({ code: 2, msg: "Invalid request", id: 1 }), { code: 2, msg: "Invalid request" });
  assert.deepEqual(controlErrorOf(JSON.parse(formatControlErrorReply(3, "Invalid JSON", null))), { code: 3, msg: "Invalid JSON" });
  assert.equal(controlErrorOf(JSON.parse(formatControlReply(null, 1))), null);
  for (const name of ["btcusdt@depth@100ms", "!bookTicker", "btcusdt@kline_1m", "!forceOrder@arr"])
    assert.ok(looksLikeStreamName(name), name);
  for (const name of ["not a stream", "btcusdt", "@trade", "btcusdt@", "1", ""]) assert.ok(!looksLikeStreamName(name), name);
});
