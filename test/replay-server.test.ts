/** The server: upgrade paths, option checks, close(). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startReplayServer } from "../lib/replay/server";
import { InvalidArgumentError, SampleFileError } from "../lib/errors";
import { BUNDLED, HFT, connect, waitForFrames, withServer, within } from "./replay-helpers";

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

test("bad options and unreadable recordings reject with errors that name the value", async () => {
  await assert.rejects(
    startReplayServer({ files: [] }),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "NO_FILES",
  );
  await assert.rejects(
    startReplayServer({ files: [path.join(BUNDLED, "missing.jsonl")] }),
    (error: unknown) => error instanceof SampleFileError && error.code === "FILE_NOT_FOUND",
  );
  await assert.rejects(
    startReplayServer({ files: [HFT], speed: -1 }),
    (error: unknown) => error instanceof InvalidArgumentError && /-1/.test(error.message),
  );
  await assert.rejects(
    startReplayServer({ files: [HFT], inject: { closeAfterFrames: 0 } }),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_FAULTS",
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "replay-test-"));
  try {
    const file = path.join(dir, "snapshot-only.jsonl");
    fs.writeFileSync(
      file,
      JSON.stringify({
        localTimestamp: 1,
        snapshot: { symbol: "BTCUSDT", limit: 5, response: { lastUpdateId: 1, E: 1, T: 1, bids: [], asks: [] } },
      }) + "\n",
    );
    await assert.rejects(
      startReplayServer({ files: [file] }),
      (error: unknown) => error instanceof InvalidArgumentError && error.code === "NO_MESSAGES" && error.message.includes(file),
    );
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
