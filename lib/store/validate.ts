/**
 * Checking what a file claims about itself before anything uses it: a sample's metadata (format
 * 1 document or format 2 header), a journal's header, and the snapshot and event lines. Every
 * problem is a `SampleFileError` (`INVALID_META`) naming the file and the field, never a
 * `Cannot read properties of undefined` or an `Invalid time value` later on.
 */
import { SampleFileError, excerpt } from "../errors";
import type { JournalHeaderMeta } from "./journal";
import type { CaptureEvent, SampleMeta, SamplePart, SampleSource, StoredDepthSnapshot } from "./sample-format";

/** Whether `value` is a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const SOURCE_KINDS = ["live", "replay", "recording"];

class MetaChecker {
  constructor(
    private readonly file: string,
    private readonly where: string,
  ) {}

  fail(field: string, value: unknown, expected: string): never {
    const shown = value === undefined ? "nothing" : excerpt(JSON.stringify(value) ?? String(value), 80);
    throw new SampleFileError("INVALID_META", `${this.where} of ${this.file} has ${field} ${shown}: expected ${expected}.`, this.file);
  }

  string(value: unknown, field: string): string {
    return typeof value === "string" ? value : this.fail(field, value, "a string");
  }

  optionalString(value: unknown, field: string): string | undefined {
    return value === undefined ? undefined : this.string(value, field);
  }

  strings(value: unknown, field: string): string[] {
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) return this.fail(field, value, "a list of strings");
    return value as string[];
  }

  time(value: unknown, field: string): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== "string" || !Number.isFinite(Date.parse(value)))
      return this.fail(field, value, 'an ISO time such as "2026-01-01T00:00:00.000Z", or null');
    return value;
  }

  number(value: unknown, field: string): number {
    return typeof value === "number" && Number.isFinite(value) ? value : this.fail(field, value, "a number");
  }

  nullableNumber(value: unknown, field: string): number | null {
    return value === null || value === undefined ? null : this.number(value, field);
  }

  count(value: unknown, field: string): number {
    return Number.isInteger(value) && (value as number) >= 0 ? (value as number) : this.fail(field, value, "a whole number, 0 or more");
  }

  library(value: unknown): SampleMeta["library"] {
    if (!isRecord(value)) return this.fail("library", value, 'an object such as {"name": "streamlab", "version": "0.1.0"}');
    return { name: this.string(value.name, "library.name"), version: this.string(value.version, "library.version") };
  }

  source(value: unknown): SampleSource {
    if (!isRecord(value)) return this.fail("source", value, 'an object such as {"kind": "live"}');
    if (!SOURCE_KINDS.includes(value.kind as string)) this.fail("source.kind", value.kind, SOURCE_KINDS.join(", "));
    for (const key of ["wsBaseUrl", "restBaseUrl", "file", "attribution"]) this.optionalString(value[key], `source.${key}`);
    if (value.urls !== undefined) this.strings(value.urls, "source.urls");
    return value as unknown as SampleSource;
  }

  events(value: unknown, field = "events"): CaptureEvent[] {
    if (!Array.isArray(value)) return this.fail(field, value, "a list of events");
    value.forEach((event, i) => this.event(event, `${field}[${i}]`));
    return value as CaptureEvent[];
  }

  event(value: unknown, field: string): void {
    if (!isRecord(value)) this.fail(field, value, 'an event such as {"localTimestamp": 1, "kind": "open"}');
    this.number(value.localTimestamp, `${field}.localTimestamp`);
    this.string(value.kind, `${field}.kind`);
    for (const key of ["url", "stream", "detail"]) this.optionalString(value[key], `${field}.${key}`);
  }

  countsByStream(value: unknown): Record<string, number> {
    if (!isRecord(value)) return this.fail("countsByStream", value, 'an object of counts such as {"btcusdt@trade": 5}');
    for (const [stream, n] of Object.entries(value)) this.count(n, `countsByStream["${stream}"]`);
    return value as Record<string, number>;
  }

  gaps(value: unknown): SampleMeta["gaps"] {
    if (!Array.isArray(value)) return this.fail("gaps", value, "a list of sequence gaps");
    value.forEach((gap, i) => {
      if (!isRecord(gap)) this.fail(`gaps[${i}]`, gap, "a sequence gap object");
      this.string(gap.stream, `gaps[${i}].stream`);
      this.string(gap.field, `gaps[${i}].field`);
      this.count(gap.index, `gaps[${i}].index`);
    });
    return value as SampleMeta["gaps"];
  }

  part(value: unknown): SamplePart | undefined {
    if (value === undefined) return undefined;
    if (!isRecord(value)) return this.fail("part", value, 'an object such as {"index": 2, "previous": "x-0001.jsonl"}');
    if (!Number.isInteger(value.index) || (value.index as number) < 1) this.fail("part.index", value.index, "a whole number, 1 or more");
    if (value.previous !== null) this.string(value.previous, "part.previous");
    return { index: value.index as number, previous: value.previous as string | null };
  }
}

/**
 * `value` as a sample's metadata (a format-1 document or a format-2 header's `meta`), every
 * field checked; `where` names the place (e.g. "The header"). Throws `INVALID_META`.
 */
export function checkSampleMeta(value: unknown, file: string, where: string): SampleMeta {
  const check = new MetaChecker(file, where);
  if (!isRecord(value)) return check.fail("meta", value, "an object");
  const meta: SampleMeta = {
    format: value.format as SampleMeta["format"],
    formatVersion: check.number(value.formatVersion, "formatVersion"),
    library: check.library(value.library),
    source: check.source(value.source),
    symbols: check.strings(value.symbols, "symbols"),
    streams: check.strings(value.streams, "streams"),
    startedAt: check.time(value.startedAt, "startedAt"),
    endedAt: check.time(value.endedAt, "endedAt"),
    firstEventTime: check.nullableNumber(value.firstEventTime, "firstEventTime"),
    lastEventTime: check.nullableNumber(value.lastEventTime, "lastEventTime"),
    count: check.count(value.count, "count"),
    countsByStream: check.countsByStream(value.countsByStream),
    complete: typeof value.complete === "boolean" ? value.complete : check.fail("complete", value.complete, "true or false"),
    gaps: check.gaps(value.gaps),
    events: check.events(value.events),
  };
  const part = check.part(value.part);
  const eventCounts = isRecord(value.eventCounts) ? (value.eventCounts as SampleMeta["eventCounts"]) : undefined;
  return { ...meta, ...(eventCounts ? { eventCounts } : {}), ...(part ? { part } : {}) };
}

/** `value` as a journal header's `meta`, checked the same way. */
export function checkJournalHeader(value: unknown, file: string): JournalHeaderMeta {
  const check = new MetaChecker(file, "The journal header");
  if (!isRecord(value)) return check.fail("meta", value, "an object");
  const part = check.part(value.part);
  return {
    library: check.library(value.library),
    source: check.source(value.source),
    symbols: check.strings(value.symbols, "symbols"),
    streams: check.strings(value.streams, "streams"),
    startedAt: check.time(value.startedAt, "startedAt"),
    ...(part ? { part } : {}),
  };
}

/** A snapshot line's `snapshot` checked (`where` names the line); `messageIndex` is added by the reader. */
export function checkSnapshotLine(
  value: Record<string, unknown>,
  snapshot: Record<string, unknown>,
  file: string,
  where: string,
): Omit<StoredDepthSnapshot, "messageIndex"> {
  const check = new MetaChecker(file, where);
  if (!isRecord(snapshot.response)) check.fail("snapshot.response", snapshot.response, "a depth snapshot object");
  return {
    localTimestamp: check.nullableNumber(value.localTimestamp, "localTimestamp"),
    symbol: check.string(snapshot.symbol, "snapshot.symbol"),
    limit: check.number(snapshot.limit, "snapshot.limit"),
    response: snapshot.response as unknown as StoredDepthSnapshot["response"],
  };
}

/** An event line checked (`where` names the line). */
export function checkEventLine(value: Record<string, unknown>, event: Record<string, unknown>, file: string, where: string): CaptureEvent {
  const check = new MetaChecker(file, where);
  const result = { localTimestamp: value.localTimestamp, ...event };
  check.event(result, "event");
  return result as CaptureEvent;
}
