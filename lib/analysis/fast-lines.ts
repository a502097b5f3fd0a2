/**
 * Stored text for the column builders' fast path (analysis/fast-columns.ts): a sample file,
 * journal or JSONL recording read in chunks that end at line ends (`readStoredLines`), or text
 * already in memory (`storedLinesOf`); and the plain reading of the same lines (`readLineMessages`),
 * for the types and files the scanner leaves to `JSON.parse`.
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { SampleFileError, excerpt } from "../errors";

/**
 * A line-oriented file for the column builders' fast path (`tradeColumns(readStoredLines(f))`):
 * its bytes in chunks that end at line ends, read as they are scanned (a large file is never
 * held whole in memory).
 */
export interface StoredLines {
  readonly kind: "storedLines";
  /** Where the bytes come from, for error messages. */
  readonly file: string;
  /** Total size in bytes (to size the columns). */
  readonly byteLength: number;
  /** The bytes, in order, each chunk ending at a line end (or the end of the file); a chunk is valid until the next is read. */
  chunks(): Iterable<Uint8Array>;
}

/** True for a `StoredLines` value. */
export function isStoredLines(value: unknown): value is StoredLines {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "storedLines" &&
    typeof (value as StoredLines).chunks === "function"
  );
}

const CHUNK_BYTES = 8 << 20;

/** The bytes of an open file in chunks ending at line ends; a line longer than a chunk grows it. */
function* fileChunks(file: string): Generator<Uint8Array> {
  const fd = fs.openSync(file, "r");
  try {
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let kept = 0;
    for (;;) {
      if (kept === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, kept);
        buffer = bigger;
      }
      const read = fs.readSync(fd, buffer, kept, buffer.length - kept, null);
      const filled = kept + read;
      if (read === 0) {
        if (filled > 0) yield buffer.subarray(0, filled);
        return;
      }
      const lastNewline = buffer.lastIndexOf(0x0a, filled - 1);
      if (lastNewline < 0) {
        kept = filled;
        continue;
      }
      yield buffer.subarray(0, lastNewline + 1);
      kept = filled - lastNewline - 1;
      buffer.copy(buffer, 0, lastNewline + 1, filled);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A sample file, journal or JSONL recording for the fast path of the column builders: read in
 * chunks as it is scanned (a `.gz` recording is gunzipped at once).
 * @example const trades = tradeColumns(readStoredLines("data/captures/btcusdt-trade.jsonl"));
 */
export function readStoredLines(file: string): StoredLines {
  if (!fs.existsSync(file)) throw new SampleFileError("FILE_NOT_FOUND", `Sample file ${file} does not exist.`, file);
  if (!file.endsWith(".gz")) return { kind: "storedLines", file, byteLength: fs.statSync(file).size, chunks: () => fileChunks(file) };
  let bytes: Uint8Array;
  try {
    bytes = zlib.gunzipSync(fs.readFileSync(file));
  } catch (error) {
    throw new SampleFileError("CORRUPT_GZIP", `Recording ${file} is not a complete gzip file (${(error as Error).message}).`, file, {
      cause: error,
    });
  }
  return storedLinesOf(bytes, file);
}

/** Text or bytes already in memory as `StoredLines`. */
export function storedLinesOf(text: string | Uint8Array, file = "(text)"): StoredLines {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  return { kind: "storedLines", file, byteLength: bytes.length, chunks: () => [bytes] };
}

/** A Buffer view of `b[start, end)` (no copy). */
export function bufferOf(b: Uint8Array, start: number, end: number): Buffer {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start);
}

/** The whole text (the slow path's input). */
function wholeText(lines: StoredLines): string {
  const copies: Buffer[] = [];
  for (const chunk of lines.chunks()) copies.push(Buffer.from(chunk)); // a chunk is reused once the next is read
  return Buffer.concat(copies).toString("utf8");
}

/** True when the bytes hold one message per line (not a seed JSON array or a pretty-printed file). */
export function isLineOriented(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return i < b.length && b[i] === 0x7b && b[i + 1] === 0x22; // `{"`
}

/**
 * The stream messages of stored lines, parsed (the slow path, for schemas without a scanner and
 * for seed JSON arrays): `{stream, data, localTimestamp}` per message, in order.
 */
export function readLineMessages(lines: StoredLines): Array<{ stream: string; data: unknown; localTimestamp: number | null }> {
  const text = wholeText(lines);
  const out: Array<{ stream: string; data: unknown; localTimestamp: number | null }> = [];
  const add = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    const message = value as { stream?: unknown; data?: unknown; localTimestamp?: unknown };
    if (typeof message.stream !== "string" || message.data === undefined) return;
    out.push({
      stream: message.stream,
      data: message.data,
      localTimestamp: typeof message.localTimestamp === "number" ? message.localTimestamp : null,
    });
  };
  if (!isLineOriented(Buffer.from(text.slice(0, 64 << 10), "utf8"))) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new SampleFileError("CORRUPT_SAMPLE", `${lines.file} is not valid JSON (${(error as Error).message}).`, lines.file, {
        cause: error,
      });
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
      throw new SampleFileError(
        "CORRUPT_LINE",
        `Line ${i + 1} of ${lines.file} is not valid JSON (${(error as Error).message}): ${excerpt(line, 120)}.`,
        lines.file,
      );
    }
  }
  return out;
}
