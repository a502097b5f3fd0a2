/**
 * The end-to-end check: one depth diff of a real recording is lost on the way from the
 * replay server (whose REST book still includes it, as Binance's would); the capture records the
 * gap, takes a second snapshot without dropping the socket, and `streamlab book --json` on that
 * sample equals, level by level, the book built from the full recording up to the same `u`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { capture } from "../lib/capture/session";
import { main } from "../lib/cli/main";
import { bookAt } from "../lib/analysis/book/book-at";
import { startReplayServer } from "../lib/replay/server";
import { loadSample } from "../lib/store/read";
import { BUNDLED, makeTempDir } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const DEPTH = "btcusdt@depth@0ms";
const LOST = 300;

function sink(chunks: string[]): NodeJS.WritableStream {
  return { write: (chunk: string) => chunks.push(chunk) } as unknown as NodeJS.WritableStream;
}

test(
  "a diff lost in transit: gap recorded, second snapshot taken, and the sample's book equals the full recording's at the same u",
  { timeout: 60_000 },
  async () => {
    const recording = loadSample(HFT);
    const server = await startReplayServer({ files: [HFT], speed: 20, inject: { dropFrames: { [DEPTH]: [LOST] } } });
    let result;
    try {
      result = await capture({ streams: [DEPTH], count: 900, wsBaseUrl: server.url, outDir: makeTempDir(), name: "lost-diff", keepMessages: true });
    } finally {
      await server.close();
    }
    const { file, sample } = result;
    const recorded = recording.messages.filter((m) => m.stream === DEPTH).map((m) => m.data as { u: number; pu: number });

    // the gap is recorded where the diff was lost, and only there
    assert.deepEqual(
      sample.gaps.map((gap) => [gap.stream, gap.kind, gap.expected, gap.actual]),
      [[DEPTH, "depthChain", recorded[LOST - 1].u, recorded[LOST + 1].pu]],
    );
    assert.equal(sample.events.filter((e) => e.kind === "depth-gap").length, 1, JSON.stringify(sample.events));
    assert.equal(sample.events.filter((e) => e.kind === "resync").length, 1, JSON.stringify(sample.events));
    assert.ok(!sample.events.some((e) => e.kind === "close" || e.kind === "reconnect"), "the socket was never dropped");
    // two snapshots: the first, and the resync, which is not older than the gap and lies inside the capture
    assert.equal(sample.snapshots.length, 2);
    const [first, second] = sample.snapshots;
    assert.ok(second.response.lastUpdateId >= recorded[LOST].u, "the replay's REST book includes the lost diff");
    assert.ok(second.messageIndex > LOST && second.messageIndex <= sample.messages.length);
    assert.ok(second.response.lastUpdateId <= recorded[899].u, "the resync snapshot is within the captured events");

    // streamlab book --json --levels 20 on the sample ...
    const out: string[] = [];
    const err: string[] = [];
    assert.equal(await main(["book", file, "--json", "--levels", "20"], sink(out), sink(err)), 0, err.join(""));
    const json = JSON.parse(out.join("")) as {
      state: string;
      lastUpdateId: number;
      bids: [string, string][];
      asks: [string, string][];
      counts: { gaps: number; snapshotsUsed: number };
    };
    assert.equal(json.state, "synced");
    assert.equal(json.lastUpdateId, recorded[900].u, "the last captured diff (900 frames passed, one lost)");
    assert.equal(json.counts.gaps, 1);
    assert.equal(json.counts.snapshotsUsed, 2);
    assert.equal(json.bids.length, 20);
    assert.equal(json.asks.length, 20);
    // ... equals, level by level, the book of the full recording up to the same u
    const full = bookAt(recording, { upToUpdateId: json.lastUpdateId });
    assert.equal(full.state.state, "synced");
    assert.equal(full.lastUpdateId, json.lastUpdateId);
    const expected = full.book.formatTop(20);
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(json.bids[i], expected.bids[i], `bid level ${i}`);
      assert.deepEqual(json.asks[i], expected.asks[i], `ask level ${i}`);
    }

    // without the resync snapshot the same sample gives a book broken since the last diff before the loss
    const withoutResync = bookAt({ messages: sample.messages, snapshots: [first] });
    assert.equal(withoutResync.state.state, "broken");
    assert.equal(withoutResync.state.gap?.lastUpdateId, recorded[LOST - 1].u);
    assert.match(withoutResync.stateText, new RegExp(`^broken since u=${recorded[LOST - 1].u}`));
  },
);
