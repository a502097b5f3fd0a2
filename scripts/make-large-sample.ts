/**
 * Makes a large test sample from a real recording: the recording's messages repeated with ids
 * and times shifted so every chain stays unbroken (trade `t` consecutive, depth `pu` = previous
 * `u`, bookTicker `u` rising, times increasing). The output is test data, never committed.
 *
 *   npx tsx scripts/make-large-sample.ts [--messages 1000000] [--streams trade|all]
 *       [--out data/captures/large] [--formats jsonl,json]
 *
 * `jsonl` writes a JSON Lines sample (format version 2: a header line, then one message per
 * line), `json` the one-document sample (format version 1); both hold the same messages.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import * as zlib from "zlib";
import { buildSampleMeta } from "../lib/store/meta";
import { LIBRARY, SAMPLE_FORMAT, type StoredMessage } from "../lib/store/sample-format";

/** The real recording repeated: BTCUSDT trades, depth@0ms, bookTicker and markPrice@1s over 60 s. */
export const SOURCE_RECORDING = path.join(__dirname, "..", "data", "bundled", "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");

/** Options of `makeLargeSample`. */
export interface LargeSampleOptions {
  /** How many stream messages to write. */
  readonly messages: number;
  /** `trade`: only the trades; `all`: every stream of the recording (plus its snapshot once). */
  readonly streams: "trade" | "all";
  /** Output path without extension. */
  readonly out: string;
  readonly formats: readonly ("jsonl" | "json")[];
}

interface Line {
  readonly localTimestamp: number;
  readonly stream?: string;
  readonly data?: Record<string, unknown>;
  readonly snapshot?: { symbol: string; limit: number; response: Record<string, unknown> };
}

/** How far each repetition shifts times and ids so the chains continue across repetitions. */
interface Shifts {
  readonly timeMs: number;
  readonly tradeId: number;
  readonly updateId: number;
}

function readRecording(file: string): Line[] {
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Line);
}

function shiftsOf(messages: readonly Line[]): Shifts {
  const trades = messages.filter((m) => m.data?.e === "trade").map((m) => m.data as { t: number });
  const depth = messages.filter((m) => m.data?.e === "depthUpdate").map((m) => m.data as { pu: number; u: number });
  const times = messages.map((m) => m.data?.E as number);
  const span = Math.max(...times) - Math.min(...times) + 1;
  return {
    timeMs: Math.ceil(span / 1000) * 1000,
    tradeId: trades.length > 0 ? trades[trades.length - 1].t - trades[0].t + 1 : 0,
    updateId: depth.length > 0 ? depth[depth.length - 1].u - depth[0].pu : 0,
  };
}

const TIME_KEYS = ["E", "T"];
const TRADE_ID_KEYS = ["t"];
const UPDATE_ID_KEYS = ["U", "u", "pu"];

function shiftData(data: Record<string, unknown>, repeat: number, shifts: Shifts): Record<string, unknown> {
  if (repeat === 0) return data;
  const shifted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== "number") shifted[key] = value;
    else if (TIME_KEYS.includes(key)) shifted[key] = value + repeat * shifts.timeMs;
    else if (TRADE_ID_KEYS.includes(key) && data.e === "trade") shifted[key] = value + repeat * shifts.tradeId;
    else if (UPDATE_ID_KEYS.includes(key)) shifted[key] = value + repeat * shifts.updateId;
    else shifted[key] = value;
  }
  return shifted;
}

/** The messages of the large sample, in order, and the recording's first snapshot. */
function* largeMessages(options: LargeSampleOptions, lines: readonly Line[]): Generator<StoredMessage> {
  const messages = lines.filter((line) => line.stream !== undefined && (options.streams === "all" || line.data?.e === "trade"));
  const shifts = shiftsOf(messages);
  let written = 0;
  for (let repeat = 0; written < options.messages; repeat++) {
    for (const message of messages) {
      if (written++ >= options.messages) return;
      const localTimestamp = Math.round((message.localTimestamp + repeat * shifts.timeMs) * 1000) / 1000;
      yield { localTimestamp, stream: message.stream as string, data: shiftData(message.data as Record<string, unknown>, repeat, shifts) };
    }
  }
}

function writeChunks(file: string, chunks: Iterable<string>): void {
  const fd = fs.openSync(file, "w");
  let buffer: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    buffer.push(chunk);
    size += chunk.length;
    if (size > 1 << 22) {
      fs.writeSync(fd, buffer.join(""));
      buffer = [];
      size = 0;
    }
  }
  fs.writeSync(fd, buffer.join(""));
  fs.closeSync(fd);
}

/** Writes the large sample in each format; returns the files written. */
export function makeLargeSample(options: LargeSampleOptions): string[] {
  const lines = readRecording(SOURCE_RECORDING);
  const messages = [...largeMessages(options, lines)];
  const first = lines.find((line) => line.snapshot !== undefined);
  const snapshots =
    options.streams === "all" && first?.snapshot
      ? [
          {
            localTimestamp: first.localTimestamp,
            symbol: first.snapshot.symbol,
            limit: first.snapshot.limit,
            response: first.snapshot.response,
            messageIndex: 0,
          },
        ]
      : [];
  const source = {
    kind: "recording" as const,
    file: path.basename(SOURCE_RECORDING),
    attribution: "hftbacktest (MIT), repeated with shifted ids and times",
  };
  const meta = { ...buildSampleMeta(messages, { source }), library: LIBRARY };
  const messageLine = (m: StoredMessage) => JSON.stringify({ localTimestamp: m.localTimestamp, stream: m.stream, data: m.data });
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  const files: string[] = [];
  if (options.formats.includes("jsonl")) {
    const file = `${options.out}.jsonl`;
    const header = JSON.stringify({ format: SAMPLE_FORMAT, formatVersion: 2, meta: { ...meta, formatVersion: 2 } });
    const snapshotLines = snapshots.map(({ localTimestamp, messageIndex: _index, ...snapshot }) =>
      JSON.stringify({ localTimestamp, snapshot }),
    );
    writeChunks(
      file,
      (function* () {
        yield header + "\n";
        for (const line of snapshotLines) yield line + "\n";
        for (const message of messages) yield messageLine(message) + "\n";
      })(),
    );
    files.push(file);
  }
  if (options.formats.includes("json")) {
    const file = `${options.out}.json`;
    const { gaps, events, ...head } = { ...meta, formatVersion: 1 };
    writeChunks(
      file,
      (function* () {
        yield `${JSON.stringify(head).slice(0, -1)},\n"gaps":${JSON.stringify(gaps)},\n"events":${JSON.stringify(events)},\n"snapshots":${JSON.stringify(snapshots)},\n"messages":[`;
        let index = 0;
        for (const message of messages) yield (index++ === 0 ? "\n" : ",\n") + messageLine(message);
        yield "\n]}\n";
      })(),
    );
    files.push(file);
  }
  return files;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      messages: { type: "string", default: "1000000" },
      streams: { type: "string", default: "trade" },
      out: { type: "string", default: path.join("data", "captures", "large-btcusdt-trade") },
      formats: { type: "string", default: "jsonl,json" },
    },
  });
  const started = Date.now();
  const files = makeLargeSample({
    messages: Number(values.messages),
    streams: values.streams === "all" ? "all" : "trade",
    out: values.out as string,
    formats: (values.formats as string).split(",").filter((f): f is "jsonl" | "json" => f === "jsonl" || f === "json"),
  });
  for (const file of files) console.log(`${file}\t${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
  console.error(`made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
