/**
 * Error classes with a stable `code`, so callers (and tests) can tell failures apart without
 * parsing messages. Every message is one sentence that names the offending value.
 *
 * Every code belongs to exactly one class (`ERROR_CODES`), and every class to one category:
 * `usage` (exit status 2: the command line, or a value or file the user named, is wrong; fix the
 * input and run again) or `runtime` (exit status 1: something failed while running: network,
 * server, a tool the command needs). `docs/errors.md` lists every code with what to do.
 */

/** `usage`: bad input named by the user (exit status 2); `runtime`: a failure while running (exit status 1). */
export type ErrorCategory = "usage" | "runtime";

/** The exit status of the `streamlab` command for each category. */
export const EXIT_STATUS = { usage: 2, runtime: 1 } as const satisfies Readonly<Record<ErrorCategory, number>>;

/** The category of each error class. */
export const ERROR_CLASSES = {
  UsageError: "usage",
  InvalidArgumentError: "usage",
  SampleFileError: "usage",
  DecodeError: "runtime",
  ConnectionError: "runtime",
  StreamlabError: "runtime",
} as const satisfies Readonly<Record<string, ErrorCategory>>;

/** The name of an error class, e.g. `"InvalidArgumentError"`. */
export type ErrorClassName = keyof typeof ERROR_CLASSES;

/**
 * Every code this library throws, mapped to the one class that throws it. `StreamlabError`'s
 * own codes are thrown by the base class itself (missing tools, failed renders).
 */
export const ERROR_CODES = {
  // UsageError: the streamlab command line.
  UNKNOWN_COMMAND: "UsageError",
  UNKNOWN_FLAG: "UsageError",
  INVALID_FLAG_VALUE: "UsageError",
  CONFLICTING_FLAGS: "UsageError",
  MISSING_ARGUMENT: "UsageError",
  TOO_MANY_ARGUMENTS: "UsageError",
  NO_SUCH_PATH: "UsageError",

  // InvalidArgumentError: a function was given a value it cannot accept.
  UNKNOWN_STREAM_TYPE: "InvalidArgumentError",
  INVALID_STREAM_NAME: "InvalidArgumentError",
  INVALID_SYMBOL: "InvalidArgumentError",
  NO_SYMBOLS: "InvalidArgumentError",
  NO_TYPES: "InvalidArgumentError",
  INVALID_BASE_URL: "InvalidArgumentError",
  CONFLICTING_OPTIONS: "InvalidArgumentError",
  INVALID_OPTION: "InvalidArgumentError",
  MISSING_LIMIT: "InvalidArgumentError",
  UNSAFE_FILE_NAME: "InvalidArgumentError",
  SAMPLE_EXISTS: "InvalidArgumentError",
  NOT_A_JOURNAL: "InvalidArgumentError",
  INVALID_NOTEBOOKS: "InvalidArgumentError",
  JOURNAL_EXISTS: "InvalidArgumentError",
  JOURNAL_IN_USE: "InvalidArgumentError",
  NOT_A_COMBINED_FRAME: "InvalidArgumentError",
  NOT_OPEN: "InvalidArgumentError",
  INVALID_REPLAY_OPTIONS: "InvalidArgumentError",
  NO_FILES: "InvalidArgumentError",
  NO_MESSAGES: "InvalidArgumentError",
  INVALID_PORT: "InvalidArgumentError",
  INVALID_HOST: "InvalidArgumentError",
  INVALID_SPEED: "InvalidArgumentError",
  INVALID_LEGACY_PATHS: "InvalidArgumentError",
  INVALID_FAULTS: "InvalidArgumentError",
  INVALID_SOURCE: "InvalidArgumentError",
  NO_BUNDLED_DATA: "InvalidArgumentError",
  INVALID_MESSAGES: "InvalidArgumentError",
  NO_MATCHING_MESSAGES: "InvalidArgumentError",
  MIXED_SYMBOLS: "InvalidArgumentError",
  INVALID_INTERVAL: "InvalidArgumentError",
  INVALID_TIME_FIELD: "InvalidArgumentError",
  TOO_MANY_INTERVALS: "InvalidArgumentError",
  INVALID_CLOCK: "InvalidArgumentError",
  INVALID_QUANTILE: "InvalidArgumentError",
  INVALID_SCALE: "InvalidArgumentError",
  INVALID_BIN_WIDTH: "InvalidArgumentError",
  INVALID_BIN_COUNT: "InvalidArgumentError",
  TOO_MANY_BINS: "InvalidArgumentError",
  INVALID_SNAPSHOT: "InvalidArgumentError",
  WRONG_SYMBOL: "InvalidArgumentError",
  NO_DEPTH_MESSAGES: "InvalidArgumentError",
  INVALID_TIME: "InvalidArgumentError",
  UNKNOWN_SYMBOL: "InvalidArgumentError",
  SYMBOL_REQUIRED: "InvalidArgumentError",
  UNKNOWN_STREAM: "InvalidArgumentError",
  STREAM_REQUIRED: "InvalidArgumentError",
  UNKNOWN_COLUMN: "InvalidArgumentError",
  COLUMN_LENGTH_MISMATCH: "InvalidArgumentError",
  INVALID_TABLE: "InvalidArgumentError",
  INVALID_MAX_ROWS: "InvalidArgumentError",
  INVALID_FIGURE: "InvalidArgumentError",
  INVALID_CHART_ID: "InvalidArgumentError",
  INVALID_HEIGHT: "InvalidArgumentError",
  INVALID_PNG: "InvalidArgumentError",
  // Datasets and SQL (lib/query, lib/dataset).
  BAD_SQL: "InvalidArgumentError",
  UNKNOWN_VIEW: "InvalidArgumentError",
  NO_SOURCES: "InvalidArgumentError",
  INVALID_DATASET_PATH: "InvalidArgumentError",

  // SampleFileError: a sample or recording file could not be read.
  FILE_NOT_FOUND: "SampleFileError",
  CORRUPT_GZIP: "SampleFileError",
  CORRUPT_SAMPLE: "SampleFileError",
  CORRUPT_LINE: "SampleFileError",
  NOT_A_SAMPLE: "SampleFileError",
  UNSUPPORTED_VERSION: "SampleFileError",
  INVALID_SAMPLE: "SampleFileError",
  INVALID_MESSAGE: "SampleFileError",
  COUNT_MISMATCH: "SampleFileError",
  INVALID_META: "SampleFileError",
  NOT_A_FILE: "SampleFileError",
  FILE_TOO_LARGE: "SampleFileError",

  // DecodeError: a payload does not have the shape Binance documents.
  NOT_AN_OBJECT: "DecodeError",
  WRONG_EVENT_TYPE: "DecodeError",
  UNKNOWN_EVENT_TYPE: "DecodeError",
  INVALID_DECIMAL: "DecodeError",
  INVALID_INTEGER: "DecodeError",
  INVALID_STRING: "DecodeError",
  INVALID_BOOLEAN: "DecodeError",
  INVALID_LEVELS: "DecodeError",
  INVALID_NUMBER: "DecodeError",
  INVALID_ITEMS: "DecodeError",
  INVALID_RANGE: "DecodeError",
  ARRAY_PAYLOAD: "DecodeError",

  // ConnectionError: a websocket or REST call failed.
  INVALID_URL: "ConnectionError",
  CONNECT_FAILED: "ConnectionError",
  CLOSED: "ConnectionError",
  CONNECTION_LOST: "ConnectionError",
  SERVER_ERROR: "ConnectionError",
  REQUEST_TIMEOUT: "ConnectionError",
  SILENT_STREAM: "ConnectionError",
  HTTP_ERROR: "ConnectionError",
  RATE_LIMITED: "ConnectionError",
  INVALID_RESPONSE: "ConnectionError",

  // StreamlabError itself: a tool or step the command needs is missing or failed.
  PYTHON_NOT_FOUND: "StreamlabError",
  JUPYTER_NOT_FOUND: "StreamlabError",
  JUPYTER_FAILED: "StreamlabError",
  KERNEL_NOT_REGISTERED: "StreamlabError",
  CHROMIUM_NOT_FOUND: "StreamlabError",
  PLAYWRIGHT_NOT_FOUND: "StreamlabError",
  RENDER_FAILED: "StreamlabError",
  TIMEOUT: "StreamlabError",
  JOURNAL_CLOSED: "StreamlabError",
  DUCKDB_NOT_FOUND: "StreamlabError",
  QUERY_FAILED: "StreamlabError",
  EXPORT_FAILED: "StreamlabError",
} as const satisfies Readonly<Record<string, ErrorClassName>>;

/** Every code this library throws. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of one class, e.g. `CodeOf<"SampleFileError">` is `"FILE_NOT_FOUND" | "CORRUPT_GZIP" | …`. */
export type CodeOf<C extends ErrorClassName> = { [K in ErrorCode]: (typeof ERROR_CODES)[K] extends C ? K : never }[ErrorCode];

/** Codes of `UsageError`. */
export type UsageCode = CodeOf<"UsageError">;
/** Codes of `InvalidArgumentError`. */
export type InvalidArgumentCode = CodeOf<"InvalidArgumentError">;
/** Codes of `SampleFileError`. */
export type SampleFileCode = CodeOf<"SampleFileError">;
/** Codes of `DecodeError`. */
export type DecodeCode = CodeOf<"DecodeError">;
/** Codes of `ConnectionError`. */
export type ConnectionCode = CodeOf<"ConnectionError">;
/** Codes thrown by `StreamlabError` itself. */
export type StreamlabCode = CodeOf<"StreamlabError">;

/** Base class of every error this library throws. */
export class StreamlabError extends Error {
  /** A stable, machine-readable code such as `"UNKNOWN_STREAM_TYPE"`. */
  readonly code: ErrorCode;
  constructor(code: StreamlabCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** `usage` or `runtime`, from the class the code belongs to. */
  get category(): ErrorCategory {
    return ERROR_CLASSES[ERROR_CODES[this.code]];
  }

  /** The `streamlab` command's exit status for this error: 2 for usage, 1 for runtime. */
  get exitStatus(): (typeof EXIT_STATUS)[ErrorCategory] {
    return EXIT_STATUS[this.category];
  }
}

// Subclasses pass their own codes up: the base constructor's signature only admits the codes
// the base class throws itself, so each subclass casts once here.
function asBaseCode(code: ErrorCode): StreamlabCode {
  return code as StreamlabCode;
}

/** The `streamlab` command line is wrong: unknown command or flag, bad flag value, missing argument. */
export class UsageError extends StreamlabError {
  declare readonly code: UsageCode;
  constructor(code: UsageCode, message: string) {
    super(asBaseCode(code), message);
  }
}

/** A function was called with a value it cannot accept (unknown type, bad symbol, bad option). */
export class InvalidArgumentError extends StreamlabError {
  declare readonly code: InvalidArgumentCode;
  constructor(code: InvalidArgumentCode, message: string, options?: { cause?: unknown }) {
    super(asBaseCode(code), message, options);
  }
}

/** A payload from Binance (or a recording) does not have the expected shape. */
export class DecodeError extends StreamlabError {
  declare readonly code: DecodeCode;
  /** The field that was missing or malformed, e.g. `"p"`; empty when the whole payload is bad. */
  readonly field: string;
  /** The offending text, shortened to at most 200 characters. */
  readonly text: string;
  constructor(code: DecodeCode, message: string, field: string, text: string) {
    super(asBaseCode(code), message);
    this.field = field;
    this.text = text;
  }
}

/** A sample or recording file could not be read. */
export class SampleFileError extends StreamlabError {
  declare readonly code: SampleFileCode;
  /** The file that could not be read. */
  readonly file: string;
  constructor(code: SampleFileCode, message: string, file: string, options?: { cause?: unknown }) {
    super(asBaseCode(code), message, options);
    this.file = file;
  }
}

/** The connection failed, was refused, closed early, answered with an error, or went silent. */
export class ConnectionError extends StreamlabError {
  declare readonly code: ConnectionCode;
  /** The URL the failing connection used. */
  readonly url: string;
  /** For a failed capture: the sample file that keeps every message received before the failure. */
  sampleFile?: string;
  /** For a refused websocket handshake: the server's HTTP status. */
  httpStatus?: number;
  /** For a refused websocket handshake: the server's `Retry-After`, in ms. */
  retryAfterMs?: number;
  constructor(code: ConnectionCode, message: string, url: string, options?: { cause?: unknown }) {
    super(asBaseCode(code), message, options);
    this.url = url;
  }
}

/** Shortens `text` for an error message. */
export function excerpt(text: string, maxLength = 200): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}… (${text.length} characters)`;
}
