/**
 * Writing samples: safe file names inside a folder, the format-2 layout (a header line, then one
 * message, snapshot or event per line, so journal lines are copied into it byte for byte) and
 * atomic writes (temp file, fsync, rename or no-clobber link), so a sample file is either whole
 * or absent, and never replaces another.
 */
import * as fs from "fs";
import * as path from "path";
import { InvalidArgumentError } from "../errors";
import { JOURNAL_SUFFIX } from "./journal";
import { SampleMetaBuilder } from "./meta";
import { checkMessage } from "./read";
import {
  SAMPLE_FORMAT_VERSION,
  SAMPLE_SUFFIX,
  type CaptureEvent,
  type SampleMeta,
  type SampleSource,
  type StoredDepthSnapshot,
  type StoredMessage,
} from "./sample-format";

/** Default folder for new captures, relative to the project root. */
export const DEFAULT_CAPTURE_DIR = path.join(__dirname, "..", "..", "data", "captures");

/** Options of `writeFileAtomically`. */
export interface AtomicWriteOptions {
  /** Never replace an existing file: `SAMPLE_EXISTS` instead. Default false. */
  noClobber?: boolean;
}

/**
 * A file written atomically: lines go to a temp file (buffered, 1 MB at a time), and `commit`
 * fsyncs it and puts it in place: by rename, or with `noClobber` by a hard link that fails when
 * the target exists (`SAMPLE_EXISTS`), then fsyncs the folder. `abort` removes the temp file.
 */
export class AtomicFile {
  private readonly tmp: string;
  private fd: number | null;
  private buffer: Buffer[] = [];
  private buffered = 0;

  constructor(readonly file: string) {
    this.tmp = `${file}.${process.pid}.tmp`;
    this.fd = fs.openSync(this.tmp, "wx");
  }

  /** Appends text (or bytes). */
  write(chunk: string | Buffer): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    this.buffer.push(bytes);
    this.buffered += bytes.length;
    if (this.buffered >= 1 << 20) this.drain();
  }

  private drain(): void {
    if (this.fd === null || this.buffered === 0) return;
    const data = this.buffer.length === 1 ? this.buffer[0] : Buffer.concat(this.buffer);
    let offset = 0;
    while (offset < data.length) offset += fs.writeSync(this.fd, data, offset, data.length - offset);
    this.buffer = [];
    this.buffered = 0;
  }

  /** Syncs and puts the file in place; the temp file is gone afterwards either way. */
  commit(options: AtomicWriteOptions = {}): void {
    try {
      this.drain();
      if (this.fd !== null) {
        fs.fsyncSync(this.fd);
        fs.closeSync(this.fd);
        this.fd = null;
      }
      if (options.noClobber) linkWithoutClobber(this.tmp, this.file);
      else fs.renameSync(this.tmp, this.file);
      syncFolder(path.dirname(this.file));
    } finally {
      this.abort();
    }
  }

  /** Drops what was written (the target is untouched). */
  abort(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    if (fs.existsSync(this.tmp)) fs.unlinkSync(this.tmp);
  }
}

/** Options of `writeFileAtomically`. */
export interface AtomicWriteOptions {
  /** Never replace an existing file: `SAMPLE_EXISTS` instead. Default false. */
  noClobber?: boolean;
}

/**
 * Writes `chunks` to `file` atomically (see `AtomicFile`), so the file is either whole or
 * absent. `chunks` may be a generator that reads as it goes.
 */
export function writeFileAtomically(file: string, chunks: Iterable<string | Buffer>, options: AtomicWriteOptions = {}): void {
  const out = new AtomicFile(file);
  try {
    for (const chunk of chunks) out.write(chunk);
  } catch (error) {
    out.abort();
    throw error;
  }
  out.commit(options);
}

/** Links `tmp` to `file` unless `file` exists (`SAMPLE_EXISTS`); on file systems without hard links, checks then renames. */
function linkWithoutClobber(tmp: string, file: string): void {
  try {
    fs.linkSync(tmp, file);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw sampleExists(file, error);
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV" && code !== "ENOSYS") throw error;
  }
  if (fs.existsSync(file)) throw sampleExists(file);
  fs.renameSync(tmp, file);
}

function sampleExists(file: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(
    "SAMPLE_EXISTS",
    `Sample ${file} already exists: choose another name; captured data is never overwritten.`,
    { cause },
  );
}

/** fsyncs a folder so a rename in it survives a crash; some file systems cannot, and the rename is still atomic. */
export function syncFolder(dir: string): void {
  try {
    const dirFd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    // not supported here
  }
}

/** The first line of a format-2 sample: `{"format","formatVersion","meta"}` (meta without the two). */
export function sampleHeaderLine(meta: SampleMeta): string {
  const { format, formatVersion: _version, ...rest } = meta;
  return JSON.stringify({ format, formatVersion: SAMPLE_FORMAT_VERSION, meta: rest });
}

/** A message as a sample (and journal) line: `{"localTimestamp","stream","data"}`. */
export function messageLine(message: StoredMessage): string {
  return JSON.stringify({ localTimestamp: message.localTimestamp, stream: message.stream, data: message.data });
}

/** A snapshot as a sample (and journal) line: `{"localTimestamp","snapshot":{symbol,limit,response}}`. */
export function snapshotLine(snapshot: Omit<StoredDepthSnapshot, "messageIndex"> & { messageIndex?: number }): string {
  const { localTimestamp, symbol, limit, response } = snapshot;
  return JSON.stringify({ localTimestamp, snapshot: { symbol, limit, response } });
}

/** An event as a sample (and journal) line: `{"localTimestamp","event":{kind,…}}`. */
export function eventLine(event: CaptureEvent): string {
  const { localTimestamp, ...rest } = event;
  return JSON.stringify({ localTimestamp, event: rest });
}

/** Makes a file name from parts, keeping only letters, digits, `_` and `-`. */
export function sampleFileName(symbols: readonly string[], streams: readonly string[], startedAt: Date): string {
  // `btcusdt@depth@100ms` → `depth-100ms`; a market stream keeps its whole name: `!ticker@arr` → `ticker-arr`.
  const types = [
    ...new Set(
      streams.map((stream) => (stream.startsWith("!") ? stream.slice(1) : stream.slice(stream.indexOf("@") + 1)).replace(/@/g, "-")),
    ),
  ];
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const base = [...symbols.map((s) => s.toLowerCase()), ...types].join("-").replace(/[^A-Za-z0-9_-]/g, "");
  return `${base.slice(0, 80)}-${stamp}`;
}

/** The files a sample name may stand for in a folder: format 2 and 1 samples, the journal, and the first rotated part. */
export function filesOfName(dir: string, name: string): string[] {
  return [
    `${name}${SAMPLE_SUFFIX}`,
    `${name}.json`,
    `${name}${JOURNAL_SUFFIX}`,
    `${name}-0001${SAMPLE_SUFFIX}`,
    `${name}-0001${JOURNAL_SUFFIX}`,
  ].map((file) => path.join(dir, file));
}

/** `base`, or `base-2`, `base-3`, … : the first name with no sample, journal or rotated part in `dir`. */
export function unusedSampleName(dir: string, base: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!filesOfName(dir, name).some((file) => fs.existsSync(file))) return name;
  }
}

/** Resolves `name` inside `dir`, refusing anything that would land outside it. */
export function resolveInside(dir: string, name: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, name);
  if (path.dirname(target) !== root || name.includes("/") || name.includes("\\") || name.startsWith(".")) {
    throw new InvalidArgumentError(
      "UNSAFE_FILE_NAME",
      `Unsafe sample name ${JSON.stringify(name)}: expected a plain file name inside ${dir}.`,
    );
  }
  return target;
}

/** Options of `saveSample`. */
export interface SaveSampleOptions {
  /** Folder to write into (created if missing). Default `data/captures`. */
  dir?: string;
  /** File name without folder; default from symbols, streams and time. `.jsonl` is added (a `.json` or `.jsonl` ending is replaced). */
  name?: string;
  source?: SampleSource;
  startedAt?: string | null;
  endedAt?: string | null;
  events?: readonly CaptureEvent[];
  snapshots?: readonly StoredDepthSnapshot[];
}

/**
 * Saves messages as a format-2 sample (`<name>.jsonl`), atomically, and returns its path. An
 * existing file of that name is never replaced (`SAMPLE_EXISTS`).
 * @example saveSample(messages, { name: "btc-trades" }) // → ".../data/captures/btc-trades.jsonl"
 */
export function saveSample(messages: readonly StoredMessage[], options: SaveSampleOptions = {}): string {
  const dir = options.dir ?? DEFAULT_CAPTURE_DIR;
  messages.forEach((message, i) => checkMessage(message, `Message ${i}`, "saveSample"));
  const builder = new SampleMetaBuilder();
  for (const message of messages) builder.addMessage(message.stream, message.data, message.localTimestamp);
  const events = options.events ?? [];
  const meta = builder.build(
    { source: options.source ?? { kind: "recording" }, startedAt: options.startedAt ?? null, endedAt: options.endedAt ?? null, events },
    true,
  );
  const name = (options.name ?? sampleFileName(meta.symbols, meta.streams, new Date())).replace(/\.jsonl?$/, "");
  const file = resolveInside(dir, `${name}${SAMPLE_SUFFIX}`);
  fs.mkdirSync(dir, { recursive: true });
  const snapshots = [...(options.snapshots ?? [])].sort((a, b) => a.messageIndex - b.messageIndex);
  writeFileAtomically(file, sampleLines(meta, messages, snapshots, events), { noClobber: true });
  return file;
}

/** A format-2 sample's lines: header, then messages with each snapshot before the message at its `messageIndex`, then events. */
function* sampleLines(
  meta: SampleMeta,
  messages: readonly StoredMessage[],
  snapshots: readonly StoredDepthSnapshot[],
  events: readonly CaptureEvent[],
): Generator<string> {
  yield sampleHeaderLine(meta) + "\n";
  let next = 0;
  for (let i = 0; i <= messages.length; i++) {
    while (next < snapshots.length && snapshots[next].messageIndex <= i) yield snapshotLine(snapshots[next++]) + "\n";
    if (i < messages.length) yield messageLine(messages[i]) + "\n";
  }
  for (const event of events) yield eventLine(event) + "\n";
}
