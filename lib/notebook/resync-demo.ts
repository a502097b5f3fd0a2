/**
 * What a resync looks like, for the depth notebook: the bundled BTCUSDT recording played by a
 * local replay server that loses one depth diff on the way (its REST book still has it, as
 * Binance's would), captured as any capture is. The sample then holds the gap, the capture's
 * `depth-gap` and `resync` events, and a second snapshot. Loopback only, whatever the
 * notebook's source.
 */
import * as path from "path";
import { capture } from "../capture/session";
import { startReplayServer } from "../replay/server";
import type { Sample } from "../store/sample-format";
import { BUNDLED_DIR } from "./workspace";

/** The recording the demonstration plays, and its diff-depth stream. */
export const RESYNC_DEMO_RECORDING = path.join(BUNDLED_DIR, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const STREAM = "btcusdt@depth@0ms";

/** Options of `captureWithLostDiff`. */
export interface LostDiffOptions {
  /** Position of the diff lost on the way (default 300). */
  lostFrame?: number;
  /** Diffs to capture (default 900). */
  count?: number;
  /** Replay speed, a multiple of the recorded pace (default 20). */
  speed?: number;
  /** Where the sample goes (default data/captures). */
  outDir?: string;
}

/** The result of `captureWithLostDiff`. */
export interface LostDiffCapture {
  readonly sample: Sample;
  readonly file: string;
  /** The stream and the position of the diff that was lost. */
  readonly stream: string;
  readonly lostFrame: number;
}

/**
 * Captures the bundled BTCUSDT depth through a local replay that loses one diff.
 * @example const demo = await captureWithLostDiff(); bookAt(demo.sample).history
 */
export async function captureWithLostDiff(options: LostDiffOptions = {}): Promise<LostDiffCapture> {
  const lostFrame = options.lostFrame ?? 300;
  const server = await startReplayServer({
    files: [RESYNC_DEMO_RECORDING],
    speed: options.speed ?? 20,
    inject: { dropFrames: { [STREAM]: [lostFrame] } },
  });
  try {
    const { sample, file } = await capture({
      streams: [STREAM],
      count: options.count ?? 900,
      wsBaseUrl: server.url,
      outDir: options.outDir,
      sourceKind: "replay",
      keepMessages: true,
    });
    return { sample, file, stream: STREAM, lostFrame };
  } finally {
    await server.close();
  }
}
