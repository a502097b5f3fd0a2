/**
 * SQL that reads sample files with DuckDB, one layout each (sources.ts): the raw messages
 * (`source, local_timestamp, stream, data`), the REST snapshots (`source, local_timestamp,
 * symbol, response`) and the capture events and gaps of each sample. JSON Lines go through
 * `read_json(format='newline_delimited')`; a v1 document written by this library is read line by
 * line (its messages are one a line) instead of as one 200 MB object, which is ~10× faster
 * (docs/datasets.md, "Reading samples").
 */
import type { SequenceGap } from "../binance/sequence";
import type { CaptureEvent, StoredDepthSnapshot } from "../store/sample-format";
import { sqlString } from "./duckdb";
import type { SampleEvents, SampleFile } from "./sources";

/** Largest line of a JSON Lines sample (a v2 header with many gaps can be large); DuckDB sizes its buffers by it. */
const MAX_LINE_BYTES = 64 << 20;
/** Largest whole document (`document` layout), read as one JSON object. */
const MAX_DOCUMENT_BYTES = 2147483647;

const LINE_COLUMNS = "{localTimestamp: 'DOUBLE', stream: 'VARCHAR', data: 'JSON', snapshot: 'JSON', event: 'JSON'}";

/** `read_json` of a JSON Lines sample: one row per line, header lines giving NULLs. */
function readLines(sample: SampleFile): string {
  const lenient = sample.isJournal ? ", ignore_errors = true" : "";
  return `read_json(${sqlString(sample.file)}, format = 'newline_delimited', columns = ${LINE_COLUMNS}, maximum_object_size = ${MAX_LINE_BYTES}${lenient})`;
}

/**
 * The lines of a JSON Lines file that hold `key` at the top level (`snapshot`, `event`) as
 * `localTimestamp` and `value` (JSON). Lines are prefiltered by their text (`"key":`), so only
 * the few snapshot or event lines are parsed, not every message; a cut-off line is left out.
 */
function sideLines(sample: SampleFile, key: string): string {
  const candidate = `contains(line, ${sqlString(`"${key}":`)}) AND json_valid(line)`;
  return (
    `(SELECT CAST(j ->> '$.localTimestamp' AS DOUBLE) AS localTimestamp, j -> ${sqlString(`$.${key}`)} AS value ` +
    `FROM (SELECT CASE WHEN ${candidate} THEN CAST(line AS JSON) END AS j FROM ${readTextLines(sample.file)} WHERE ${candidate}) ` +
    `WHERE json_type(j -> ${sqlString(`$.${key}`)}) = 'OBJECT')`
  );
}

/** The lines of a text file as one VARCHAR column `line` (no CSV parsing). */
function readTextLines(file: string): string {
  return `read_csv(${sqlString(file)}, columns = {'line': 'VARCHAR'}, delim = E'\\x01', quote = '', escape = '', header = false, auto_detect = false, max_line_size = ${MAX_LINE_BYTES})`;
}

const MESSAGE_STRUCT = `'{"localTimestamp":"DOUBLE","stream":"VARCHAR","data":"JSON"}'`;

/** Message lines of a v1 document: `{"localTimestamp":…,"stream":"…","data":…},`; its events and snapshots have other keys second. */
const isMessageLine = `regexp_matches(line, '^\\{"localTimestamp":[^,]*,"stream":"')`;

/** SQL of a sample's stream messages: `source, local_timestamp, stream, data`. */
export function sampleMessagesSql(sample: SampleFile): string {
  const source = sqlString(sample.name);
  switch (sample.layout) {
    case "lines":
      return `SELECT ${source} AS source, localTimestamp AS local_timestamp, stream, data FROM ${readLines(sample)} WHERE stream IS NOT NULL AND data IS NOT NULL`;
    case "v1-lines":
      return (
        `SELECT ${source} AS source, m.localTimestamp AS local_timestamp, m.stream AS stream, m.data AS data FROM ` +
        `(SELECT CASE WHEN ${isMessageLine} THEN json_transform(rtrim(line, ','), ${MESSAGE_STRUCT}) END AS m FROM ${readTextLines(sample.file)} ` +
        `WHERE ${isMessageLine})`
      );
    case "array":
      return `SELECT ${source} AS source, localTimestamp AS local_timestamp, stream, data FROM read_json(${sqlString(sample.file)}, format = 'array', columns = {localTimestamp: 'DOUBLE', stream: 'VARCHAR', data: 'JSON'}, maximum_object_size = ${MAX_LINE_BYTES})`;
    case "document":
      return (
        `SELECT ${source} AS source, m.localTimestamp AS local_timestamp, m.stream AS stream, m.data AS data FROM ` +
        `(SELECT unnest(messages) AS m FROM read_json(${sqlString(sample.file)}, format = 'unstructured', ` +
        `columns = {messages: 'STRUCT(localTimestamp DOUBLE, stream VARCHAR, data JSON)[]'}, maximum_object_size = ${MAX_DOCUMENT_BYTES}))`
      );
  }
}

/**
 * SQL of a sample's payloads as maps from wire key to text (`source, local_timestamp, stream,
 * data MAP(VARCHAR, VARCHAR)`), one row per event: array payloads give one row per element.
 * JSON Lines files of object payloads are parsed into maps by the reader itself.
 */
export function samplePayloadsSql(sample: SampleFile): string {
  if (sample.layout === "lines" && sample.objectPayloads) {
    const lenient = sample.isJournal ? ", ignore_errors = true" : "";
    const columns = "{localTimestamp: 'DOUBLE', stream: 'VARCHAR', data: 'MAP(VARCHAR, VARCHAR)'}";
    return (
      `SELECT ${sqlString(sample.name)} AS source, localTimestamp AS local_timestamp, stream, data ` +
      `FROM read_json(${sqlString(sample.file)}, format = 'newline_delimited', columns = ${columns}, maximum_object_size = ${MAX_LINE_BYTES}${lenient}) ` +
      `WHERE stream IS NOT NULL AND data IS NOT NULL`
    );
  }
  const elements = `CASE WHEN json_type(data) = 'ARRAY' THEN CAST(data AS JSON[]) ELSE [data] END`;
  return (
    `SELECT source, local_timestamp, stream, CAST(p AS MAP(VARCHAR, VARCHAR)) AS data ` +
    `FROM (SELECT source, local_timestamp, stream, unnest(${elements}) AS p FROM (${sampleMessagesSql(sample)}))`
  );
}

/** The file named by DuckDB's error when a JSON Lines file read as object payloads holds an array, or `null`. */
export function arrayPayloadFile(error: unknown): string | null {
  const message = error instanceof Error ? `${error.message} ${(error.cause as Error | undefined)?.message ?? ""}` : String(error);
  const match = /JSON transform error in file "([^"]+)"[^]*?Expected OBJECT, but got ARRAY/.exec(message);
  return match ? match[1] : null;
}

/** JSON `[…]` rows as an SQL table with the given `from_json` structure. */
function jsonRowsSql(rows: readonly unknown[], structure: string, columns: string): string {
  return `SELECT ${columns} FROM (SELECT unnest(from_json(${sqlString(JSON.stringify(rows))}, ${sqlString(`[${structure}]`)})) AS r)`;
}

const SNAPSHOT_STRUCT = '{"localTimestamp":"DOUBLE","symbol":"VARCHAR","response":"JSON"}';

/** SQL of a sample's REST depth snapshots: `source, local_timestamp, symbol, response`. */
export function sampleSnapshotsSql(sample: SampleFile, snapshots: readonly StoredDepthSnapshot[] | null): string {
  const source = sqlString(sample.name);
  if (snapshots === null) {
    return `SELECT ${source} AS source, localTimestamp AS local_timestamp, value ->> '$.symbol' AS symbol, value -> '$.response' AS response FROM ${sideLines(sample, "snapshot")}`;
  }
  const rows = snapshots.map((s: StoredDepthSnapshot) => ({ localTimestamp: s.localTimestamp, symbol: s.symbol, response: s.response }));
  return jsonRowsSql(
    rows,
    SNAPSHOT_STRUCT,
    `${source} AS source, r.localTimestamp AS local_timestamp, r.symbol AS symbol, r.response AS response`,
  );
}

/** One `_events` row before typing: what a gap or a capture event says. */
interface EventRow {
  kind: string;
  localTimestamp: number | null;
  eventTime: number | null;
  stream: string | null;
  url: string | null;
  detail: string | null;
  field: string | null;
  expected: number | null;
  actual: number | null;
  missing: number | null;
}

const EVENT_STRUCT =
  '{"kind":"VARCHAR","localTimestamp":"DOUBLE","eventTime":"BIGINT","stream":"VARCHAR","url":"VARCHAR","detail":"VARCHAR","field":"VARCHAR","expected":"BIGINT","actual":"BIGINT","missing":"BIGINT"}';

const EVENT_SELECT =
  "r.kind, r.localTimestamp AS local_timestamp, r.eventTime AS event_time, r.stream, r.url, r.detail, r.field, r.expected, r.actual, r.missing";

function gapRow(gap: SequenceGap): EventRow {
  const missing = gap.missing === null ? "" : `, ${gap.missing} missing`;
  return {
    kind: "gap",
    localTimestamp: gap.localTimestamp,
    eventTime: gap.eventTime,
    stream: gap.stream,
    url: null,
    detail: `${gap.kind} chain broke at ${gap.field}: expected ${gap.expected}, got ${gap.actual}${missing}`,
    field: gap.field,
    expected: gap.expected,
    actual: gap.actual,
    missing: gap.missing,
  };
}

function captureEventRow(event: CaptureEvent): EventRow {
  return {
    kind: event.kind,
    localTimestamp: event.localTimestamp,
    eventTime: null,
    stream: event.stream ?? null,
    url: event.url ?? null,
    detail: event.detail ?? null,
    field: null,
    expected: null,
    actual: null,
    missing: null,
  };
}

/**
 * SQL of a sample's gaps and capture events: `source, kind, local_timestamp, event_time, stream,
 * url, detail, field, expected, actual, missing`. Event lines of JSON Lines files are read by
 * DuckDB; everything else comes from `side`.
 */
export function sampleEventsSql(sample: SampleFile, side: SampleEvents): string {
  const source = sqlString(sample.name);
  const rows = [...side.gaps.map(gapRow), ...(side.events ?? []).map(captureEventRow)];
  const parts = [jsonRowsSql(rows, EVENT_STRUCT, `${source} AS source, ${EVENT_SELECT}`)];
  if (side.events === null) {
    parts.push(
      `SELECT ${source} AS source, value ->> '$.kind' AS kind, localTimestamp AS local_timestamp, NULL::BIGINT AS event_time, value ->> '$.stream' AS stream, ` +
        `value ->> '$.url' AS url, value ->> '$.detail' AS detail, NULL::VARCHAR AS field, NULL::BIGINT AS expected, NULL::BIGINT AS actual, NULL::BIGINT AS missing ` +
        `FROM ${sideLines(sample, "event")}`,
    );
  }
  return parts.join("\nUNION ALL\n");
}
