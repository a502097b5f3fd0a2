/**
 * Error classes with a stable `code`, so callers (and tests) can tell failures apart without
 * parsing messages. Every message is one sentence that names the offending value.
 */

/** Base class of every error this library throws. */
export class StreamlabError extends Error {
  /** A stable, machine-readable code such as `"UNKNOWN_STREAM_TYPE"`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A function was called with a value it cannot accept (unknown type, bad symbol, bad option). */
export class InvalidArgumentError extends StreamlabError {}

/** A payload from Binance (or a recording) does not have the expected shape. */
export class DecodeError extends StreamlabError {
  /** The field that was missing or malformed, e.g. `"p"`; empty when the whole payload is bad. */
  readonly field: string;
  /** The offending text, shortened to at most 200 characters. */
  readonly text: string;
  constructor(code: string, message: string, field: string, text: string) {
    super(code, message);
    this.field = field;
    this.text = text;
  }
}

/** A sample or recording file could not be read. */
export class SampleFileError extends StreamlabError {
  readonly file: string;
  constructor(code: string, message: string, file: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = file;
  }
}

/** The connection failed, was refused, closed early, answered with an error, or went silent. */
export class ConnectionError extends StreamlabError {
  /** The URL the failing connection used. */
  readonly url: string;
  /** For a failed capture: the sample file that keeps every message received before the failure. */
  sampleFile?: string;
  constructor(code: string, message: string, url: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.url = url;
  }
}

/** Shortens `text` for an error message. */
export function excerpt(text: string, maxLength = 200): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength)}… (${text.length} characters)`;
}
