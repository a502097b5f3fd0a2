/** The REST side: `GET /fapi/v1/depth` from the recorded snapshots, ping, time, 404. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSample } from "../lib/store/read";
import { ALTS_APRIL, HFT, withServer } from "./replay-helpers";

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
    assert.deepEqual(await get("/fapi/v1/depth?symbol=BTCUSDT&limit=7"), {
      status: 400,
      body: { code: -4021, msg: "7 is not valid depth limit" },
    });
    assert.equal((await get("/fapi/v1/depth?symbol=BTCUSDT&limit=5000")).body.code, -1130);
    assert.equal((await get("/fapi/v1/depth?symbol=BTCUSDT&limit=abc")).body.code, -1100);

    assert.deepEqual(await get("/fapi/v1/ping"), { status: 200, body: {} });
    const before = Date.now();
    const time = await get("/fapi/v1/time");
    assert.ok(typeof time.body.serverTime === "number" && time.body.serverTime >= before && time.body.serverTime <= Date.now());
    assert.equal((await fetch(`${server.restUrl}/fapi/v1/nothing`)).status, 404);
  });
});
