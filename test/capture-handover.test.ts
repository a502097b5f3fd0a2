/**
 * The overlapping handover, with Binance's 24-hour connection limit compressed to 1.5 s: the
 * fault server closes every connection 1.5 s after it opened, the capture hands over after 1 s.
 * Over several handovers nothing is lost or repeated, and each is an event, not a gap.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { BUNDLED, makeTempDir } from "./helpers";
import { startFaultServer } from "./fault-server";
import { assertGapsExactlyWhereLost, assertStoredExactlyOnce, runCapture, storedFrames } from "./fault-server-oracle";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const STREAMS = ["btcusdt@trade", "btcusdt@depth@0ms", "btcusdt@bookTicker"];
const COUNT = 1200;

test("handover before the age limit (server closes at 1.5 s, --handover-after 1s): 0 messages lost or repeated over several handovers", async (t) => {
  const server = await startFaultServer({ files: [HFT], speed: 8, streams: STREAMS, maxConnectionAgeMs: 1500, loop: true });
  try {
    const outDir = makeTempDir();
    const result = await runCapture([
      ...STREAMS,
      "--count",
      String(COUNT),
      "--url",
      server.url,
      "--out",
      outDir,
      "--name",
      "handover",
      "--handover-after",
      "1s",
    ]);
    assert.equal(result.exit, 0, result.stderr);
    const handovers = result.sample.events.filter((e) => e.kind === "handover");
    t.diagnostic(
      `${server.connections.length} connections, ${handovers.length} handovers; ${handovers.map((e) => e.detail?.replace(/^.*: overlap/, "overlap")).join(" | ")}`,
    );
    assert.ok(handovers.length >= 5, `several handovers (${handovers.length})`);
    assert.equal(server.connections.length, handovers.length + 1, "every new connection took over by a handover");
    assert.deepEqual(
      result.sample.events.filter((e) => e.kind === "close" || e.kind === "stall" || e.kind === "gap"),
      [],
      "no connection was lost, nothing recorded as a gap",
    );
    // nothing repeated: every stored frame is distinct, and they are the server's frames, each once
    assertStoredExactlyOnce(server, result.file, STREAMS, COUNT);
    for (const stream of STREAMS) {
      const frames = storedFrames(result.file)
        .filter((f) => f.stream === stream)
        .map((f) => f.frame);
      assert.equal(new Set(frames).size, frames.length, `${stream}: no message repeated`);
    }
    // nothing lost: the id chains run on across every handover
    assert.deepEqual(result.sample.gaps, []);
    const trade = assertGapsExactlyWhereLost(server, result.sample, result.file, "btcusdt@trade");
    const depth = assertGapsExactlyWhereLost(server, result.sample, result.file, "btcusdt@depth@0ms");
    assert.ok(
      trade.switches >= 5 && depth.switches >= 2,
      `the chains cross the handovers (trade ${trade.switches}, depth ${depth.switches})`,
    );
    assert.equal(trade.losses + depth.losses, 0);
    const duplicates = handovers.map((e) => Number(/(\d+) duplicate/.exec(e.detail ?? "")?.[1] ?? 0));
    assert.ok(
      duplicates.some((n) => n > 0),
      "the overlaps delivered copies, and they were dropped",
    );
  } finally {
    await server.close();
  }
});
