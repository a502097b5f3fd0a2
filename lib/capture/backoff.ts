/**
 * When to try a connection again: exponential backoff with jitter, never sooner than a server's
 * `Retry-After`, and which failures are worth a retry at all. The offline case stays fast: a
 * capture whose very first connection cannot reach the host (DNS failure, connection refused,
 * timeout) fails at once, so callers can fall back to saved data; an HTTP 429, 418 or 5xx
 * answer to the handshake (Binance under maintenance or rate limiting) is retried.
 */
import { ConnectionError } from "../errors";

/** Settings of a `Backoff`. */
export interface BackoffSettings {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** The longest delay, before jitter. */
  readonly maxMs: number;
  /** A number in [0, 1); default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Consecutive failures and the delay before the next attempt: `baseMs × 2^(n-1)`, capped at
 * `maxMs`, times a jitter factor in [0.5, 1), and at least the server's `Retry-After`.
 */
export class Backoff {
  private failures = 0;

  constructor(private readonly settings: BackoffSettings) {}

  /** Failures since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /** Counts a failure and returns how long to wait before the next attempt. */
  fail(retryAfterMs: number | null = null): number {
    this.failures++;
    const exponential = Math.min(this.settings.maxMs, this.settings.baseMs * 2 ** (this.failures - 1));
    const jittered = exponential * (0.5 + 0.5 * (this.settings.random ?? Math.random)());
    return Math.max(jittered, retryAfterMs ?? 0);
  }

  /** A success: the next failure starts from `baseMs` again. */
  succeed(): void {
    this.failures = 0;
  }
}

/** HTTP answers to a websocket handshake that mean "try again later". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 418 || (status >= 500 && status <= 599);
}

/**
 * A `Retry-After` header as milliseconds: delay-seconds or an HTTP date; `null` when absent or
 * unreadable.
 * @example parseRetryAfter("2") // 2000
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === "") return null;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/**
 * Whether a failed connection attempt should be retried: an HTTP 429/418/5xx answer always; a
 * network failure (refused, DNS, timeout) only once some connection of the capture has worked
 * (`everConnected`), so a machine without a network fails at once. Bad URLs and other HTTP
 * answers (404: a wrong path) are never retried.
 */
export function shouldRetryConnect(error: unknown, everConnected: boolean): boolean {
  if (!(error instanceof ConnectionError) || error.code === "INVALID_URL") return false;
  if (error.httpStatus !== undefined) return isRetryableStatus(error.httpStatus);
  return everConnected;
}
