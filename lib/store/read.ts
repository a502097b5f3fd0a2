/**
 * Reading samples: `loadSample` reads every format the workspace meets: sample files (.json)
 * written by write.ts, the seed notebook's JSON arrays of `{stream, data}`, JSONL recordings
 * (.jsonl, .jsonl.gz, the fixtures' format) and unfinished capture journals (.partial.jsonl).
 * Every problem is a `SampleFileError` naming the file and what is wrong.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { SampleFileError, excerpt } from "../errors";
import { JOURNAL_SUFFIX, type JournalHeaderMeta } from "./journal";
import { buildSampleMeta } from "./meta";
import {
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
export interface ParsedLines {
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

/**
 * `value` as a stored message, or a `SampleFileError` (`INVALID_MESSAGE`) that says where in
 * `file` it is (`where`, e.g. "Line 3") and what a message looks like.
 */
export function checkMessage(value: unknown, where: string, file: string): StoredMessage {
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

/**
 * Splits a journal or JSONL recording into its header, messages, snapshots and events. A cut-off
 * last line of a journal is left out (`truncatedTail`); any other bad line is a `CORRUPT_LINE`.
 */
export function parseLines(text: string, file: string, isJournal: boolean): ParsedLines {
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

/** A journal's source, with the URLs its capture opened (from its `open` events). */
function sourceOfJournal(header: JournalHeaderMeta | null, events: readonly CaptureEvent[], fallback: SampleSource): SampleSource {
  if (!header) return fallback;
  const opened = events.filter((event) => event.kind === "open" && event.url).map((event) => event.url as string);
  return { ...header.source, urls: [...new Set([...(header.source.urls ?? []), ...opened])] };
}

/**
 * The metadata of a parsed line file: its header's fields, the URLs its capture opened, its
 * events then `extra.events`, and an `error` event when its last line was cut off.
 * `fallbackSource` is used when there is no journal header.
 */
export function lineFileMeta(
  parsed: ParsedLines,
  fallbackSource: SampleSource,
  extra: { endedAt?: string | null; complete: boolean; events?: readonly CaptureEvent[] },
): SampleMeta {
  const events = [...parsed.events, ...(extra.events ?? [])];
  if (parsed.truncatedTail) {
    events.push({ localTimestamp: Date.now(), kind: "error", detail: "The journal's last line was cut off mid-write and was left out." });
  }
  const header = parsed.header;
  return buildSampleMeta(parsed.messages, {
    source: sourceOfJournal(header, events, fallbackSource),
    library: header?.library,
    symbols: header?.symbols,
    streams: header?.streams,
    startedAt: header?.startedAt ?? null,
    endedAt: extra.endedAt ?? null,
    complete: extra.complete,
    events,
  });
}

/** The text of `file`, gunzipped when it ends in `.gz`. */
export function readText(file: string): string {
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
    return { ...buildSampleMeta(messages, { source: { kind: "recording", file: path.basename(file) } }), file, messages, snapshots: [] };
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
  const meta = lineFileMeta(parsed, { kind: "recording", file: path.basename(file) }, { complete: !isJournal });
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
