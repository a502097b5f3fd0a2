/**
 * Reading files safely: only regular files (a FIFO would hang a reader, a link to a device
 * would never end), never more than a size guard into memory, and line by line with bounded
 * memory for the line formats (journals, format-2 samples, JSONL recordings).
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { SampleFileError } from "../errors";

/** The most a file read whole (a format-1 sample, a gzipped recording) may weigh: larger ones are refused. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;

/** The longest line a line reader accepts. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

const CHUNK_BYTES = 1024 * 1024;

/** One line of a file, without its newline. */
export interface FileLine {
  readonly text: string;
  /** 1-based. */
  readonly number: number;
  /** Whether no line follows it. */
  readonly last: boolean;
  /** Whether it ended with a newline (a line cut off by a kill has none). */
  readonly terminated: boolean;
}

/**
 * The size of `file` after checking it is a regular file (links are followed): `FILE_NOT_FOUND`
 * when it does not exist, `NOT_A_FILE` for a folder, FIFO, socket or device.
 */
export function regularFileSize(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new SampleFileError("FILE_NOT_FOUND", `Sample file ${file} does not exist.`, file, { cause: error });
    throw new SampleFileError("NOT_A_FILE", `Cannot read ${file}: ${(error as Error).message}.`, file, { cause: error });
  }
  if (!stat.isFile()) {
    const what = stat.isDirectory() ? "a folder" : stat.isFIFO() ? "a FIFO" : stat.isSocket() ? "a socket" : "a device";
    throw new SampleFileError("NOT_A_FILE", `${file} is ${what}, not a regular file: only regular files are read as samples.`, file);
  }
  return stat.size;
}

/** Whether `file` is a regular file (links followed); never throws. */
export function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The bytes of a regular file, gunzipped when it ends in `.gz`, refusing anything over `maxBytes` (`FILE_TOO_LARGE`). */
export function readWholeFile(file: string, maxBytes = MAX_WHOLE_FILE_BYTES): Buffer {
  const size = regularFileSize(file);
  if (size > maxBytes) throw tooLarge(file, size, maxBytes);
  const buffer = fs.readFileSync(file);
  if (!file.endsWith(".gz")) return buffer;
  try {
    return zlib.gunzipSync(buffer, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(file, null, maxBytes);
    throw new SampleFileError("CORRUPT_GZIP", `Recording ${file} is not a complete gzip file (${(error as Error).message}).`, file, {
      cause: error,
    });
  }
}

function tooLarge(file: string, size: number | null, maxBytes: number): SampleFileError {
  const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;
  return new SampleFileError(
    "FILE_TOO_LARGE",
    `${file} is ${size === null ? "larger than" : mb(size) + ", over"} the ${mb(maxBytes)} read whole into memory: read a format-2 sample line by line (or with DuckDB), or capture with --rotate.`,
    file,
  );
}

/**
 * The lines of a regular file, read in 1 MB chunks (memory stays bounded whatever the file's
 * size); `.gz` files are gunzipped whole, within `MAX_WHOLE_FILE_BYTES`. A trailing newline ends
 * the last line, it does not start an empty one.
 */
export function* readLines(file: string, maxLineBytes = MAX_LINE_BYTES): Generator<FileLine> {
  if (file.endsWith(".gz")) {
    yield* linesOfBuffer(readWholeFile(file));
    return;
  }
  regularFileSize(file);
  const fd = fs.openSync(file, "r");
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let pending: { text: string; terminated: boolean } | null = null;
    let number = 0;
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      let start = 0;
      for (;;) {
        const end = chunk.indexOf(10, start);
        if (end < 0 || end >= read) break;
        const piece = chunk.subarray(start, end);
        const text = carryBytes === 0 ? piece.toString("utf8") : Buffer.concat([...carry, piece]).toString("utf8");
        carry = [];
        carryBytes = 0;
        if (pending) yield { ...pending, number: ++number, last: false };
        pending = { text, terminated: true };
        start = end + 1;
      }
      if (start < read) {
        carry.push(Buffer.from(chunk.subarray(start, read)));
        carryBytes += read - start;
        if (carryBytes > maxLineBytes)
          throw new SampleFileError(
            "CORRUPT_LINE",
            `Line ${number + (pending ? 2 : 1)} of ${file} is longer than ${maxLineBytes} bytes: not a sample line.`,
            file,
          );
      }
    }
    if (carryBytes > 0) {
      if (pending) yield { ...pending, number: ++number, last: false };
      pending = { text: Buffer.concat(carry).toString("utf8"), terminated: false };
    }
    if (pending) yield { ...pending, number: ++number, last: true };
  } finally {
    fs.closeSync(fd);
  }
}

function* linesOfBuffer(buffer: Buffer): Generator<FileLine> {
  let start = 0;
  let number = 0;
  while (start < buffer.length) {
    const end = buffer.indexOf(10, start);
    const stop = end < 0 ? buffer.length : end;
    const next = end < 0 ? buffer.length : end + 1;
    yield { text: buffer.toString("utf8", start, stop), number: ++number, last: next >= buffer.length, terminated: end >= 0 };
    start = next;
  }
}

/** The first line of a regular file (without its newline), reading at most `maxBytes`; `null` when the file is empty. */
export function readFirstLine(file: string, maxBytes = MAX_LINE_BYTES): string | null {
  for (const line of readLines(file, maxBytes)) return line.text;
  return null;
}
