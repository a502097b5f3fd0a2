/**
 * The sample store: save, load, list and recover samples, and the seed notebook's per-type
 * `storage` (`setData` / `getData`).
 *
 * `loadSample` reads every format the workspace meets: sample files (.json) written here, the
 * seed notebook's JSON arrays of `{stream, data}`, JSONL recordings (.jsonl, .jsonl.gz, the
 * fixtures' format) and unfinished capture journals (.partial.jsonl).
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { InvalidArgumentError, SampleFileError, excerpt } from "../errors";
import { normalizeSymbol, parseStreamName } from "../binance/endpoints";
import { findSequenceGaps } from "../binance/sequence";
import { JOURNAL_SUFFIX, type JournalHeaderMeta } from "./journal";
import {
  LIBRARY,
  SAMPLE_FORMAT,
  SAMPLE_FORMAT_VERSION,
  type CaptureEvent,
  type Sample,
  type SampleMeta,
  type SampleSource,
  type StoredDepthSnapshot,
  type StoredMessage,
} from "./sample-format";

/** What a line-oriented file (journal or JSONL recording) holds. */
interface ParsedLines {
  header: JournalHeaderMeta | null;
  messages: StoredMessage[];
  /** The exact text of each message line, same order as `messages`. */
  messageLines: string[];
  snapshots: StoredDepthSnapshot[];
  events: CaptureEvent[];
  /** True when the last line was cut off (an unfinished write) and was left out. */
  truncatedTail: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkMessage(value: unknown, where: string, file: string): StoredMessage {
  if (!isRecord(value) || typeof value.stream !== "string" || !isRecord(value.data) && !Array.isArray(value.data)) {
    throw new SampleFileError(
      "INVALID_MESSAGE",
      `${where} of ${file} is not a stream message: got ${excerpt(JSON.stringify(value) ?? String(value), 120)}, expected {"stream": "...", "data": {...}}.`,
      file,
    );
  }
  const localTimestamp = value.localTimestamp;
  if (localTimestamp !== undefined && localTimestamp !== null && typeof localTimestamp !== "number") {
    throw new SampleFileError("INVALID_MESSAGE", `${where} of ${file} has localTimestamp ${JSON.stringify(localTimestamp)}: expected a number of ms.`, file);
  }
  return { localTimestamp: typeof localTimestamp === "number" ? localTimestamp : null, stream: value.stream, data: value.data };
}

function parseLines(text: string, file: string, isJournal: boolean): ParsedLines {
  const result: ParsedLines = { header: null, messages: [], messageLines: [], snapshots: [], events: [], truncatedTail: false };
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (i === lines.length - 1 && isJournal) {
        result.truncatedTail = true;
        break;
      }
      throw new SampleFileError(
        "CORRUPT_LINE",
        `Line ${i + 1} of ${file} is not valid JSON (${(error as Error).message}): ${excerpt(line, 120)}.` +
          (i === lines.length - 1 ? " The file looks truncated." : ""),
        file,
      );
    }
    if (!isRecord(value)) throw new SampleFileError("CORRUPT_LINE", `Line ${i + 1} of ${file} is not a JSON object: ${excerpt(line, 120)}.`, file);
    if (i === 0 && value.journal === "streamlab") {
      result.header = value.meta as JournalHeaderMeta;
    } else if (isRecord(value.snapshot)) {
      const s = value.snapshot;
      result.snapshots.push({
        localTimestamp: typeof value.localTimestamp === "number" ? value.localTimestamp : null,
        symbol: String(s.symbol),
        limit: Number(s.limit),
        response: s.response as StoredDepthSnapshot["response"],
        messageIndex: result.messages.length,
      });
    } else if (isRecord(value.event)) {
      result.events.push({ localTimestamp: Number(value.localTimestamp), ...(value.event as Omit<CaptureEvent, "localTimestamp">) });
    } else {
      result.messages.push(checkMessage(value, `Line ${i + 1}`, file));
      result.messageLines.push(line);
    }
  }
  return result;
}

/** Symbols and stream names in first-seen order. */
function describeMessages(messages: readonly StoredMessage[]) {
  const countsByStream: Record<string, number> = {};
  const symbols: string[] = [];
  let firstEventTime: number | null = null;
  let lastEventTime: number | null = null;
  for (const message of messages) {
    countsByStream[message.stream] = (countsByStream[message.stream] ?? 0) + 1;
    const data = message.data as Record<string, unknown>;
    const symbol = typeof data.s === "string" ? data.s : null;
    if (symbol && !symbols.includes(symbol)) symbols.push(symbol);
    const eventTime = typeof data.E === "number" ? data.E : null;
    if (eventTime !== null) {
      if (firstEventTime === null || eventTime < firstEventTime) firstEventTime = eventTime;
      if (lastEventTime === null || eventTime > lastEventTime) lastEventTime = eventTime;
    }
  }
  return { countsByStream, symbols, streams: Object.keys(countsByStream), firstEventTime, lastEventTime };
}

function buildMeta(
  messages: readonly StoredMessage[],
  known: Partial<Omit<SampleMeta, "format" | "formatVersion">> & { source: SampleSource },
): SampleMeta {
  const described = describeMessages(messages);
  return {
    format: SAMPLE_FORMAT,
    formatVersion: SAMPLE_FORMAT_VERSION,
    library: known.library ?? LIBRARY,
    source: known.source,
    symbols: known.symbols?.length ? known.symbols : described.symbols,
    streams: known.streams?.length ? known.streams : described.streams,
    startedAt: known.startedAt ?? null,
    endedAt: known.endedAt ?? null,
    firstEventTime: described.firstEventTime,
    lastEventTime: described.lastEventTime,
    count: messages.length,
    countsByStream: described.countsByStream,
    complete: known.complete ?? true,
    gaps: findSequenceGaps(messages),
    events: known.events ?? [],
  };
}

/** A journal's source, with the URLs its capture opened (from its `open` events). */
function sourceOfJournal(header: JournalHeaderMeta | null, events: readonly CaptureEvent[], fallback: SampleSource): SampleSource {
  if (!header) return fallback;
  const opened = events.filter((event) => event.kind === "open" && event.url).map((event) => event.url as string);
  return { ...header.source, urls: [...new Set([...(header.source.urls ?? []), ...opened])] };
}

/**
 * A sample held in memory (not written): messages plus the metadata computed from them.
 * @example summarizeSample(messages, { source: { kind: "recording", file: "x.jsonl" } }).gaps
 */
export function summarizeSample(
  messages: readonly StoredMessage[],
  known: Partial<Omit<SampleMeta, "format" | "formatVersion">> & { source: SampleSource; snapshots?: readonly StoredDepthSnapshot[] },
): Sample {
  const { snapshots, ...meta } = known;
  return { ...buildMeta(messages, meta), messages, snapshots: snapshots ?? [] };
}

/** Writes `text` chunks to `file` atomically: a temp file, fsync, rename, fsync of the folder. */
function writeFileAtomically(file: string, chunks: Iterable<string>): void {
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

function* sampleFileChunks(meta: SampleMeta, snapshots: readonly StoredDepthSnapshot[], messageLines: Iterable<string>): Generator<string> {
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
  const types = [...new Set(streams.map((stream) => stream.slice(stream.indexOf("@") + 1).replace(/@/g, "-")))];
  const stamp = startedAt.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const base = [...symbols.map((s) => s.toLowerCase()), ...types].join("-").replace(/[^A-Za-z0-9_-]/g, "");
  return `${base.slice(0, 80)}-${stamp}`;
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

/** Default folder for new captures, relative to the project root. */
export const DEFAULT_CAPTURE_DIR = path.join(__dirname, "..", "..", "data", "captures");

/**
 * Saves messages as a sample file, atomically, and returns its path.
 * @example saveSample(messages, { name: "btc-trades" }) // → ".../data/captures/btc-trades.json"
 */
export function saveSample(messages: readonly StoredMessage[], options: SaveSampleOptions = {}): string {
  const dir = options.dir ?? DEFAULT_CAPTURE_DIR;
  messages.forEach((message, i) => checkMessage(message, `Message ${i}`, "saveSample"));
  const meta = buildMeta(messages, {
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

function readText(file: string): string {
  if (!fs.existsSync(file)) throw new SampleFileError("FILE_NOT_FOUND", `Sample file ${file} does not exist.`, file);
  const buffer = fs.readFileSync(file);
  if (file.endsWith(".gz")) {
    try {
      return zlib.gunzipSync(buffer).toString("utf8");
    } catch (error) {
      throw new SampleFileError("CORRUPT_GZIP", `Recording ${file} is not a complete gzip file (${(error as Error).message}).`, file, { cause: error });
    }
  }
  return buffer.toString("utf8");
}

function loadJsonSample(file: string, text: string): Sample {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const hint = text.trim().length === 0 ? "it is empty" : `${(error as Error).message}; it looks truncated or corrupt`;
    throw new SampleFileError("CORRUPT_SAMPLE", `Sample file ${file} is not valid JSON (${hint}).`, file, { cause: error });
  }
  if (Array.isArray(value)) {
    const messages = value.map((item, i) => checkMessage(item, `Item ${i}`, file));
    return { ...buildMeta(messages, { source: { kind: "recording", file: path.basename(file) } }), file, messages, snapshots: [] };
  }
  if (!isRecord(value) || value.format !== SAMPLE_FORMAT) {
    throw new SampleFileError(
      "NOT_A_SAMPLE",
      `File ${file} is not a sample: expected {"format": "${SAMPLE_FORMAT}", ...} or a JSON array of {"stream", "data"} messages.`,
      file,
    );
  }
  if (typeof value.formatVersion !== "number" || value.formatVersion > SAMPLE_FORMAT_VERSION) {
    throw new SampleFileError(
      "UNSUPPORTED_VERSION",
      `Sample file ${file} has formatVersion ${JSON.stringify(value.formatVersion)}: this library reads up to ${SAMPLE_FORMAT_VERSION}.`,
      file,
    );
  }
  if (!Array.isArray(value.messages)) throw new SampleFileError("INVALID_SAMPLE", `Sample file ${file} has no "messages" array.`, file);
  const messages = value.messages.map((item, i) => checkMessage(item, `Message ${i}`, file));
  const sample = value as unknown as Sample;
  if (sample.count !== messages.length) {
    throw new SampleFileError("COUNT_MISMATCH", `Sample file ${file} says count ${sample.count} but holds ${messages.length} messages.`, file);
  }
  return { ...sample, file, messages, snapshots: Array.isArray(value.snapshots) ? (value.snapshots as StoredDepthSnapshot[]) : [] };
}

function loadLineSample(file: string, text: string): Sample {
  const isJournal = file.endsWith(JOURNAL_SUFFIX);
  const parsed = parseLines(text, file, isJournal);
  const events = [...parsed.events];
  if (parsed.truncatedTail) {
    events.push({ localTimestamp: Date.now(), kind: "error", detail: "The journal's last line was cut off mid-write and was left out." });
  }
  const header = parsed.header;
  const meta = buildMeta(parsed.messages, {
    source: sourceOfJournal(header, events, { kind: "recording", file: path.basename(file) }),
    library: header?.library,
    symbols: header?.symbols,
    streams: header?.streams,
    startedAt: header?.startedAt ?? null,
    complete: !isJournal,
    events,
  });
  return { ...meta, file, messages: parsed.messages, snapshots: parsed.snapshots };
}

/**
 * Loads a sample, a seed JSON array, a JSONL recording (.jsonl / .jsonl.gz) or an unfinished
 * capture journal (.partial.jsonl, loaded with `complete: false`). Throws `SampleFileError`
 * naming the file and what is wrong for anything else.
 * @example const sample = loadSample("data/bundled/btcusdt-trade.json"); sample.messages[0].data
 */
export function loadSample(file: string): Sample {
  const text = readText(file);
  return /\.jsonl(\.gz)?$/.test(file) ? loadLineSample(file, text) : loadJsonSample(file, text);
}

/**
 * Turns a capture journal into a sample file next to it (`<name>.json`) with one atomic rename,
 * then removes the journal. Message lines are copied byte for byte. Returns the sample's path.
 */
export function finishJournal(journalFile: string, extra: { endedAt?: string | null; complete?: boolean; events?: readonly CaptureEvent[] } = {}): string {
  if (!journalFile.endsWith(JOURNAL_SUFFIX)) {
    throw new InvalidArgumentError("NOT_A_JOURNAL", `File ${journalFile} is not a capture journal: expected a name ending in ${JOURNAL_SUFFIX}.`);
  }
  const parsed = parseLines(readText(journalFile), journalFile, true);
  const events = [...parsed.events, ...(extra.events ?? [])];
  if (parsed.truncatedTail) {
    events.push({ localTimestamp: Date.now(), kind: "error", detail: "The journal's last line was cut off mid-write and was left out." });
  }
  const header = parsed.header;
  const meta = buildMeta(parsed.messages, {
    source: sourceOfJournal(header, events, { kind: "recording" }),
    library: header?.library,
    symbols: header?.symbols,
    streams: header?.streams,
    startedAt: header?.startedAt ?? null,
    endedAt: extra.endedAt ?? new Date().toISOString(),
    complete: extra.complete ?? true,
    events,
  });
  const file = journalFile.slice(0, -JOURNAL_SUFFIX.length) + ".json";
  writeFileAtomically(file, sampleFileChunks(meta, parsed.snapshots, parsed.messageLines));
  fs.unlinkSync(journalFile);
  return file;
}

/** Finishes an unfinished capture's journal as an incomplete sample (`complete: false`). */
export function recoverJournal(journalFile: string): string {
  return finishJournal(journalFile, { complete: false, endedAt: null, events: [{ localTimestamp: Date.now(), kind: "stopped", detail: "Recovered from an unfinished capture journal." }] });
}

/** One row of `listSamples`. */
export interface SampleSummary {
  readonly file: string;
  readonly name: string;
  readonly streams: readonly string[];
  readonly symbols: readonly string[];
  readonly count: number;
  readonly startedAt: string | null;
  readonly source: SampleSource["kind"];
  readonly complete: boolean;
  readonly modifiedMs: number;
}

/**
 * Lists the samples in a folder (newest first), including unfinished journals
 * (`complete: false`). Files that cannot be read are left out of the list.
 */
export function listSamples(dir: string = DEFAULT_CAPTURE_DIR): SampleSummary[] {
  if (!fs.existsSync(dir)) return [];
  const summaries: SampleSummary[] = [];
  for (const entry of fs.readdirSync(dir)) {
    if (!/\.(json|jsonl|jsonl\.gz)$/.test(entry) || entry.endsWith(".tmp")) continue;
    const file = path.join(dir, entry);
    try {
      const sample = loadSample(file);
      summaries.push({
        file,
        name: entry,
        streams: sample.streams,
        symbols: sample.symbols,
        count: sample.count,
        startedAt: sample.startedAt,
        source: sample.source.kind,
        complete: sample.complete,
        modifiedMs: fs.statSync(file).mtimeMs,
      });
    } catch {
      // Not a sample (e.g. a README or a broken file): not listed.
    }
  }
  return summaries.sort((a, b) => b.modifiedMs - a.modifiedMs || a.name.localeCompare(b.name));
}

/**
 * The seed notebook's `storage`: messages kept per stream type (`trade`, `depth`, ...).
 * @example const storage = new SampleStorage(); storage.setData("trade", msgs); storage.getData("trade")
 */
export class SampleStorage {
  private readonly buckets = new Map<string, StoredMessage[]>();

  /** Replaces the messages of `type`. */
  setData(type: string, data: readonly StoredMessage[]): void {
    this.buckets.set(type, [...data]);
  }

  /** The messages of `type` (empty when none). */
  getData(type: string): StoredMessage[] {
    return this.buckets.get(type) ?? [];
  }

  /** The types that hold messages. */
  types(): string[] {
    return [...this.buckets.keys()];
  }

  /** A storage with a sample's messages split by stream type (`btcusdt@depth@0ms` → `depth`). */
  static fromSample(sample: Pick<Sample, "messages">): SampleStorage {
    const storage = new SampleStorage();
    for (const message of sample.messages) {
      const type = streamTypeOf(message.stream);
      const bucket = storage.buckets.get(type) ?? [];
      bucket.push(message);
      storage.buckets.set(type, bucket);
    }
    return storage;
  }
}

/** The family type of a stream name (`"btcusdt@depth@0ms"` → `"depth"`); unknown families keep their name. */
export function streamTypeOf(stream: string): string {
  try {
    return parseStreamName(stream).type;
  } catch {
    const at = stream.indexOf("@");
    const rest = at < 0 ? stream : stream.slice(at + 1);
    return rest.split("@")[0];
  }
}

/** Messages of one symbol and type from a sample, e.g. `selectMessages(sample, "trade", "BTCUSDT")`. */
export function selectMessages(sample: Pick<Sample, "messages">, type: string, symbol?: string): StoredMessage[] {
  const wanted = symbol === undefined ? undefined : normalizeSymbol(symbol).toLowerCase();
  return sample.messages.filter((message) => {
    if (streamTypeOf(message.stream) !== type) return false;
    return wanted === undefined || message.stream.slice(0, message.stream.indexOf("@")) === wanted;
  });
}
