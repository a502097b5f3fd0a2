/**
 * Typed columns straight from stored text, without a record per message: the bytes of a sample
 * file, journal or JSONL recording (one message per line, as store/ writes them) are scanned
 * once, and each field of the wanted event type is written into its column as it is read.
 * Decimals are read digit by digit (`m / 10^k` with `m < 2^53` and `k ≤ 22` is exactly
 * `Number(text)`), ids and times likewise, strings repeated across rows (symbol, stream, enums)
 * are kept once.
 *
 * Anything the scanner does not expect (escapes, exponents, nested or array payloads, a field
 * missing or malformed) sends that one line through `JSON.parse` and the schema's decoder, so
 * the columns, and any `DecodeError`, are the same as `eventColumns(schema, loadSample(f).messages)`.
 * Lines that are not stream messages (headers, events, snapshots, a sample file's metadata)
 * are skipped; the file itself is not checked here (`loadSample` does that).
 * Schemas with nested fields, levels or derived columns (kline, depth, aggTrade's `tradeCount`)
 * are not scanned: `fastEventColumns` returns `null` and the caller decodes records.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { DecodeError, SampleFileError, excerpt } from "../errors";
import { columnarFields, decodedFields, type EventSchema, type FieldKind } from "../binance/schema";

/** The bytes of a line-oriented file, for the column builders' fast path (`tradeColumns(readStoredLines(f))`). */
export interface StoredLines {
  readonly kind: "storedLines";
  /** Where the bytes came from, for error messages. */
  readonly file: string;
  readonly bytes: Uint8Array;
}

/** True for a `StoredLines` value. */
export function isStoredLines(value: unknown): value is StoredLines {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "storedLines" && (value as StoredLines).bytes instanceof Uint8Array;
}

/**
 * Reads a sample file, journal or JSONL recording (gunzipped when it ends in `.gz`) for the fast
 * path of the column builders.
 * @example const trades = tradeColumns(readStoredLines("data/captures/btcusdt-trade.jsonl"));
 */
export function readStoredLines(file: string): StoredLines {
  if (!fs.existsSync(file)) throw new SampleFileError("FILE_NOT_FOUND", `Sample file ${file} does not exist.`, file);
  let bytes: Uint8Array = fs.readFileSync(file);
  if (file.endsWith(".gz")) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (error) {
      throw new SampleFileError("CORRUPT_GZIP", `Recording ${file} is not a complete gzip file (${(error as Error).message}).`, file, { cause: error });
    }
  }
  return { kind: "storedLines", file, bytes };
}

/** Text or bytes already in memory as `StoredLines`. */
export function storedLinesOf(text: string | Uint8Array, file = "(text)"): StoredLines {
  return { kind: "storedLines", file, bytes: typeof text === "string" ? Buffer.from(text, "utf8") : text };
}

/** True when the bytes hold one message per line (not a seed JSON array or a pretty-printed file). */
export function isLineOriented(lines: StoredLines): boolean {
  const b = lines.bytes;
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return i < b.length && b[i] === 0x7b && b[i + 1] === 0x22; // `{"`
}

/** What the scanner needs of a decoder: payload → record (as binance/decode.ts's `decoderFor`). */
export type RecordDecoder = (data: unknown, localTimestamp: number | null) => unknown;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const BACKSLASH = 0x5c;
const MAX_SAFE = 9007199254740991;
const POW10: number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Token types of a scanned value. */
const STRING = 1;
const NUMBER = 2;
const TRUE = 3;
const FALSE = 4;
const NULL = 5;

interface Slot {
  readonly name: string;
  readonly kind: FieldKind;
  readonly columnar: boolean;
}

interface Plan {
  readonly slots: readonly Slot[];
  /** Slot per one-byte key, -1 for keys the schema does not read. */
  readonly byKey: Int16Array;
  readonly eventSlot: number;
  readonly eventType: Uint8Array;
}

function planFor(schema: EventSchema): Plan | null {
  const byKey = new Int16Array(128).fill(-1);
  const slots: Slot[] = [];
  const columnar = new Set(columnarFields(schema).map((field) => field.name));
  for (const field of columnarFields(schema)) {
    if (field.path === undefined || field.derive !== undefined || field.kind === "levels") return null;
  }
  let eventSlot = -1;
  for (const field of [...schema.fields.filter((f) => f.path === "e"), ...decodedFields(schema)]) {
    if (field.path === undefined) continue;
    if (field.path.length !== 1 || field.path.charCodeAt(0) >= 128) return null;
    if (byKey[field.path.charCodeAt(0)] >= 0) continue;
    byKey[field.path.charCodeAt(0)] = slots.length;
    if (field.path === "e") eventSlot = slots.length;
    slots.push({ name: field.name, kind: field.kind, columnar: field.path !== "e" && columnar.has(field.name) });
  }
  if (eventSlot < 0) return null;
  return { slots, byKey, eventSlot, eventType: Buffer.from(schema.eventType, "latin1") };
}

/** Strings seen before are returned as the same string, without decoding the bytes again. */
class Interner {
  private readonly byHash = new Map<number, string[]>();
  constructor(private readonly b: Uint8Array) {}

  get(start: number, end: number): string {
    const b = this.b;
    let h = end - start;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 16777619);
    const bucket = this.byHash.get(h);
    if (bucket !== undefined) {
      for (const text of bucket) if (sameBytes(text, b, start, end)) return text;
    }
    const text = Buffer.from(b.buffer, b.byteOffset + start, end - start).toString("utf8");
    if (bucket === undefined) this.byHash.set(h, [text]);
    else if (bucket.length < 8) bucket.push(text);
    return text;
  }
}

function sameBytes(text: string, b: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== b[start + i]) return false;
  return true;
}

/** A JSON number token → its value, exactly as `Number(text)`; `NaN` when the token is not plain. */
function numberAt(b: Uint8Array, start: number, end: number, integerOnly: boolean): number {
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = b[i];
    if (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 0x2e && fraction < 0 && digits > 0 && !integerOnly) {
      fraction = 0;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || fraction === 0) return NaN;
  if (digits > 16 || m > MAX_SAFE) {
    // Too many digits to be exact digit by digit: let the engine read this one.
    const value = Number(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString("latin1"));
    return integerOnly && !Number.isSafeInteger(value) ? NaN : value;
  }
  const value = fraction > 0 ? m / POW10[fraction] : m;
  return negative ? -value : value;
}

/** Growable columns of one schema. */
class ColumnSet {
  capacity: number;
  length = 0;
  stream: string[];
  localTimestamp: Float64Array;
  readonly values: Array<Float64Array | Uint8Array | string[] | null>;

  constructor(private readonly plan: Plan, capacity: number) {
    this.capacity = Math.max(16, capacity);
    this.stream = new Array<string>(this.capacity);
    this.localTimestamp = new Float64Array(this.capacity);
    this.values = plan.slots.map((slot) => (slot.columnar ? ColumnSet.make(slot.kind, this.capacity) : null));
  }

  private static make(kind: FieldKind, n: number): Float64Array | Uint8Array | string[] {
    return kind === "boolean" ? new Uint8Array(n) : kind === "enum" || kind === "text" ? new Array<string>(n) : new Float64Array(n);
  }

  /** Room for one more row. */
  reserve(): void {
    if (this.length < this.capacity) return;
    const capacity = this.capacity * 2;
    const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(capacity);
      next.set(a);
      return next;
    };
    this.localTimestamp = grow(this.localTimestamp);
    for (let s = 0; s < this.values.length; s++) {
      const column = this.values[s];
      if (column !== null && !Array.isArray(column)) this.values[s] = grow(column);
    }
    this.capacity = capacity;
  }

  /** Writes a decoded record as row `length` (the same conversions as analysis/columns.ts). */
  pushRecord(record: Readonly<Record<string, unknown>>, stream: string): void {
    this.reserve();
    const row = this.length;
    this.plan.slots.forEach((slot, s) => {
      const column = this.values[s];
      if (column === null) return;
      const value = record[slot.name];
      if (Array.isArray(column)) column[row] = value as string;
      else column[row] = slot.kind === "boolean" ? (value ? 1 : 0) : (value as number);
    });
    const time = record.localTimestamp;
    this.localTimestamp[row] = typeof time === "number" ? time : NaN;
    this.stream[row] = stream;
    this.length++;
  }

  /** The finished columns, in the key order of analysis/columns.ts. */
  finish(kind: string): Record<string, unknown> {
    const n = this.length;
    const cut = <T extends Float64Array | Uint8Array | string[]>(a: T): T => (a.length === n ? a : (a.slice(0, n) as T));
    const out: Record<string, unknown> = { kind, length: n, stream: cut(this.stream), localTimestamp: cut(this.localTimestamp) };
    this.plan.slots.forEach((slot, s) => {
      const column = this.values[s];
      if (column !== null) out[slot.name] = cut(column);
    });
    return out;
  }
}

/**
 * The columns of `schema` from stored lines (as an object in the shape of analysis/columns.ts),
 * or `null` when this schema or these bytes have no fast path, or hold no row of the type: the
 * caller then decodes records, and its usual error names what the file holds.
 */
export function fastEventColumns(schema: EventSchema, lines: StoredLines, decode: RecordDecoder): Record<string, unknown> | null {
  const plan = planFor(schema);
  if (plan === null || !isLineOriented(lines)) return null;
  const b = lines.bytes;
  let lineCount = 1;
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) lineCount++;
  const columns = new ColumnSet(plan, lineCount);
  const scanner = new LineScanner(plan, b, columns);
  let messageIndex = 0;
  for (let start = 0; start < b.length; ) {
    let end = b.indexOf(0x0a, start);
    const next = end < 0 ? b.length : end + 1;
    if (end < 0) end = b.length;
    let last = end;
    while (last > start && (b[last - 1] === 0x0d || b[last - 1] === COMMA || b[last - 1] === 0x20)) last--;
    if (last > start && b[start] === OPEN) {
      const outcome = scanner.scan(start, last);
      if (outcome === FALLBACK) decodeLine(lines, start, last, next >= b.length, messageIndex, schema, decode, columns);
      if (outcome !== NOT_A_MESSAGE) messageIndex++;
    }
    start = next;
  }
  return columns.length === 0 ? null : columns.finish(schema.kind);
}

const NOT_A_MESSAGE = 0;
const ROW = 1;
const OTHER_TYPE = 2;
const FALLBACK = 3;

const DATA_KEY = Buffer.from("data", "latin1");
const STREAM_KEY = Buffer.from("stream", "latin1");
const TIME_KEY = Buffer.from("localTimestamp", "latin1");

function isKey(b: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (b[start + i] !== key[i]) return false;
  return true;
}

/** Scans one line `{"localTimestamp":…,"stream":"…","data":{…}}` into the columns. */
class LineScanner {
  private readonly types: Int32Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly seen: Int32Array;
  private generation = 0;
  private readonly strings: Interner;

  constructor(private readonly plan: Plan, private readonly b: Uint8Array, private readonly columns: ColumnSet) {
    const n = plan.slots.length;
    this.types = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.seen = new Int32Array(n);
    this.strings = new Interner(b);
  }

  /** The end of the value starting at `p` (its type in `this.token`), or -1 for one to leave to JSON.parse. */
  private token = 0;
  private valueEnd(p: number, end: number): number {
    const b = this.b;
    const c = b[p];
    if (c === QUOTE) {
      for (let i = p + 1; i < end; i++) {
        if (b[i] === QUOTE) {
          this.token = STRING;
          return i + 1;
        }
        if (b[i] === BACKSLASH) return -1;
      }
      return -1;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let i = p + 1;
      while (i < end && b[i] !== COMMA && b[i] !== CLOSE) i++;
      this.token = NUMBER;
      return i;
    }
    if (c === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) return (this.token = TRUE), p + 4;
    if (c === 0x66 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 && b[p + 4] === 0x65) return (this.token = FALSE), p + 5;
    if (c === 0x6e && b[p + 1] === 0x75 && b[p + 2] === 0x6c && b[p + 3] === 0x6c) return (this.token = NULL), p + 4;
    return -1;
  }

  scan(start: number, end: number): number {
    const b = this.b;
    let p = start + 1;
    let streamStart = -1;
    let streamEnd = -1;
    let localTimestamp = NaN;
    let dataEnd = -1;
    const generation = ++this.generation;
    for (;;) {
      if (b[p] !== QUOTE) return streamStart >= 0 || dataEnd >= 0 ? FALLBACK : NOT_A_MESSAGE;
      const keyStart = p + 1;
      let keyEnd = keyStart;
      while (keyEnd < end && b[keyEnd] !== QUOTE) keyEnd++;
      if (b[keyEnd + 1] !== COLON) return FALLBACK;
      p = keyEnd + 2;
      if (isKey(b, keyStart, keyEnd, DATA_KEY)) {
        if (b[p] !== OPEN) return FALLBACK;
        dataEnd = this.scanPayload(p + 1, end, generation);
        if (dataEnd < 0) return FALLBACK;
        p = dataEnd;
      } else if (isKey(b, keyStart, keyEnd, STREAM_KEY)) {
        const valueEnd = this.valueEnd(p, end);
        if (valueEnd < 0 || this.token !== STRING) return FALLBACK;
        streamStart = p + 1;
        streamEnd = valueEnd - 1;
        p = valueEnd;
      } else if (isKey(b, keyStart, keyEnd, TIME_KEY)) {
        const valueEnd = this.valueEnd(p, end);
        if (valueEnd < 0) return FALLBACK;
        if (this.token === NUMBER) localTimestamp = numberAt(b, p, valueEnd, false);
        if (this.token !== NULL && Number.isNaN(localTimestamp)) return FALLBACK;
        p = valueEnd;
      } else {
        // Another key: a header, event or snapshot line (or a message we leave to JSON.parse).
        return streamStart >= 0 || dataEnd >= 0 ? FALLBACK : NOT_A_MESSAGE;
      }
      if (b[p] === COMMA) {
        p++;
        continue;
      }
      if (b[p] !== CLOSE || p + 1 !== end || streamStart < 0 || dataEnd < 0) return FALLBACK;
      break;
    }
    return this.commit(generation, streamStart, streamEnd, localTimestamp);
  }

  /** Records where each wanted field of a flat payload is; the end of the payload, or -1. */
  private scanPayload(p: number, end: number, generation: number): number {
    const b = this.b;
    if (b[p] === CLOSE) return p + 1;
    for (;;) {
      if (b[p] !== QUOTE) return -1;
      const keyStart = p + 1;
      let keyEnd = keyStart;
      while (keyEnd < end && b[keyEnd] !== QUOTE) {
        if (b[keyEnd] === BACKSLASH) return -1;
        keyEnd++;
      }
      if (b[keyEnd + 1] !== COLON) return -1;
      const slot = keyEnd - keyStart === 1 && b[keyStart] < 128 ? this.plan.byKey[b[keyStart]] : -1;
      const valueStart = keyEnd + 2;
      const valueEnd = this.valueEnd(valueStart, end);
      if (valueEnd < 0) return -1;
      if (slot >= 0) {
        this.seen[slot] = generation;
        this.types[slot] = this.token;
        this.starts[slot] = valueStart;
        this.ends[slot] = valueEnd;
      }
      p = valueEnd;
      if (b[p] === COMMA) p++;
      else if (b[p] === CLOSE) return p + 1;
      else return -1;
    }
  }

  private isEventType(slot: number, generation: number): boolean {
    if (this.seen[slot] !== generation || this.types[slot] !== STRING) return false;
    const wanted = this.plan.eventType;
    const start = this.starts[slot] + 1;
    if (this.ends[slot] - 1 - start !== wanted.length) return false;
    for (let i = 0; i < wanted.length; i++) if (this.b[start + i] !== wanted[i]) return false;
    return true;
  }

  private commit(generation: number, streamStart: number, streamEnd: number, localTimestamp: number): number {
    if (!this.isEventType(this.plan.eventSlot, generation)) return OTHER_TYPE;
    const columns = this.columns;
    columns.reserve();
    const row = columns.length;
    const slots = this.plan.slots;
    for (let s = 0; s < slots.length; s++) {
      if (s === this.plan.eventSlot) continue;
      if (this.seen[s] !== generation) return FALLBACK;
      const kind = slots[s].kind;
      const type = this.types[s];
      const start = this.starts[s];
      const end = this.ends[s];
      const column = columns.values[s];
      if (kind === "boolean") {
        if (type !== TRUE && type !== FALSE) return FALLBACK;
        if (column !== null) (column as Uint8Array)[row] = type === TRUE ? 1 : 0;
      } else if (kind === "enum" || kind === "text") {
        if (type !== STRING || end - start < 3) return FALLBACK;
        if (column !== null) (column as string[])[row] = this.strings.get(start + 1, end - 1);
      } else {
        const decimal = kind === "decimal";
        if (type !== (decimal ? STRING : NUMBER)) return FALLBACK;
        const value = decimal ? numberAt(this.b, start + 1, end - 1, false) : numberAt(this.b, start, end, true);
        if (Number.isNaN(value)) return FALLBACK;
        if (column !== null) (column as Float64Array)[row] = value;
      }
    }
    columns.localTimestamp[row] = localTimestamp;
    columns.stream[row] = this.strings.get(streamStart, streamEnd);
    columns.length++;
    return ROW;
  }
}

/** The slow path for one line: JSON.parse and the schema's decoder, rows appended in order. */
function decodeLine(
  lines: StoredLines,
  start: number,
  end: number,
  isLastLine: boolean,
  messageIndex: number,
  schema: EventSchema,
  decode: RecordDecoder,
  columns: ColumnSet,
): void {
  const b = lines.bytes;
  const text = Buffer.from(b.buffer, b.byteOffset + start, end - start).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (isLastLine) return; // a journal's cut-off last line, as store/read.ts leaves it out
    throw new SampleFileError("CORRUPT_LINE", `A line of ${lines.file} is not valid JSON (${(error as Error).message}): ${excerpt(text, 120)}.`, lines.file);
  }
  if (typeof value !== "object" || value === null) return;
  const message = value as { stream?: unknown; data?: unknown; localTimestamp?: unknown };
  if (typeof message.stream !== "string" || message.data === undefined) return;
  const payloads = Array.isArray(message.data) ? (message.data as unknown[]) : [message.data];
  for (const payload of payloads) {
    if (typeof payload !== "object" || payload === null || (payload as { e?: unknown }).e !== schema.eventType) continue;
    let record: unknown;
    try {
      record = decode(payload, typeof message.localTimestamp === "number" ? message.localTimestamp : null);
    } catch (error) {
      if (error instanceof DecodeError) {
        throw new DecodeError(error.code, `Message ${messageIndex} (${message.stream}): ${error.message}`, error.field, error.text);
      }
      throw error;
    }
    columns.pushRecord(record as Record<string, unknown>, message.stream);
  }
}

/**
 * The stream messages of stored lines, parsed (the slow path, for schemas without a scanner and
 * for seed JSON arrays): `{stream, data, localTimestamp}` per message, in order.
 */
export function readLineMessages(lines: StoredLines): Array<{ stream: string; data: unknown; localTimestamp: number | null }> {
  const text = Buffer.from(lines.bytes.buffer, lines.bytes.byteOffset, lines.bytes.length).toString("utf8");
  const out: Array<{ stream: string; data: unknown; localTimestamp: number | null }> = [];
  const add = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    const message = value as { stream?: unknown; data?: unknown; localTimestamp?: unknown };
    if (typeof message.stream !== "string" || message.data === undefined) return;
    out.push({ stream: message.stream, data: message.data, localTimestamp: typeof message.localTimestamp === "number" ? message.localTimestamp : null });
  };
  if (!isLineOriented(lines)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new SampleFileError("CORRUPT_SAMPLE", `${lines.file} is not valid JSON (${(error as Error).message}).`, lines.file, { cause: error });
    }
    const items = Array.isArray(value) ? value : (value as { messages?: unknown } | null)?.messages;
    if (Array.isArray(items)) items.forEach(add);
    return out;
  }
  const rows = text.split("\n");
  for (let i = 0; i < rows.length; i++) {
    let line = rows[i].trimEnd();
    if (line.endsWith(",")) line = line.slice(0, -1);
    if (!line.startsWith("{")) continue;
    try {
      add(JSON.parse(line));
    } catch (error) {
      if (i >= rows.length - 2) continue; // a journal's cut-off last line
      throw new SampleFileError("CORRUPT_LINE", `Line ${i + 1} of ${lines.file} is not valid JSON (${(error as Error).message}): ${excerpt(line, 120)}.`, lines.file);
    }
  }
  return out;
}
