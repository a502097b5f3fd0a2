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
import { DecodeError, SampleFileError, excerpt } from "../errors";
import type { EventSchema } from "../binance/schema";
import { bufferOf, isLineOriented, type StoredLines } from "./fast-lines";
import * as slotCodes from "./fast-column-set";
import { ColumnSet, planFor, type Plan } from "./fast-column-set";

// Local copies: an imported binding can compile to a getter per read (tsx's CommonJS output),
// which costs more than the rest of the inner loop.
const EVENT = slotCodes.EVENT;
const DECIMAL = slotCodes.DECIMAL;
const INTEGER = slotCodes.INTEGER;
const FLAG = slotCodes.FLAG;
const TEXT = slotCodes.TEXT;

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

/** Strings seen before are returned as the same string, without decoding the bytes again. */
class Interner {
  private readonly byHash = new Map<number, string[]>();
  /** The chunk being scanned. */
  b: Uint8Array = new Uint8Array(0);

  private last = "";

  get(start: number, end: number): string {
    const b = this.b;
    if (sameBytes(this.last, b, start, end)) return this.last;
    let h = end - start;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 16777619);
    const bucket = this.byHash.get(h);
    if (bucket !== undefined) {
      for (const text of bucket) if (sameBytes(text, b, start, end)) return (this.last = text);
    }
    const text = bufferOf(b, start, end).toString("utf8");
    if (bucket === undefined) this.byHash.set(h, [text]);
    else if (bucket.length < 8) bucket.push(text);
    return (this.last = text);
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
    const value = Number(bufferOf(b, start, end).toString("latin1"));
    return integerOnly && !Number.isSafeInteger(value) ? NaN : value;
  }
  const value = fraction > 0 ? m / POW10[fraction] : m;
  return negative ? -value : value;
}

/**
 * The columns of `schema` from stored lines (as an object in the shape of analysis/columns.ts),
 * or `null` when this schema or these bytes have no fast path, or hold no row of the type: the
 * caller then decodes records, and its usual error names what the file holds.
 */
export function fastEventColumns(schema: EventSchema, lines: StoredLines, decode: RecordDecoder): Record<string, unknown> | null {
  const plan = planFor(schema);
  if (plan === null) return null;
  let columns: ColumnSet | null = null;
  let scanner: LineScanner | null = null;
  const state: ScanState = { messageIndex: 0, brokenLine: null };
  for (const chunk of lines.chunks()) {
    if (columns === null || scanner === null) {
      if (!isLineOriented(chunk)) return null;
      // Rows sized from the first chunk's lines per byte (a little over), grown if needed.
      columns = new ColumnSet(plan, Math.ceil(countLines(chunk) * (lines.byteLength / Math.max(1, chunk.length)) * 1.01) + 16);
      scanner = new LineScanner(plan, columns);
    }
    scanChunk(chunk, state, scanner, lines, schema, decode, columns);
  }
  if (columns === null) return null;
  // A broken last line is a journal's cut-off write, left out as store/read.ts does.
  return columns.length === 0 ? null : columns.finish(schema.kind);
}

function countLines(b: Uint8Array): number {
  let n = 1;
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}

interface ScanState {
  messageIndex: number;
  /** The error of a line that was not JSON: thrown when another line follows it. */
  brokenLine: SampleFileError | null;
}

/** Scans the lines of one chunk. */
function scanChunk(
  b: Uint8Array,
  state: ScanState,
  scanner: LineScanner,
  lines: StoredLines,
  schema: EventSchema,
  decode: RecordDecoder,
  columns: ColumnSet,
): void {
  scanner.use(b);
  for (let start = 0; start < b.length;) {
    let end = b.indexOf(0x0a, start);
    const next = end < 0 ? b.length : end + 1;
    if (end < 0) end = b.length;
    let last = end;
    while (last > start && (b[last - 1] === 0x0d || b[last - 1] === COMMA || b[last - 1] === 0x20)) last--;
    if (last > start && state.brokenLine !== null) throw state.brokenLine;
    if (last > start && b[start] === OPEN) {
      const outcome = scanner.scan(start, last);
      if (outcome === FALLBACK) state.brokenLine = decodeLine(b, lines.file, start, last, state.messageIndex, schema, decode, columns);
      if (outcome !== NOT_A_MESSAGE) state.messageIndex++;
    }
    start = next;
  }
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
  private readonly interners: Interner[];
  private readonly streams: Interner;

  private b: Uint8Array = new Uint8Array(0);
  /** Per slot: the number read from its value (`NaN` when it is not a plain number). */
  private readonly parsed: Float64Array;
  /** The value of the last `readNumber`. */
  private number = NaN;

  constructor(
    private readonly plan: Plan,
    private readonly columns: ColumnSet,
  ) {
    this.parsed = new Float64Array(plan.slots.length);
    const n = plan.slots.length;
    this.types = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.seen = new Int32Array(n);
    this.interners = plan.slots.map(() => new Interner());
    this.streams = new Interner();
  }

  /**
   * Reads a plain number (`-?digits[.digits]`) at `p` into `this.number` (exactly `Number(text)`;
   * `NaN` when it has no digits or, with `integerOnly`, is not a safe integer); returns where it
   * stopped, or -1.
   */
  private readNumber(p: number, integerOnly: boolean): number {
    const b = this.b;
    const start = p;
    const negative = b[p] === 0x2d;
    if (negative) p++;
    let m = 0;
    let digits = 0;
    let fraction = -1;
    for (;;) {
      const c = b[p];
      if (c >= 0x30 && c <= 0x39) {
        m = m * 10 + (c - 0x30);
        digits++;
        if (fraction >= 0) fraction++;
      } else if (c === 0x2e && fraction < 0 && digits > 0 && !integerOnly) {
        fraction = 0;
      } else {
        break;
      }
      p++;
    }
    if (digits === 0 || fraction === 0) return -1;
    if (digits > 16 || m > MAX_SAFE || fraction > 22) {
      const value = Number(bufferOf(b, start, p).toString("latin1"));
      this.number = integerOnly && !Number.isSafeInteger(value) ? NaN : value;
      return p;
    }
    const value = fraction > 0 ? m / POW10[fraction] : m;
    this.number = negative ? -value : value;
    return p;
  }

  /** Scans `b` from now on. */
  use(b: Uint8Array): void {
    this.b = b;
    this.streams.b = b;
    for (const interner of this.interners) interner.b = b;
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
    if (c === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) return ((this.token = TRUE), p + 4);
    if (c === 0x66 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 && b[p + 4] === 0x65)
      return ((this.token = FALSE), p + 5);
    if (c === 0x6e && b[p + 1] === 0x75 && b[p + 2] === 0x6c && b[p + 3] === 0x6c) return ((this.token = NULL), p + 4);
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
      const code = slot >= 0 ? this.plan.codes[slot] : -1;
      let valueEnd = -1;
      if (code === DECIMAL || code === INTEGER) {
        // Numbers are read in the same pass that finds their end.
        const quoted = code === DECIMAL;
        const numberEnd = quoted
          ? b[valueStart] === QUOTE
            ? this.readNumber(valueStart + 1, false)
            : -1
          : this.readNumber(valueStart, true);
        if (numberEnd >= 0 && (quoted ? b[numberEnd] === QUOTE : b[numberEnd] === COMMA || b[numberEnd] === CLOSE)) {
          valueEnd = quoted ? numberEnd + 1 : numberEnd;
          this.token = quoted ? STRING : NUMBER;
        } else {
          this.number = NaN;
        }
        this.parsed[slot] = this.number;
      }
      if (valueEnd < 0) valueEnd = this.valueEnd(valueStart, end);
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
    const codes = this.plan.codes;
    for (let s = 0; s < codes.length; s++) {
      const code = codes[s];
      if (code === EVENT) continue;
      if (this.seen[s] !== generation) return FALLBACK;
      const type = this.types[s];
      const start = this.starts[s];
      const end = this.ends[s];
      if (code === FLAG) {
        if (type !== TRUE && type !== FALSE) return FALLBACK;
        const flags = columns.flags[s];
        if (flags !== null) flags[row] = type === TRUE ? 1 : 0;
      } else if (code === TEXT) {
        if (type !== STRING || end - start < 3) return FALLBACK;
        const texts = columns.texts[s];
        if (texts !== null) texts[row] = this.interners[s].get(start + 1, end - 1);
      } else {
        const value = type === (code === DECIMAL ? STRING : NUMBER) ? this.parsed[s] : NaN;
        if (value !== value) return FALLBACK;
        const numbers = columns.numbers[s];
        if (numbers !== null) numbers[row] = value;
      }
    }
    columns.localTimestamp[row] = localTimestamp;
    columns.stream[row] = this.streams.get(streamStart, streamEnd);
    columns.length++;
    return ROW;
  }
}

/** The slow path for one line: JSON.parse and the schema's decoder, rows appended in order; the error of a line that is not JSON. */
function decodeLine(
  b: Uint8Array,
  file: string,
  start: number,
  end: number,
  messageIndex: number,
  schema: EventSchema,
  decode: RecordDecoder,
  columns: ColumnSet,
): SampleFileError | null {
  const text = bufferOf(b, start, end).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new SampleFileError(
      "CORRUPT_LINE",
      `A line of ${file} is not valid JSON (${(error as Error).message}): ${excerpt(text, 120)}.`,
      file,
    );
  }
  if (typeof value !== "object" || value === null) return null;
  const message = value as { stream?: unknown; data?: unknown; localTimestamp?: unknown };
  if (typeof message.stream !== "string" || message.data === undefined) return null;
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
  return null;
}
