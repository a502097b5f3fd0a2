/**
 * Reading samples: `loadSample` reads every format the workspace meets: format-2 samples
 * (`.jsonl` with a header line), format-1 samples (`.json`, one document), the seed notebook's
 * JSON arrays of `{stream, data}`, JSONL recordings (.jsonl, .jsonl.gz, the fixtures' format) and
 * unfinished capture journals (.partial.jsonl). Only regular files are read, line files line by
 * line, and what a file says about itself is checked (validate.ts). Every problem is a
 * `SampleFileError` naming the file and what is wrong.
 */
import * as path from "path";
import { SampleFileError, excerpt } from "../errors";
import { readLines, readWholeFile } from "./files";
import { JOURNAL_SUFFIX, type JournalHeaderMeta, type JournalWriterInfo } from "./journal";
import { SampleMetaBuilder, buildSampleMeta } from "./meta";
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
import { checkEventLine, checkJournalHeader, checkSampleMeta, checkSnapshotLine, isRecord } from "./validate";

/**
 * `value` as a stored message, or a `SampleFileError` (`INVALID_MESSAGE`) that says where in
 * `file` it is (`where`, e.g. "Line 3") and what a message looks like.
 */
export function checkMessage(value: unknown, where: string, file: string): StoredMessage {
  if (!isRecord(value) || typeof value.stream !== "string" || (!isRecord(value.data) && !Array.isArray(value.data))) {
    throw new SampleFileError(
      "INVALID_MESSAGE",
      `${where} of ${file} is not a stream message: got ${excerpt(JSON.stringify(value) ?? String(value), 120)}, expected {"stream": "...", "data": {...}}.`,
      file,
    );
  }
  const localTimestamp = value.localTimestamp;
  if (localTimestamp !== undefined && localTimestamp !== null && typeof localTimestamp !== "number") {
    throw new SampleFileError(
      "INVALID_MESSAGE",
      `${where} of ${file} has localTimestamp ${JSON.stringify(localTimestamp)}: expected a number of ms.`,
      file,
    );
  }
  return { localTimestamp: typeof localTimestamp === "number" ? localTimestamp : null, stream: value.stream, data: value.data };
}

/** One line of a line file (journal, format-2 sample, JSONL recording), parsed and checked. */
export type LineRecord =
  | { readonly kind: "sample-header"; readonly meta: SampleMeta }
  | { readonly kind: "journal-header"; readonly meta: JournalHeaderMeta; readonly writer: JournalWriterInfo | null }
  | { readonly kind: "message"; readonly message: StoredMessage }
  | { readonly kind: "snapshot"; readonly snapshot: Omit<StoredDepthSnapshot, "messageIndex"> }
  | { readonly kind: "event"; readonly event: CaptureEvent };

/**
 * Parses line `number` of `file`. Headers are recognised on line 1 only. Throws `CORRUPT_LINE`
 * (not JSON, not an object), `INVALID_MESSAGE`, `INVALID_META` or `UNSUPPORTED_VERSION`.
 */
export function parseLine(text: string, number: number, file: string): LineRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SampleFileError(
      "CORRUPT_LINE",
      `Line ${number} of ${file} is not valid JSON (${(error as Error).message}): ${excerpt(text, 120)}.`,
      file,
      { cause: error },
    );
  }
  if (!isRecord(value))
    throw new SampleFileError("CORRUPT_LINE", `Line ${number} of ${file} is not a JSON object: ${excerpt(text, 120)}.`, file);
  if (number === 1 && value.format === SAMPLE_FORMAT) {
    checkVersion(value.formatVersion, file);
    return {
      kind: "sample-header",
      meta: checkSampleMeta(
        { ...(isRecord(value.meta) ? value.meta : {}), format: SAMPLE_FORMAT, formatVersion: value.formatVersion },
        file,
        "The header",
      ),
    };
  }
  if (number === 1 && value.journal === "streamlab") {
    const writer =
      isRecord(value.writer) && typeof value.writer.pid === "number" && typeof value.writer.host === "string"
        ? (value.writer as unknown as JournalWriterInfo)
        : null;
    return { kind: "journal-header", meta: checkJournalHeader(value.meta, file), writer };
  }
  if (isRecord(value.snapshot)) return { kind: "snapshot", snapshot: checkSnapshotLine(value, value.snapshot, file, `Line ${number}`) };
  if (isRecord(value.event)) return { kind: "event", event: checkEventLine(value, value.event, file, `Line ${number}`) };
  return { kind: "message", message: checkMessage(value, `Line ${number}`, file) };
}

function checkVersion(version: unknown, file: string): void {
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1 || version > SAMPLE_FORMAT_VERSION) {
    throw new SampleFileError(
      "UNSUPPORTED_VERSION",
      `Sample file ${file} has formatVersion ${JSON.stringify(version)}: this library reads up to ${SAMPLE_FORMAT_VERSION}.`,
      file,
    );
  }
}

/** A journal's source, with the URLs its capture opened (from its `open` events). */
export function sourceOfJournal(header: JournalHeaderMeta | null, openedUrls: readonly string[], fallback: SampleSource): SampleSource {
  if (!header) return fallback;
  return { ...header.source, urls: [...new Set([...(header.source.urls ?? []), ...openedUrls])] };
}

/** Everything a line file holds, read line by line. */
interface LineFileContent {
  sampleHeader: SampleMeta | null;
  journalHeader: JournalHeaderMeta | null;
  builder: SampleMetaBuilder;
  messages: StoredMessage[];
  snapshots: StoredDepthSnapshot[];
  events: CaptureEvent[];
  openedUrls: string[];
  truncatedTail: boolean;
}

/** Reads a line file strictly: a cut-off last line of a journal is left out (`truncatedTail`); any other bad line throws. */
function readLineFile(file: string, isJournal: boolean): LineFileContent {
  const content: LineFileContent = {
    sampleHeader: null,
    journalHeader: null,
    builder: new SampleMetaBuilder(),
    messages: [],
    snapshots: [],
    events: [],
    openedUrls: [],
    truncatedTail: false,
  };
  for (const line of readLines(file)) {
    if (line.text.trim() === "") continue;
    let record: LineRecord;
    try {
      record = parseLine(line.text, line.number, file);
    } catch (error) {
      if (line.last && isJournal && !line.terminated) {
        content.truncatedTail = true;
        break;
      }
      if (line.last && error instanceof SampleFileError && error.code === "CORRUPT_LINE") {
        throw new SampleFileError("CORRUPT_LINE", `${error.message} The file looks truncated.`, file, { cause: error });
      }
      throw error;
    }
    switch (record.kind) {
      case "sample-header":
        content.sampleHeader = record.meta;
        break;
      case "journal-header":
        content.journalHeader = record.meta;
        break;
      case "message":
        content.messages.push(record.message);
        content.builder.addMessage(record.message.stream, record.message.data, record.message.localTimestamp);
        break;
      case "snapshot":
        content.snapshots.push({ ...record.snapshot, messageIndex: content.messages.length });
        break;
      case "event":
        content.events.push(record.event);
        if (record.event.kind === "open" && record.event.url) content.openedUrls.push(record.event.url);
        break;
    }
  }
  return content;
}

/** The event noting a journal's cut-off last line. */
export function truncatedTailEvent(): CaptureEvent {
  return { localTimestamp: Date.now(), kind: "error", detail: "The journal's last line was cut off mid-write and was left out." };
}

function loadLineSample(file: string): Sample {
  const isJournal = file.endsWith(JOURNAL_SUFFIX);
  const content = readLineFile(file, isJournal);
  const { messages, snapshots } = content;
  if (content.sampleHeader) {
    const header = content.sampleHeader;
    if (header.count !== messages.length) {
      throw new SampleFileError(
        "COUNT_MISMATCH",
        `Sample file ${file} says count ${header.count} but holds ${messages.length} messages.`,
        file,
      );
    }
    return { ...header, events: content.events, file, messages, snapshots };
  }
  const events = content.truncatedTail ? [...content.events, truncatedTailEvent()] : content.events;
  const header = content.journalHeader;
  const { eventCounts: _counts, ...meta } = content.builder.build({
    source: sourceOfJournal(header, content.openedUrls, { kind: "recording", file: path.basename(file) }),
    library: header?.library,
    symbols: header?.symbols,
    streams: header?.streams,
    startedAt: header?.startedAt ?? null,
    endedAt: null,
    complete: !isJournal,
    events,
    ...(header?.part ? { part: header.part } : {}),
  });
  return { ...meta, file, messages, snapshots };
}

function loadJsonSample(file: string): Sample {
  const text = readWholeFile(file).toString("utf8");
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
  checkVersion(value.formatVersion, file);
  if (!Array.isArray(value.messages)) throw new SampleFileError("INVALID_SAMPLE", `Sample file ${file} has no "messages" array.`, file);
  const messages = value.messages.map((item, i) => checkMessage(item, `Message ${i}`, file));
  if (value.count !== messages.length && Number.isInteger(value.count)) {
    throw new SampleFileError(
      "COUNT_MISMATCH",
      `Sample file ${file} says count ${String(value.count)} but holds ${messages.length} messages.`,
      file,
    );
  }
  const { messages: _messages, snapshots: rawSnapshots, ...rest } = value;
  const meta = checkSampleMeta(rest, file, "The sample");
  if (rawSnapshots !== undefined && !Array.isArray(rawSnapshots))
    throw new SampleFileError("INVALID_SAMPLE", `Sample file ${file} has "snapshots" that is not a list.`, file);
  const snapshots = ((rawSnapshots ?? []) as unknown[]).map((snapshot, i) => {
    if (!isRecord(snapshot)) throw new SampleFileError("INVALID_SAMPLE", `Snapshot ${i} of ${file} is not an object.`, file);
    const checked = checkSnapshotLine(snapshot, snapshot, file, `Snapshot ${i}`);
    return { ...checked, messageIndex: typeof snapshot.messageIndex === "number" ? snapshot.messageIndex : 0 };
  });
  return { ...meta, file, messages, snapshots };
}

/**
 * Loads a format-2 sample (.jsonl with a header), a format-1 sample (.json), a seed JSON array,
 * a JSONL recording (.jsonl / .jsonl.gz) or an unfinished capture journal (.partial.jsonl,
 * loaded with `complete: false`). Throws `SampleFileError` naming the file and what is wrong for
 * anything else, including files that are not regular files (`NOT_A_FILE`) and metadata that
 * does not hold up (`INVALID_META`).
 * @example const sample = loadSample("data/bundled/btcusdt-trade.json"); sample.messages[0].data
 */
export function loadSample(file: string): Sample {
  return /\.jsonl(\.gz)?$/.test(file) ? loadLineSample(file) : loadJsonSample(file);
}
