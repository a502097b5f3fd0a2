/**
 * Writing samples: safe file names inside a folder, the sample file's layout (one message per
 * line, so journal lines can be copied into it byte for byte) and atomic writes (temp file,
 * fsync, rename), so a sample file is either whole or absent.
 */
import * as fs from "fs";
import * as path from "path";
import { InvalidArgumentError } from "../errors";
import { JOURNAL_SUFFIX } from "./journal";
import { buildSampleMeta } from "./meta";
import { checkMessage } from "./read";
import type { CaptureEvent, SampleMeta, SampleSource, StoredDepthSnapshot, StoredMessage } from "./sample-format";

/** Default folder for new captures, relative to the project root. */
export const DEFAULT_CAPTURE_DIR = path.join(__dirname, "..", "..", "data", "captures");

/** Writes `chunks` to `file` atomically: a temp file, fsync, rename, fsync of the folder. */
export function writeFileAtomically(file: string, chunks: Iterable<string>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    let buffer: string[] = [];
    let size = 0;
    for (const chunk of chunks) {
      buffer.push(chunk);
      size += chunk.length;
      if (size > 1 << 20) {
        fs.writeSync(fd, buffer.join(""));
        buffer = [];
        size = 0;
      }
    }
    fs.writeSync(fd, buffer.join(""));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dirFd = fs.openSync(path.dirname(file), "r");
    fs.fsyncSync(dirFd);
    fs.closeSync(dirFd);
  } catch {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  }
}

/**
 * The text of a sample file, in chunks: the metadata, then one event, snapshot and message per
 * line. `messageLines` are written as given (already JSON), so their bytes are kept.
 */
export function* sampleFileChunks(meta: SampleMeta, snapshots: readonly StoredDepthSnapshot[], messageLines: Iterable<string>): Generator<string> {
  const { gaps, events, ...head } = meta;
  yield JSON.stringify(head).slice(0, -1);
  yield `,\n"gaps":${JSON.stringify(gaps)},\n"events":[`;
  let first = true;
  for (const event of events) {
    yield (first ? "\n" : ",\n") + JSON.stringify(event);
    first = false;
  }
  yield '],\n"snapshots":[';
  first = true;
  for (const snapshot of snapshots) {
    yield (first ? "\n" : ",\n") + JSON.stringify(snapshot);
    first = false;
  }
  yield '],\n"messages":[';
  first = true;
  for (const line of messageLines) {
    yield (first ? "\n" : ",\n") + line;
    first = false;
  }
  yield "\n]}\n";
}

function messageLine(message: StoredMessage): string {
  return JSON.stringify({ localTimestamp: message.localTimestamp, stream: message.stream, data: message.data });
}

/** Makes a file name from parts, keeping only letters, digits, `_` and `-`. */
export function sampleFileName(symbols: readonly string[], streams: readonly string[], startedAt: Date): string {
  // `btcusdt@depth@100ms` → `depth-100ms`; a market stream keeps its whole name: `!ticker@arr` → `ticker-arr`.
  const types = [...new Set(streams.map((stream) => (stream.startsWith("!") ? stream.slice(1) : stream.slice(stream.indexOf("@") + 1)).replace(/@/g, "-")))];
  const stamp = startedAt.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const base = [...symbols.map((s) => s.toLowerCase()), ...types].join("-").replace(/[^A-Za-z0-9_-]/g, "");
  return `${base.slice(0, 80)}-${stamp}`;
}

/** `base`, or `base-2`, `base-3`, … : the first name with neither a sample nor a journal in `dir`. */
export function unusedSampleName(dir: string, base: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!fs.existsSync(path.join(dir, `${name}.json`)) && !fs.existsSync(path.join(dir, name + JOURNAL_SUFFIX))) return name;
  }
}

/** Resolves `name` inside `dir`, refusing anything that would land outside it. */
export function resolveInside(dir: string, name: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, name);
  if (path.dirname(target) !== root || name.includes("/") || name.includes("\\") || name.startsWith(".")) {
    throw new InvalidArgumentError("UNSAFE_FILE_NAME", `Unsafe sample name ${JSON.stringify(name)}: expected a plain file name inside ${dir}.`);
  }
  return target;
}

/** Options of `saveSample`. */
export interface SaveSampleOptions {
  /** Folder to write into (created if missing). Default `data/captures`. */
  dir?: string;
  /** File name without folder; default from symbols, streams and time. `.json` is added. */
  name?: string;
  source?: SampleSource;
  startedAt?: string | null;
  endedAt?: string | null;
  events?: readonly CaptureEvent[];
  snapshots?: readonly StoredDepthSnapshot[];
}

/**
 * Saves messages as a sample file, atomically, and returns its path.
 * @example saveSample(messages, { name: "btc-trades" }) // → ".../data/captures/btc-trades.json"
 */
export function saveSample(messages: readonly StoredMessage[], options: SaveSampleOptions = {}): string {
  const dir = options.dir ?? DEFAULT_CAPTURE_DIR;
  messages.forEach((message, i) => checkMessage(message, `Message ${i}`, "saveSample"));
  const meta = buildSampleMeta(messages, {
    source: options.source ?? { kind: "recording" },
    startedAt: options.startedAt ?? null,
    endedAt: options.endedAt ?? null,
    events: options.events ?? [],
  });
  const name = options.name ?? sampleFileName(meta.symbols, meta.streams, new Date());
  const file = resolveInside(dir, name.endsWith(".json") ? name : `${name}.json`);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomically(file, sampleFileChunks(meta, options.snapshots ?? [], messages.map(messageLine)));
  return file;
}
