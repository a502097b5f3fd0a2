/**
 * The capture journal: a JSONL file that a capture appends to as messages arrive, so that a
 * crash or SIGKILL loses nothing already received. Its lines use the recording format of the
 * bundled fixtures, plus a header and events:
 *
 *   {"journal":"streamlab","formatVersion":1,"meta":{...}}          first line
 *   {"localTimestamp":1680652700441.533,"stream":"btcusdt@trade","data":{...}}   a message, bytes as received
 *   {"localTimestamp":...,"snapshot":{"symbol","limit","response"}}   a REST depth snapshot
 *   {"localTimestamp":...,"event":{"kind","url","detail",...}}       a connection event
 *
 * `finishJournal` (finish.ts) turns a journal into a sample file (.json) with one atomic
 * rename; `recoverJournal` does the same for a journal whose capture never finished.
 */
import * as fs from "fs";
import * as path from "path";
import { InvalidArgumentError, StreamlabError, excerpt } from "../errors";
import type { CaptureEvent, SampleMeta, StoredDepthSnapshot } from "./sample-format";

/** File-name ending of an unfinished capture. */
export const JOURNAL_SUFFIX = ".partial.jsonl";

const COMBINED_PREFIX = '{"stream":"';

/** The journal's first line: what is known when the capture starts. */
export type JournalHeaderMeta = Pick<SampleMeta, "source" | "symbols" | "streams" | "startedAt" | "library">;

/**
 * Appends lines to a journal file. Writes are batched per turn of the event loop and handed to
 * the OS synchronously, so a killed process leaves every message received before its last turn.
 */
export class JournalWriter {
  readonly file: string;
  private fd: number;
  private pending: string[] = [];
  private flushQueued = false;
  private closed = false;

  private constructor(file: string, fd: number) {
    this.file = file;
    this.fd = fd;
  }

  /** Creates `<dir>/<name>.partial.jsonl` and writes the header line; `JOURNAL_EXISTS` if the file exists. */
  static create(dir: string, name: string, meta: JournalHeaderMeta): JournalWriter {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name + JOURNAL_SUFFIX);
    let fd: number;
    try {
      fd = fs.openSync(file, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      throw new InvalidArgumentError("JOURNAL_EXISTS", `Journal ${file} already exists: choose another name; captured data is never overwritten.`, { cause: error });
    }
    const writer = new JournalWriter(file, fd);
    fs.writeSync(fd, JSON.stringify({ journal: "streamlab", formatVersion: 1, meta }) + "\n");
    return writer;
  }

  /**
   * Appends one combined-stream frame (`{"stream":..,"data":..}`) as received: its bytes are
   * kept, with the receive time put first. Anything else is an `InvalidArgumentError`.
   */
  appendFrame(frameText: string, localTimestamp: number): void {
    if (!frameText.startsWith(COMBINED_PREFIX)) {
      throw new InvalidArgumentError("NOT_A_COMBINED_FRAME", `Cannot journal ${excerpt(frameText, 80)}: expected a combined-stream frame {"stream":...,"data":...}.`);
    }
    this.push(`{"localTimestamp":${localTimestamp},${frameText.slice(1)}`);
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

  private push(line: string): void {
    if (this.closed) throw new StreamlabError("JOURNAL_CLOSED", `Journal ${this.file} is closed: nothing more can be appended.`);
    this.pending.push(line);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Hands every pending line to the OS now. */
  flush(): void {
    this.flushQueued = false;
    if (this.pending.length === 0 || this.closed) return;
    const text = this.pending.join("\n") + "\n";
    this.pending = [];
    fs.writeSync(this.fd, text);
  }

  /** Flushes, syncs to disk and closes the file. */
  close(): void {
    if (this.closed) return;
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.closed = true;
  }
}

/** Extracts the stream name from a combined frame without parsing it, or `null`. */
export function peekStreamName(frameText: string): string | null {
  if (!frameText.startsWith(COMBINED_PREFIX)) return null;
  const end = frameText.indexOf('"', COMBINED_PREFIX.length);
  return end < 0 ? null : frameText.slice(COMBINED_PREFIX.length, end);
}
