/**
 * Many streams: split across connections by route and under the per-connection limit, the
 * streams that do not fit in a URL subscribed with SUBSCRIBE, paced under Binance's 10 incoming
 * messages per second, each connection with its own watchdog.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { planConnections } from "../lib/capture/plan";
import { capture } from "../lib/capture/session";
import { loadSample } from "../lib/store/read";
import { MAX_STREAMS_PER_CONNECTION } from "../lib/binance/limits";
import { BUNDLED, makeTempDir } from "./helpers";
import { startFaultServer } from "./fault-server";
import { assertStoredExactlyOnce } from "./fault-server-oracle";

const ALTS = path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz");

test("a plan: one connection per (route, chunk) under 1024 streams, streams beyond the URL length by SUBSCRIBE", () => {
  const symbols = Array.from({ length: 700 }, (_, i) => `s${i}usdt`);
  const streams = [
    ...symbols.map((s) => `${s}@bookTicker`),
    ...symbols.map((s) => `${s}@aggTrade`),
    ...symbols.slice(0, 400).map((s) => `${s}@depth@100ms`),
  ];
  const plans = planConnections("wss://fstream.binance.com", streams);
  assert.deepEqual(
    plans.map((p) => [p.route, p.streams.length]),
    [
      ["public", MAX_STREAMS_PER_CONNECTION],
      ["public", 1100 - MAX_STREAMS_PER_CONNECTION],
      ["market", 700],
    ],
  );
  for (const plan of plans) {
    assert.ok(plan.url.length <= 4000, `URL of ${plan.url.length} characters`);
    const inUrl = plan.url.slice(plan.url.indexOf("=") + 1).split("/");
    assert.deepEqual([...inUrl, ...plan.subscribeBatches.flat()], plan.streams, "every stream once, in the URL or a SUBSCRIBE");
    assert.ok(plan.subscribeBatches.every((batch) => batch.length <= 100));
  }
  assert.deepEqual(
    planConnections("ws://h:1", ["btcusdt@trade", "btcusdt@ticker"]).map((p) => p.url),
    ["ws://h:1/public/stream?streams=btcusdt@trade", "ws://h:1/market/stream?streams=btcusdt@ticker"],
  );
});

test("twelve streams over five connections, all subscribed by paced SUBSCRIBE requests (URLs too short for any), every message stored once", async () => {
  const server = await startFaultServer({ files: [ALTS], speed: 3 });
  try {
    const symbols = ["ksmusdt", "yfiusdt", "dentusdt", "xmrusdt"];
    const streams = [
      ...symbols.map((s) => `${s}@bookTicker`),
      ...symbols.map((s) => `${s}@depth@100ms`),
      ...symbols.map((s) => `${s}@aggTrade`),
    ];
    const count = 20;
    const result = await capture({
      streams,
      count,
      wsBaseUrl: server.url,
      outDir: makeTempDir(),
      maxStreamsPerConnection: 3,
      maxUrlLength: 40,
      maxStreamsPerSubscribe: 1,
      subscribeMessagesPerSecond: 4,
    });
    const plans = planConnections(server.url, streams, { maxStreamsPerConnection: 3, maxUrlLength: 40, maxStreamsPerSubscribe: 1 });
    assert.equal(plans.length, 5, "8 public streams in 3 connections, 4 market streams in 2");
    const replaced = loadSample(result.file).events.filter((e) => e.kind !== "open" && e.kind !== "stopped");
    assert.equal(server.connections.length, 5, `one connection per planned link, none replaced: ${JSON.stringify(replaced)}`);
    assert.ok(
      plans.every((plan) => plan.subscribeBatches.length === plan.streams.length),
      "each connection subscribes its streams one request each",
    );
    assertStoredExactlyOnce(server, result.file, streams, count);
    for (const connection of server.connections) {
      const subscribes = connection.requests.filter((r) => r.includes('"SUBSCRIBE"'));
      for (let i = 0; i < connection.incoming.length; i++) {
        const inSecond = connection.incoming.filter((at) => at >= connection.incoming[i] && at < connection.incoming[i] + 1000).length;
        assert.ok(
          inSecond < 10,
          `connection ${connection.id}: ${inSecond} incoming messages in one second (pings and SUBSCRIBE), Binance allows 10`,
        );
      }
      assert.ok(subscribes.length >= 1 && subscribes.length <= 3, `connection ${connection.id}: ${subscribes.length} SUBSCRIBE requests`);
    }
    assert.equal(
      server.connections.reduce((n, c) => n + c.requests.filter((r) => r.includes('"SUBSCRIBE"')).length, 0),
      12,
      "each stream subscribed once",
    );
    assert.equal(loadSample(result.file).events.filter((e) => e.kind === "open").length, 5);
    assert.deepEqual(
      [...(result.meta.source.urls ?? [])].sort(),
      [`${server.url}/market/stream?streams=`, `${server.url}/public/stream?streams=`],
      "the URLs opened, in the order they opened (the same for each chunk here)",
    );
  } finally {
    await server.close();
  }
});
