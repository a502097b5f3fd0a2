/**
 * Binance USDⓈ-M REST calls the workspace needs: the order-book snapshot.
 */
import { ConnectionError } from "../errors";
import { BOOK_SNAPSHOT_LIMIT } from "./book-sync";
import { depthSnapshotUrl } from "./endpoints";
import type { RawDepthSnapshot } from "./raw";

/**
 * Fetches `GET /fapi/v1/depth?symbol=&limit=`. Rejects with a `ConnectionError` that names the
 * URL: `RATE_LIMITED` for 429 (with Retry-After) and 418 (IP ban), `HTTP_ERROR` with Binance's
 * message for other statuses, `INVALID_RESPONSE` for a body that is not a depth snapshot.
 * @example const book = await fetchDepthSnapshot("https://fapi.binance.com", "BTCUSDT", 1000);
 */
export async function fetchDepthSnapshot(restBaseUrl: string, symbol: string, limit = BOOK_SNAPSHOT_LIMIT, timeoutMs = 10_000): Promise<RawDepthSnapshot> {
  const url = depthSnapshotUrl(restBaseUrl, symbol, limit);
  let response: Response;
  let body: string;
  try {
    // the timeout covers reading the body too: a server that stalls mid-answer fails the same way
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    body = await response.text();
  } catch (error) {
    throw new ConnectionError("CONNECT_FAILED", `Cannot fetch ${url}: ${(error as Error).message}.`, url, { cause: error });
  }
  if (response.status === 429 || response.status === 418) {
    const retryAfter = response.headers.get("retry-after");
    throw new ConnectionError(
      "RATE_LIMITED",
      `${url} answered HTTP ${response.status} (${response.status === 418 ? "IP banned" : "too many requests"})${retryAfter ? `; retry after ${retryAfter} s` : ""}: back off.`,
      url,
    );
  }
  if (!response.ok) {
    throw new ConnectionError("HTTP_ERROR", `${url} answered HTTP ${response.status}: ${body.slice(0, 200)}.`, url);
  }
  let value: RawDepthSnapshot;
  try {
    value = JSON.parse(body) as RawDepthSnapshot;
  } catch {
    throw new ConnectionError("INVALID_RESPONSE", `${url} answered with a body that is not JSON: ${body.slice(0, 200)}.`, url);
  }
  if (typeof value?.lastUpdateId !== "number" || !Array.isArray(value.bids) || !Array.isArray(value.asks)) {
    throw new ConnectionError("INVALID_RESPONSE", `${url} answered without lastUpdateId, bids and asks: ${body.slice(0, 200)}.`, url);
  }
  return value;
}

/**
 * How long a `RATE_LIMITED` error from `fetchDepthSnapshot` asks to wait: its `Retry-After` in
 * ms, or `null` when the answer had none (or the error is another one). Binance sends
 * `Retry-After` (seconds) with 429 and 418 ([general-info] in docs/binance.md).
 * @example retryAfterMsOf(error) // 30000 after "HTTP 429 (too many requests); retry after 30 s"
 */
export function retryAfterMsOf(error: unknown): number | null {
  if (!(error instanceof ConnectionError) || error.code !== "RATE_LIMITED") return null;
  const match = /retry after (\d+(?:\.\d+)?) s/.exec(error.message);
  return match ? Number(match[1]) * 1000 : null;
}

/** Whether a `fetchDepthSnapshot` failure says to back off: 429 or 418 (`RATE_LIMITED`). */
export function isRateLimited(error: unknown): boolean {
  return error instanceof ConnectionError && error.code === "RATE_LIMITED";
}
