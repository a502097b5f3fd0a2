/**
 * The capture's fast path through a frame: the stream name, where the payload starts, and the
 * payload's top-level scalar members that the capture needs (event type, symbol, event time,
 * ids), read straight from the frame's bytes (as ws hands them over, never decoded to a string)
 * in one pass that also checks the whole frame is JSON, without `JSON.parse`, which would build
 * every price and level of the payload only to throw them away. It accepts only what it has
 * checked completely (no whitespace, no escapes: what Binance sends); anything else returns
 * `null` and goes the slow way (`classifyFrame`'s `JSON.parse`), which is the reference for what
 * is a message and what is malformed.
 *
 * The readers below are plain functions over (bytes, index) returning the index after what they
 * read, or -1: no object per value, no state outside their locals.
 */

const COMBINED_PREFIX = Buffer.from('{"stream":"', "latin1");
const DATA_KEY = Buffer.from('","data":', "latin1");

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
/** Deepest nesting the skipper follows (Binance's payloads nest three deep at most). */
const MAX_DEPTH = 30;

/** How many streams' frame starts a scanner keeps (a connection carries at most 1024 streams). */
const MAX_KNOWN_STARTS = 4096;

/**
 * The start of a checked frame of one stream, up to its second member's value, and what reading
 * it gave: the stream, where the payload starts, the first member (a string) and the second's name.
 */
interface KnownStart {
  /** `streamNameHash` of the frame. */
  readonly key: number;
  readonly stream: string;
  readonly dataStart: number;
  readonly bytes: Buffer;
  /** The first member's (wanted) name and its string value. */
  readonly firstName: string;
  readonly firstValue: string;
  /** The second member's wanted name, or undefined. */
  readonly secondName: string | undefined;
}

/**
 * FNV-1a of the bytes after `{"stream":"` up to the next quote (the stream name of a combined
 * frame), to find the known start of a frame's stream without reading the name into a string.
 * Equal hashes are only a hint: the whole start is compared.
 */
function streamNameHash(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let j = COMBINED_PREFIX.length; j < bytes.length; j++) {
    const c = bytes[j];
    if (c === QUOTE) break;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  return hash >>> 0;
}

/** A frame the fast path has read. */
export interface ScannedFrame {
  readonly stream: string;
  /** Byte index in the frame where the payload (`data`) starts. */
  readonly dataStart: number;
  /** The payload's wanted top-level scalar members, in the order they came. */
  readonly head: Record<string, string | number | boolean | null>;
}

function startsWithAt(bytes: Uint8Array, prefix: Uint8Array, at: number): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

/**
 * The end of the string whose opening quote is at `i`; -1 for escapes, control characters,
 * bytes outside printable ASCII or no end. A frame the fast path accepts is therefore all ASCII,
 * which is valid UTF-8 (the slow path checks the UTF-8 of the others).
 */
function skipString(bytes: Uint8Array, i: number): number {
  const length = bytes.length;
  for (i++; i < length; i++) {
    const c = bytes[i];
    if (c === QUOTE) return i + 1;
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
  }
  return -1;
}

/**
 * The end of an array of arrays of strings at `i` (`[["83869.80","0.002"],…]`: a depth update's
 * levels), or -1 when the array is anything else (then `skipValue` checks it in full).
 */
function skipStringArrays(bytes: Uint8Array, i: number): number {
  i++;
  if (bytes[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    if (bytes[i] !== OPEN_BRACKET) return -1;
    i++;
    if (bytes[i] === CLOSE_BRACKET) i++;
    else {
      for (;;) {
        if (bytes[i] !== QUOTE) return -1;
        i = skipString(bytes, i);
        if (i < 0) return -1;
        const next = bytes[i++];
        if (next === CLOSE_BRACKET) break;
        if (next !== COMMA) return -1;
      }
    }
    const next = bytes[i++];
    if (next === CLOSE_BRACKET) return i;
    if (next !== COMMA) return -1;
  }
}

/** The end of the digits from `i` (a run of zero or more). */
function skipDigits(bytes: Uint8Array, i: number): number {
  let c = bytes[i];
  while (c >= DIGIT_0 && c <= DIGIT_9) c = bytes[++i];
  return i;
}

/** The end of the number at `i` in JSON's grammar, or -1; `-(end + 2)` when it is an integer. */
function skipNumber(bytes: Uint8Array, i: number): number {
  if (bytes[i] === MINUS) i++;
  const first = bytes[i];
  if (first === DIGIT_0) i++;
  else if (first > DIGIT_0 && first <= DIGIT_9) i = skipDigits(bytes, i + 1);
  else return -1;
  let integer = true;
  if (bytes[i] === DOT) {
    const start = ++i;
    i = skipDigits(bytes, i);
    if (i === start) return -1;
    integer = false;
  }
  const c = bytes[i];
  if (c === LOWER_E || c === UPPER_E) {
    i++;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
    const start = i;
    i = skipDigits(bytes, i);
    if (i === start) return -1;
    integer = false;
  }
  return integer ? -(i + 2) : i;
}

/** The end of `true`, `false` or `null` at `i`, or -1. */
function skipLiteral(bytes: Uint8Array, i: number): number {
  const c = bytes[i];
  if (c === 0x74) return bytes[i + 1] === 0x72 && bytes[i + 2] === 0x75 && bytes[i + 3] === 0x65 ? i + 4 : -1;
  if (c === 0x66) return bytes[i + 1] === 0x61 && bytes[i + 2] === 0x6c && bytes[i + 3] === 0x73 && bytes[i + 4] === 0x65 ? i + 5 : -1;
  if (c === 0x6e) return bytes[i + 1] === 0x75 && bytes[i + 2] === 0x6c && bytes[i + 3] === 0x6c ? i + 4 : -1;
  return -1;
}

/** The end of a scalar (string, number, literal) at `i`, or -1. */
function skipScalar(bytes: Uint8Array, i: number): number {
  const c = bytes[i];
  if (c === QUOTE) return skipString(bytes, i);
  if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
    const end = skipNumber(bytes, i);
    return end < -1 ? -end - 2 : end;
  }
  return skipLiteral(bytes, i);
}

/** The index after a member's key and its colon at `i`, or -1. */
function skipKey(bytes: Uint8Array, i: number): number {
  if (bytes[i] !== QUOTE) return -1;
  i = skipString(bytes, i);
  return i < 0 || bytes[i] !== COLON ? -1 : i + 1;
}

/**
 * The end of any JSON value at `i`, or -1, checked against the whole grammar. Nesting is followed
 * with a stack of bits (1: object, 0: array) in one loop, not by recursion.
 */
function skipValue(bytes: Uint8Array, i: number): number {
  let stack = 0;
  let depth = 0;
  for (;;) {
    // A value starts at i.
    const c = bytes[i];
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const isObject = c === OPEN_BRACE;
      i++;
      if (bytes[i] === (isObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
        i++;
      } else {
        if (depth === MAX_DEPTH) return -1;
        stack = (stack << 1) | (isObject ? 1 : 0);
        depth++;
        if (isObject) {
          i = skipKey(bytes, i);
          if (i < 0) return -1;
        }
        continue;
      }
    } else {
      i = skipScalar(bytes, i);
      if (i < 0) return -1;
    }
    // After a value: close what ends here, then a comma leads to the next value.
    for (;;) {
      if (depth === 0) return i;
      const inObject = (stack & 1) === 1;
      const next = bytes[i];
      if (next === COMMA) {
        i++;
        if (inObject) {
          i = skipKey(bytes, i);
          if (i < 0) return -1;
        }
        break;
      }
      if (next !== (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) return -1;
      i++;
      stack >>>= 1;
      depth--;
    }
  }
}

/** The value of the integer in `bytes[start, end)` as `JSON.parse` reads it. */
function integerAt(bytes: Uint8Array, start: number, end: number): number {
  const negative = bytes[start] === MINUS;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) value = value * 10 + (bytes[i] - DIGIT_0);
  // Beyond 2^53 digit-by-digit sums round differently from JSON.parse: let Number decide.
  if (value > Number.MAX_SAFE_INTEGER) return Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1"));
  return negative ? -value : value;
}

function numberAt(bytes: Uint8Array, start: number, end: number): number {
  return Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1"));
}

/**
 * Reads frames of one capture. `fields` are the top-level member names to keep (one or two
 * characters each, e.g. `["e", "E", "s", "t", "pu"]`); other members are checked and skipped.
 */
export class FrameScanner {
  /** Wanted two-character names by `second char << 8 | first char`. */
  private readonly wantedPairs = new Map<number, string>();
  /** The one-character wanted names by their byte (the common case, looked up without hashing). */
  private readonly wantedSingle: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
  /** The last string values seen (stream, symbol, event type) and their bytes, reused when the next frame has the same. */
  private readonly recentStrings: string[] = [];
  private readonly recentBytes: Buffer[] = [];
  /** The known frame start of each stream (of a frame that passed in full), by `streamNameHash`. */
  private readonly knownStarts = new Map<number, KnownStart>();
  /** The start of the frame being read, known once the frame passes. */
  private pendingStart: KnownStart | null = null;

  constructor(fields: readonly string[]) {
    for (const field of fields) {
      const first = field.charCodeAt(0);
      const second = field.charCodeAt(1);
      if (field.length < 1 || field.length > 2 || first > 0xff || (field.length === 2 && second > 0xff)) {
        throw new RangeError(`A head field has one or two Latin-1 characters, not "${field}".`);
      }
      if (field.length === 1) this.wantedSingle[first] = field;
      else this.wantedPairs.set((second << 8) | first, field);
    }
  }

  /**
   * Reads a frame's bytes; `null` when it is not a combined-stream frame this path can vouch for.
   * A frame that starts with the same bytes as an earlier frame of its stream, up to its second
   * member's value (`{"stream":"btcusdt@trade","data":{"e":"trade","E":`), is read from there:
   * those bytes were checked then, and they leave the reader in the same place.
   */
  scan(bytes: Buffer): ScannedFrame | null {
    const known = this.knownStartOf(bytes);
    let stream: string;
    let dataStart: number;
    let i: number;
    let head: Record<string, string | number | boolean | null>;
    /** The member whose value comes next, when the known start ends before a value. */
    let resumeAt: KnownStart | null = null;
    /** The first member's name, when it is a wanted string (the start can then become known). */
    let firstName: string | undefined;
    if (known !== null) {
      stream = known.stream;
      dataStart = known.dataStart;
      i = known.bytes.length;
      head = {};
      head[known.firstName] = known.firstValue;
      resumeAt = known;
    } else {
      this.pendingStart = null;
      if (!startsWithAt(bytes, COMBINED_PREFIX, 0)) return null;
      const nameEnd = skipString(bytes, COMBINED_PREFIX.length - 1) - 1;
      if (nameEnd <= COMBINED_PREFIX.length || !startsWithAt(bytes, DATA_KEY, nameEnd)) return null;
      dataStart = nameEnd + DATA_KEY.length;
      if (bytes[dataStart] !== OPEN_BRACE) return null;
      stream = this.stringAt(bytes, COMBINED_PREFIX.length, nameEnd);
      head = {};
      i = dataStart + 1;
    }
    if (resumeAt === null && bytes[i] === CLOSE_BRACE) i++;
    else {
      for (let member = 0; ; member++) {
        let name: string | undefined;
        if (resumeAt !== null) {
          name = resumeAt.secondName;
          resumeAt = null;
        } else {
          if (bytes[i] !== QUOTE) return null;
          const keyStart = i + 1;
          i = skipString(bytes, i);
          if (i < 0 || bytes[i] !== COLON) return null;
          const keyLength = i - 1 - keyStart;
          i++;
          name =
            keyLength === 1
              ? this.wantedSingle[bytes[keyStart]]
              : keyLength === 2
                ? this.wantedPairs.get((bytes[keyStart + 1] << 8) | bytes[keyStart])
                : undefined;
          // The frame's start up to its second member's value becomes the stream's known start.
          if (member === 1 && known === null && firstName !== undefined) this.remember(bytes, i, stream, dataStart, firstName, head, name);
        }
        const c = bytes[i];
        if (name === undefined || c === OPEN_BRACE || c === OPEN_BRACKET) {
          // Not wanted, or nested (left out as null): checked and skipped.
          const end = c === OPEN_BRACKET ? skipStringArrays(bytes, i) : -1;
          i = end < 0 ? skipValue(bytes, i) : end;
          if (i < 0) return null;
          if (name !== undefined) head[name] = null;
        } else if (c === QUOTE) {
          const start = i + 1;
          i = skipString(bytes, i);
          if (i < 0) return null;
          const value = this.stringAt(bytes, start, i - 1);
          head[name] = value;
          if (member === 0) firstName = name;
        } else if (c >= DIGIT_0 && c <= DIGIT_9) {
          // An unsigned integer (every id and time Binance sends) is read as it is skipped.
          const start = i;
          let value = c - DIGIT_0;
          let d = bytes[++i];
          if (c !== DIGIT_0) {
            while (d >= DIGIT_0 && d <= DIGIT_9) {
              value = value * 10 + (d - DIGIT_0);
              d = bytes[++i];
            }
          }
          if (d === DOT || d === LOWER_E || d === UPPER_E || (d >= DIGIT_0 && d <= DIGIT_9)) {
            // A fraction or an exponent (or a leading zero, which the grammar refuses).
            const end = skipNumber(bytes, start);
            if (end < 0) return null;
            i = end;
            head[name] = numberAt(bytes, start, i);
          } else {
            head[name] = value > Number.MAX_SAFE_INTEGER ? integerAt(bytes, start, i) : value;
          }
        } else if (c === MINUS) {
          const start = i;
          const end = skipNumber(bytes, i);
          if (end === -1) return null;
          i = end < -1 ? -end - 2 : end;
          head[name] = end < -1 ? integerAt(bytes, start, i) : numberAt(bytes, start, i);
        } else {
          const end = skipLiteral(bytes, i);
          if (end < 0) return null;
          head[name] = c === 0x74 ? true : c === 0x66 ? false : null;
          i = end;
        }
        const next = bytes[i++];
        if (next === CLOSE_BRACE) break;
        if (next !== COMMA) return null;
      }
    }
    // The payload must end exactly one byte before the frame does, with the frame's `}`.
    if (i !== bytes.length - 1 || bytes[i] !== CLOSE_BRACE) return null;
    if (known === null) this.confirm(stream);
    return { stream, dataStart, head };
  }

  /** The known start of the frame's stream, when the frame begins with it; null otherwise. */
  private knownStartOf(bytes: Uint8Array): KnownStart | null {
    const start = this.knownStarts.get(streamNameHash(bytes));
    if (start === undefined) return null;
    const prefix = start.bytes;
    const length = prefix.length;
    if (bytes.length <= length) return null;
    for (let j = 0; j < length; j++) if (bytes[j] !== prefix[j]) return null;
    return start;
  }

  /** Notes a frame's start up to its second member's value (`end`), to be known once the whole frame has passed. */
  private remember(
    bytes: Uint8Array,
    end: number,
    stream: string,
    dataStart: number,
    firstName: string,
    head: Readonly<Record<string, unknown>>,
    secondName: string | undefined,
  ): void {
    const key = streamNameHash(bytes);
    if (this.knownStarts.has(key) || this.knownStarts.size >= MAX_KNOWN_STARTS) return;
    const firstValue = head[firstName] as string;
    this.pendingStart = { key, stream, dataStart, bytes: Buffer.from(bytes.subarray(0, end)), firstName, firstValue, secondName };
  }

  /** The frame whose start was noted passed in full: its start is known from now on. */
  private confirm(stream: string): void {
    const pending = this.pendingStart;
    this.pendingStart = null;
    if (pending !== null && pending.stream === stream) this.knownStarts.set(pending.key, pending);
  }

  /** The string in `bytes[start, end)`, the same string object as last time when it repeats. */
  private stringAt(bytes: Buffer, start: number, end: number): string {
    const recent = this.recentBytes;
    const length = end - start;
    for (let i = 0; i < recent.length; i++) {
      const known = recent[i];
      if (known.length !== length) continue;
      let same = true;
      for (let j = 0; j < length; j++) {
        if (known[j] !== bytes[start + j]) {
          same = false;
          break;
        }
      }
      if (same) return this.recentStrings[i];
    }
    const value = bytes.toString("utf8", start, end);
    if (recent.length >= 8) {
      recent.shift();
      this.recentStrings.shift();
    }
    recent.push(Buffer.from(bytes.subarray(start, end)));
    this.recentStrings.push(value);
    return value;
  }
}
