/** Loading recordings: several files merge by recorded offset, the first file with a stream wins, snapshots per symbol. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { frameOf, loadReplayLibrary, selectDepthSnapshot } from "../lib/replay/recordings";
import { loadSample } from "../lib/store/read";
import {
  ALTS_APRIL,
  ALTS_JULY,
  HFT,
  SEED_TRADES,
  assertSameFrames,
  connect,
  delay,
  readRecordedLines,
  waitForFrames,
  withServer,
} from "./replay-helpers";

test("streams from several files merge by offset from each file's first message; the first file with a stream wins", async () => {
  const files = [ALTS_APRIL, ALTS_JULY, SEED_TRADES, HFT];
  await withServer({ files }, async (server) => {
    const streams = ["yfiusdt@aggTrade", "sushiusdt@aggTrade", "btcusdt@trade"];
    const rows: { offset: number; fileIndex: number; position: number; frame: string }[] = [];
    [ALTS_APRIL, ALTS_JULY].forEach((file, fileIndex) => {
      const lines = readRecordedLines(file);
      for (const line of lines) {
        if (streams.includes(line.stream))
          rows.push({ offset: line.localTimestamp - lines[0].localTimestamp, fileIndex, position: line.position, frame: line.combined });
      }
    });
    const seed = loadSample(SEED_TRADES).messages; // no localTimestamp: event time E
    const firstE = (seed[0].data as { E: number }).E;
    seed.forEach((message, position) => {
      rows.push({
        offset: (message.data as { E: number }).E - firstE,
        fileIndex: 2,
        position,
        frame: JSON.stringify({ stream: message.stream, data: message.data }),
      });
    });
    rows.sort((a, b) => a.offset - b.offset || a.fileIndex - b.fileIndex || a.position - b.position);
    assert.equal(rows.length, 40 + 40 + 20);

    const client = await connect(`${server.url}/market/stream?streams=${streams.join("/")}`);
    await waitForFrames(client, rows.length);
    await delay(100);
    assertSameFrames(
      client.frames,
      rows.map((row) => row.frame),
      "merged files",
    );
    const firstSeedTrade = client.frames.findIndex((frame) => frame.includes('"stream":"btcusdt@trade"'));
    const firstAltTrade = client.frames.findIndex((frame) => !frame.includes('"stream":"btcusdt@trade"'));
    assert.ok(firstSeedTrade < 30 && firstAltTrade < 30, "the files interleave instead of playing one after the other");
  });
});

test("loadReplayLibrary serializes each stream once, from the first file that has it, with offsets from that file's first message", () => {
  const library = loadReplayLibrary([ALTS_APRIL, ALTS_JULY, SEED_TRADES, HFT]);
  const trades = library.recordings.get("btcusdt@trade");
  assert.ok(trades);
  const seed = loadSample(SEED_TRADES).messages;
  assert.equal(trades.fileIndex, 2, "the seed comes before the hftbacktest file");
  assert.equal(trades.count, seed.length);
  const firstE = (seed[0].data as { E: number }).E;
  assert.deepEqual(
    [...trades.offsetsMs],
    seed.map((message) => (message.data as { E: number }).E - firstE),
  );
  seed.forEach((message, i) => {
    assert.equal(frameOf(trades, i, true).toString("utf8"), JSON.stringify({ stream: message.stream, data: message.data }));
    assert.equal(frameOf(trades, i, false).toString("utf8"), JSON.stringify(message.data));
  });
  const depth = library.recordings.get("btcusdt@depth@0ms");
  assert.ok(depth);
  assert.equal(depth.fileIndex, 3);
  const hft = readRecordedLines(HFT);
  const depthLines = hft.filter((line) => line.stream === "btcusdt@depth@0ms");
  assert.equal(depth.offsetsMs[0], depthLines[0].localTimestamp - hft[0].localTimestamp);
  assert.equal(frameOf(depth, depth.count - 1, false).toString("utf8"), depthLines[depthLines.length - 1].bare);
});

test("selectDepthSnapshot answers with the first snapshot recorded for the symbol, in any case", () => {
  const library = loadReplayLibrary([HFT, ALTS_APRIL]);
  assert.deepEqual(selectDepthSnapshot(library, "btcusdt"), loadSample(HFT).snapshots[0]);
  assert.equal(selectDepthSnapshot(library, "BTCUSDT"), selectDepthSnapshot(library, "btcusdt"));
  assert.equal(selectDepthSnapshot(library, "ETHUSDT"), undefined);
});
