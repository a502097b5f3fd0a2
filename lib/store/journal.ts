/**
 * The capture journal: a JSONL file that a capture appends to as messages arrive, so that a
 * crash or SIGKILL loses nothing already received. Its lines use the recording format of the
 * bundled fixtures, plus a header and events:
 *
 *   {"journal":"streamlab","formatVersion":1,"meta":{...},"writer":{...}}   first line
 *   {"localTimestamp":1680652700441.533,"stream":"btcusdt@trade","data":{...}}   a message, bytes as received
 *   {"localTimestamp":...,"snapshot":{"symbol","limit","response"}}   a REST depth snapshot
 *   {"localTimestamp":...,"event":{"kind","url","detail",...}}       a connection event
 *
 * `finishJournal` (finish.ts) turns a journal into a format-2 sample (`.jsonl`: a header line,
 * then these lines unchanged) with one atomic rename; `recoverJournal` does the same for a
 * journal whose capture never finished. `writer` (process id and host) tells a later capture
 * whether the journal's writer is still running.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InvalidArgumentError, StreamlabError, excerpt } from "../errors";
import type { CaptureEvent, SampleMeta, StoredDepthSnapshot } from "./sample-format";

/** File-name ending of an unfinished capture. */
export const JOURNAL_SUFFIX = ".partial.jsonl";

const COMBINED_PREFIX = '{"stream":"';
const COMBINED_PREFIX_BYTES = Buffer.from(COMBINED_PREFIX, "latin1");
/** Lines wait in one buffer of this size until the end of the event-loop turn (or until it is full). */
const WRITE_BUFFER_BYTES = 1 << 20;
const NEWLINE = 0x0a;

function isCombinedFrame(frame: string | Uint8Array): boolean {
  if (typeof frame === "string") return frame.startsWith(COMBINED_PREFIX);
  if (frame.length < COMBINED_PREFIX_BYTES.length) return false;
  for (let i = 0; i < COMBINED_PREFIX_BYTES.length; i++) if (frame[i] !== COMBINED_PREFIX_BYTES[i]) return false;
  return true;
}

/** The journal's first line: what is known when the capture starts. */
export type JournalHeaderMeta = Pick<SampleMeta, "source" | "symbols" | "streams" | "startedAt" | "library" | "part">;

/** Which process writes a journal, so that another one can tell whether it is still running. */
export interface JournalWriterInfo {
  readonly pid: number;
  readonly host: string;
}

/** This process as a journal writer. */
export function thisWriter(): JournalWriterInfo {
  return { pid: process.pid, host: os.hostname() };
}

/** Journals this process has open, by absolute path. */
const openJournals = new Set<string>();

/** Whether this process is writing `file` right now. */
export function isJournalOpenHere(file: string): boolean {
  return openJournals.has(path.resolve(file));
}

/**
 * Whether the process that writes `file` (its header's `writer`) may still be running: this
 * process with the journal open, or another live process on this host. A journal without a
 * writer, from another host, or whose process is gone is not in use.
 */
export function isJournalInUse(file: string, writer: JournalWriterInfo | null): boolean {
  if (isJournalOpenHere(file)) return true;
  if (!writer || writer.host !== os.hostname() || writer.pid === process.pid) return false;
  try {
    process.kill(writer.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A receive time (ms since the epoch) as the journal writes it: to the microsecond, as `String`
 * writes `Math.round(ms * 1000) / 1000` (e.g. `1680652700441.533`, `1000.5`), without the
 * shortest-double search `String` does for every message.
 */
export function formatReceiveTime(ms: number): string {
  if (!(ms >= 0 && ms < 1e15)) return String(ms);
  const micros = Math.round(ms * 1000);
  const whole = Math.floor(micros / 1000);
  let fraction = micros - whole * 1000;
  if (fraction === 0) return String(whole);
  let digits = 3;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  const text = String(fraction);
  return `${whole}.${"00".slice(0, digits - text.length)}${text}`;
}

const TIME_PREFIX = Buffer.from('{"localTimestamp":', "latin1");
/** The longest receive time `writeTimePrefix` writes: 15 digits, a dot and 3 decimals, or what `String` writes. */
const MAX_TIME_DIGITS = 32;
const COMMA = 0x2c;
const DOT = 0x2e;
const DIGIT_0 = 0x30;

/**
 * Writes `{"localTimestamp":` and `formatReceiveTime(ms)` as ASCII bytes into `bytes` at `at`,
 * without building a string per message: the prefix with the whole milliseconds, which many
 * messages in a row share, is formatted once into `whole` and copied from there. Returns the end.
 */
function writeTimePrefix(bytes: Buffer, at: number, ms: number, whole: WholeMilliseconds): number {
  if (!(ms >= 0 && ms < 1e15)) {
    at += TIME_PREFIX.copy(bytes, at);
    return at + bytes.write(formatReceiveTime(ms), at, "latin1");
  }
  const micros = Math.round(ms * 1000);
  const milliseconds = Math.floor(micros / 1000);
  let fraction = micros - milliseconds * 1000;
  if (milliseconds !== whole.value) {
    whole.value = milliseconds;
    whole.prefix = Buffer.from(`{"localTimestamp":${milliseconds}`, "latin1");
  }
  bytes.set(whole.prefix, at);
  at += whole.prefix.length;
  if (fraction === 0) return at;
  bytes[at++] = DOT;
  for (let unit = 100; fraction > 0; unit /= 10) {
    const digit = Math.floor(fraction / unit);
    bytes[at++] = DIGIT_0 + digit;
    fraction -= digit * unit;
  }
  return at;
}

/** The last whole-millisecond part of a receive time, and the line's start up to it. */
interface WholeMilliseconds {
  value: number;
  prefix: Buffer;
}

/**
 * Appends lines to a journal file. Writes are batched per turn of the event loop and handed to
 * the OS synchronously, so a killed process leaves every message received before its last turn.
 */
export class JournalWriter {
  readonly file: string;
  private fd: number;
  /** Lines not yet written, as bytes: `pending[0, used)`. */
  private readonly pending = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  private used = 0;
  private readonly lastWhole: WholeMilliseconds = { value: -1, prefix: TIME_PREFIX };
  private flushQueued = false;
  private closed = false;
  private written = 0;

  private constructor(file: string, fd: number) {
    this.file = file;
    this.fd = fd;
    openJournals.add(path.resolve(file));
  }

  /** Bytes in the file plus those waiting to be written. */
  get bytes(): number {
    return this.written + this.used;
  }

  /**
   * Creates `<dir>/<name>.partial.jsonl` and writes the header line (with `writer` when given);
   * `JOURNAL_EXISTS` if the file exists.
   */
  static create(dir: string, name: string, meta: JournalHeaderMeta, writer?: JournalWriterInfo): JournalWriter {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name + JOURNAL_SUFFIX);
    let fd: number;
    try {
      fd = fs.openSync(file, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      throw new InvalidArgumentError(
        "JOURNAL_EXISTS",
        `Journal ${file} already exists: choose another name; captured data is never overwritten.`,
        { cause: error },
      );
    }
    const journal = new JournalWriter(file, fd);
    journal.writeNow(
      JSON.stringify(writer ? { journal: "streamlab", formatVersion: 1, meta, writer } : { journal: "streamlab", formatVersion: 1, meta }) +
        "\n",
    );
    return journal;
  }

  /**
   * Appends one combined-stream frame (`{"stream":..,"data":..}`) as received: its bytes (or its
   * text) are kept, with the receive time put first. Anything else is an `InvalidArgumentError`.
   */
  appendFrame(frame: string | Uint8Array, localTimestamp: number): void {
    if (!isCombinedFrame(frame)) {
      const text = typeof frame === "string" ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.length).toString("utf8");
      throw new InvalidArgumentError(
        "NOT_A_COMBINED_FRAME",
        `Cannot journal ${excerpt(text, 80)}: expected a combined-stream frame {"stream":...,"data":...}.`,
      );
    }
    if (typeof frame === "string") return this.push(`{"localTimestamp":${formatReceiveTime(localTimestamp)},${frame.slice(1)}`);
    this.checkOpen();
    // The line: {"localTimestamp":<time>, then the frame without its "{", then a newline.
    const most = TIME_PREFIX.length + MAX_TIME_DIGITS + 1 + frame.length;
    if (this.used + most > this.pending.length) this.flush();
    if (most > this.pending.length) {
      const prefix = Buffer.from(`{"localTimestamp":${formatReceiveTime(localTimestamp)},`, "latin1");
      this.writeNow(Buffer.concat([prefix, frame.subarray(1), Buffer.of(NEWLINE)]));
      return;
    }
    const pending = this.pending;
    let at = writeTimePrefix(pending, this.used, localTimestamp, this.lastWhole);
    // The whole frame goes in after the time, and its "{" becomes the comma: one native copy, no view.
    pending.set(frame, at);
    pending[at] = COMMA;
    at += frame.length;
    pending[at++] = NEWLINE;
    this.used = at;
    this.queueFlush();
  }

  /** Appends a REST depth snapshot. */
  appendSnapshot(snapshot: Omit<StoredDepthSnapshot, "messageIndex">): void {
    const { localTimestamp, ...rest } = snapshot;
    this.push(JSON.stringify({ localTimestamp, snapshot: rest }));
  }

  /** Appends a connection event. */
  appendEvent(event: CaptureEvent): void {
    const { localTimestamp, ...rest } = event;
    this.push(JSON.stringify({ localTimestamp, event: rest }));
  }

  private checkOpen(): void {
    if (this.closed) throw new StreamlabError("JOURNAL_CLOSED", `Journal ${this.file} is closed: nothing more can be appended.`);
  }

  private push(line: string): void {
    this.checkOpen();
    // At most 3 bytes per UTF-16 unit, plus the newline.
    const most = line.length * 3 + 1;
    if (this.used + most > this.pending.length) this.flush();
    if (most > this.pending.length) {
      this.writeNow(Buffer.from(line + "\n", "utf8"));
      return;
    }
    this.used += this.pending.write(line, this.used, "utf8");
    this.pending[this.used++] = NEWLINE;
    this.queueFlush();
  }

  private queueFlush(): void {
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Hands every pending line to the OS now. */
  flush(): void {
    this.flushQueued = false;
    if (this.used === 0 || this.closed) return;
    const length = this.used;
    this.used = 0;
    this.writeNow(this.pending.subarray(0, length));
  }

  private writeNow(bytes: Uint8Array | string): void {
    const buffer = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
    let offset = 0;
    while (offset < buffer.length) offset += fs.writeSync(this.fd, buffer, offset, buffer.length - offset);
    this.written += buffer.length;
  }

  /** Flushes, syncs to disk and closes the file. */
  close(): void {
    if (this.closed) return;
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.closed = true;
    openJournals.delete(path.resolve(this.file));
  }
}

/** Extracts the stream name from a combined frame without parsing it, or `null`. */
export function peekStreamName(frameText: string): string | null {
  if (!frameText.startsWith(COMBINED_PREFIX)) return null;
  const end = frameText.indexOf('"', COMBINED_PREFIX.length);
  return end < 0 ? null : frameText.slice(COMBINED_PREFIX.length, end);
}
