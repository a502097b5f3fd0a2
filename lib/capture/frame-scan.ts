/**
 * The capture's fast path through a frame: the stream name, where the payload starts, and the
 * payload's top-level scalar members that the capture needs (event type, symbol, event time,
 * ids), read straight from the frame's bytes (as ws hands them over, never decoded to a string)
 * in one pass that also checks the whole frame is JSON —
 * without `JSON.parse`, which would build every price and level of the payload only to throw
 * them away. It accepts only what it has checked completely (no whitespace, no escapes: what
 * Binance sends); anything else returns `null` and goes the slow way (`classifyFrame`'s
 * `JSON.parse`), which is the reference for what is a message and what is malformed.
 */

const COMBINED_PREFIX = Buffer.from('{"stream":"', "latin1");
const DATA_KEY = Buffer.from('","data":', "latin1");

const EMPTY = Buffer.alloc(0);
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

/** A frame the fast path has read. */
export interface ScannedFrame {
  readonly stream: string;
  /** Byte index in the frame where the payload (`data`) starts. */
  readonly dataStart: number;
  /** The payload's wanted top-level scalar members, in the order they came. */
  readonly head: Record<string, string | number | boolean | null>;
}

/**
 * Reads frames of one capture. `fields` are the top-level member names to keep (one or two
 * characters each, e.g. `["e", "E", "s", "t", "pu"]`); other members are checked and skipped.
 */
export class FrameScanner {
  /** Wanted names by `length << 16 | second char << 8 | first char`, as interned strings. */
  private readonly wanted = new Map<number, string>();
  /** The one-character wanted names by their byte (the common case, looked up without hashing). */
  private readonly wantedSingle: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
  /** The last string values seen (stream, symbol, event type) and their bytes, reused when the next frame has the same. */
  private readonly recentStrings: string[] = [];
  private readonly recentBytes: Buffer[] = [];
  private pos = 0;
  private text: Buffer = EMPTY;

  constructor(fields: readonly string[]) {
    for (const field of fields) {
      if (field.length < 1 || field.length > 2) throw new RangeError(`A head field has one or two characters, not "${field}".`);
      this.wanted.set(FrameScanner.code(field, 0, field.length), field);
      if (field.length === 1 && field.charCodeAt(0) < 256) this.wantedSingle[field.charCodeAt(0)] = field;
    }
  }

  private static code(name: string, start: number, length: number): number {
    return (length << 16) | ((length > 1 ? name.charCodeAt(start + 1) : 0) << 8) | name.charCodeAt(start);
  }

  private static codeAt(bytes: Buffer, start: number, length: number): number {
    return (length << 16) | ((length > 1 ? bytes[start + 1] : 0) << 8) | bytes[start];
  }

  private static startsWith(bytes: Buffer, prefix: Buffer, at: number): boolean {
    if (at + prefix.length > bytes.length) return false;
    for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
    return true;
  }

  /** Reads a frame's bytes; `null` when it is not a combined-stream frame this path can vouch for. */
  scan(text: Buffer): ScannedFrame | null {
    if (!FrameScanner.startsWith(text, COMBINED_PREFIX, 0)) return null;
    const nameEnd = text.indexOf(QUOTE, COMBINED_PREFIX.length);
    if (nameEnd <= COMBINED_PREFIX.length || !FrameScanner.startsWith(text, DATA_KEY, nameEnd)) return null;
    for (let i = COMBINED_PREFIX.length; i < nameEnd; i++) {
      const c = text[i];
      if (c < 0x20 || c === BACKSLASH) return null;
    }
    const dataStart = nameEnd + DATA_KEY.length;
    if (text[dataStart] !== OPEN_BRACE) return null;
    this.text = text;
    this.pos = dataStart;
    const head = this.readHead();
    // The payload must end exactly one byte before the frame does, with the frame's `}`.
    if (head === null || this.pos !== text.length - 1 || text[this.pos] !== CLOSE_BRACE) return this.done(null);
    return this.done({ stream: this.stringAt(COMBINED_PREFIX.length, nameEnd), dataStart, head });
  }

  private done<T>(value: T): T {
    this.text = EMPTY;
    return value;
  }

  /** Reads the payload object at `pos`, keeping the wanted scalar members. */
  private readHead(): Record<string, string | number | boolean | null> | null {
    const text = this.text;
    const head: Record<string, string | number | boolean | null> = {};
    this.pos++; // {
    if (text[this.pos] === CLOSE_BRACE) {
      this.pos++;
      return head;
    }
    for (;;) {
      if (text[this.pos] !== QUOTE) return null;
      const keyStart = this.pos + 1;
      if (!this.skipString()) return null;
      const keyLength = this.pos - 1 - keyStart;
      if (text[this.pos] !== COLON) return null;
      this.pos++;
      const name =
        keyLength === 1
          ? this.wantedSingle[text[keyStart]]
          : keyLength === 2
            ? this.wanted.get(FrameScanner.codeAt(text, keyStart, keyLength))
            : undefined;
      if (name === undefined) {
        if (!this.skipValue()) return null;
      } else {
        const value = this.readScalar();
        if (value === undefined) return null;
        head[name] = value;
      }
      const c = text[this.pos++];
      if (c === CLOSE_BRACE) return head;
      if (c !== COMMA) return null;
    }
  }

  /** A scalar value at `pos` (a string, number, boolean or null); a nested value is skipped and left out (`null`). */
  private readScalar(): string | number | boolean | null | undefined {
    const text = this.text;
    const c = text[this.pos];
    if (c === QUOTE) {
      const start = this.pos + 1;
      if (!this.skipString()) return undefined;
      return this.stringAt(start, this.pos - 1);
    }
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      const start = this.pos;
      const integer = this.skipNumber();
      if (integer === null) return undefined;
      return integer ? this.integerAt(start, this.pos) : Number(text.toString("latin1", start, this.pos));
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) return this.skipValue() ? null : undefined;
    return this.readLiteral();
  }

  private stringAt(start: number, end: number): string {
    const text = this.text;
    const recent = this.recentBytes;
    const length = end - start;
    for (let i = 0; i < recent.length; i++) {
      const bytes = recent[i];
      if (bytes.length !== length) continue;
      let same = true;
      for (let j = 0; j < length; j++) {
        if (bytes[j] !== text[start + j]) {
          same = false;
          break;
        }
      }
      if (same) return this.recentStrings[i];
    }
    const value = text.toString("utf8", start, end);
    if (recent.length >= 8) {
      recent.shift();
      this.recentStrings.shift();
    }
    recent.push(Buffer.from(text.subarray(start, end)));
    this.recentStrings.push(value);
    return value;
  }

  private integerAt(start: number, end: number): number {
    const text = this.text;
    const negative = text[start] === MINUS;
    let value = 0;
    for (let i = negative ? start + 1 : start; i < end; i++) value = value * 10 + (text[i] - DIGIT_0);
    // Beyond 2^53 digit-by-digit sums round differently from JSON.parse: let Number decide.
    if (value > Number.MAX_SAFE_INTEGER) return Number(text.toString("latin1", start, end));
    return negative ? -value : value;
  }

  /** Skips any JSON value at `pos`; false when it is not one. */
  private skipValue(): boolean {
    const text = this.text;
    const c = text[this.pos];
    if (c === QUOTE) return this.skipString();
    if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) return this.skipNumber() !== null;
    if (c === OPEN_BRACKET) {
      this.pos++;
      if (text[this.pos] === CLOSE_BRACKET) {
        this.pos++;
        return true;
      }
      for (;;) {
        if (!this.skipValue()) return false;
        const next = text[this.pos++];
        if (next === CLOSE_BRACKET) return true;
        if (next !== COMMA) return false;
      }
    }
    if (c === OPEN_BRACE) {
      this.pos++;
      if (text[this.pos] === CLOSE_BRACE) {
        this.pos++;
        return true;
      }
      for (;;) {
        if (text[this.pos] !== QUOTE || !this.skipString()) return false;
        if (text[this.pos++] !== COLON) return false;
        if (!this.skipValue()) return false;
        const next = text[this.pos++];
        if (next === CLOSE_BRACE) return true;
        if (next !== COMMA) return false;
      }
    }
    return this.readLiteral() !== undefined;
  }

  /** Skips a string at `pos` (its opening quote); false for escapes, control characters or no end. */
  private skipString(): boolean {
    const text = this.text;
    const length = text.length;
    for (let i = this.pos + 1; i < length; i++) {
      const c = text[i];
      if (c === QUOTE) {
        this.pos = i + 1;
        return true;
      }
      if (c < 0x20 || c === BACKSLASH) return false;
    }
    return false;
  }

  /** Skips a number at `pos` in JSON's grammar; true when it is an integer, null when it is not a number. */
  private skipNumber(): boolean | null {
    const text = this.text;
    let i = this.pos;
    if (text[i] === MINUS) i++;
    let c = text[i];
    if (c === DIGIT_0) c = text[++i];
    else if (c >= DIGIT_0 + 1 && c <= DIGIT_9) {
      do c = text[++i];
      while (c >= DIGIT_0 && c <= DIGIT_9);
    } else return null;
    let integer = true;
    if (c === DOT) {
      integer = false;
      c = text[++i];
      if (!(c >= DIGIT_0 && c <= DIGIT_9)) return null;
      do c = text[++i];
      while (c >= DIGIT_0 && c <= DIGIT_9);
    }
    if (c === LOWER_E || c === UPPER_E) {
      integer = false;
      c = text[++i];
      if (c === PLUS || c === MINUS) c = text[++i];
      if (!(c >= DIGIT_0 && c <= DIGIT_9)) return null;
      do c = text[++i];
      while (c >= DIGIT_0 && c <= DIGIT_9);
    }
    this.pos = i;
    return integer;
  }

  private readLiteral(): boolean | null | undefined {
    const text = this.text;
    const at = this.pos;
    const c = text[at];
    if (c === 0x74 && text[at + 1] === 0x72 && text[at + 2] === 0x75 && text[at + 3] === 0x65) {
      this.pos += 4;
      return true;
    }
    if (c === 0x66 && text[at + 1] === 0x61 && text[at + 2] === 0x6c && text[at + 3] === 0x73 && text[at + 4] === 0x65) {
      this.pos += 5;
      return false;
    }
    if (c === 0x6e && text[at + 1] === 0x75 && text[at + 2] === 0x6c && text[at + 3] === 0x6c) {
      this.pos += 4;
      return null;
    }
    return undefined;
  }
}
