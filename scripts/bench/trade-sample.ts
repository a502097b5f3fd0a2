/**
 * Builds large trade samples for `npm run bench`: the real `@trade` frames of a bundled
 * recording repeated with shifted trade ids and times, written as a capture journal writes them
 * (a header line, then `{"localTimestamp":…,"stream":…,"data":{…}}` per frame). Never committed.
 */
import * as fs from "fs";
import * as path from "path";
import { loadSample } from "../../lib/store/read";
import { LIBRARY } from "../../lib/store/sample-format";

/** The bundled recording whose trades are repeated. */
export const TRADE_SOURCE = path.join(__dirname, "..", "..", "data", "bundled", "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

interface Frame {
  readonly localTimestamp: number;
  readonly stream: string;
  readonly data: Record<string, unknown>;
}

/** The `@trade` frames of a recording (or of `TRADE_SOURCE`). */
export function tradeFrames(file = TRADE_SOURCE): Frame[] {
  return loadSample(file)
    .messages.filter((m) => (m.data as { e?: unknown }).e === "trade")
    .map((m) => ({ localTimestamp: m.localTimestamp ?? 0, stream: m.stream, data: m.data as Record<string, unknown> }));
}

/**
 * The frame texts of `count` trades: the source's trades again and again, each round shifted by
 * the source's span (ids, `E`, `T`, receive time), so ids stay consecutive and times increase.
 */
export function* repeatedTradeLines(count: number, frames = tradeFrames()): Generator<string> {
  const first = frames[0];
  const last = frames[frames.length - 1];
  const idSpan = Number(last.data.t) - Number(first.data.t) + 1;
  const timeSpan = Number(last.data.T) - Number(first.data.T) + 1;
  for (let n = 0; n < count; n++) {
    const round = Math.floor(n / frames.length);
    const frame = frames[n % frames.length];
    const data = {
      ...frame.data,
      E: Number(frame.data.E) + round * timeSpan,
      T: Number(frame.data.T) + round * timeSpan,
      t: Number(frame.data.t) + round * idSpan,
    };
    const localTimestamp = Math.round((frame.localTimestamp + round * timeSpan) * 1000) / 1000;
    yield `{"localTimestamp":${localTimestamp},"stream":${JSON.stringify(frame.stream)},"data":${JSON.stringify(data)}}`;
  }
}

/** Writes a journal-format sample of `count` trades to `file` (once: an existing file is kept). */
export function writeTradeSample(file: string, count: number): string {
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(`${file}.tmp`, "w");
  const header = {
    journal: "streamlab",
    formatVersion: 1,
    meta: { source: { kind: "replay" }, symbols: ["BTCUSDT"], streams: ["btcusdt@trade"], startedAt: null, library: LIBRARY },
  };
  fs.writeSync(fd, JSON.stringify(header) + "\n");
  let chunk: string[] = [];
  for (const line of repeatedTradeLines(count)) {
    chunk.push(line);
    if (chunk.length === 10_000) {
      fs.writeSync(fd, chunk.join("\n") + "\n");
      chunk = [];
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, chunk.join("\n") + "\n");
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}
