/**
 * The websocket paths the replay answers, as Binance lays them out: `/<route>/stream?streams=a/b`
 * (combined frames), `/<route>/ws/<stream>` and `/<route>/ws[/<n>]` (bare frames), and the retired
 * forms without a route.
 */
import type { Route } from "../binance/endpoints";
import { looksLikeStreamName } from "../binance/control";

/** What a websocket path asks for. */
export interface ConnectionSpec {
  /** `null` for a legacy path without a route. */
  readonly route: Route | null;
  /** Whether frames are `{"stream","data"}` (the `/stream` form) rather than bare payloads. */
  readonly combined: boolean;
  /** Streams named in the path, deduplicated; parts not shaped like a stream name (ccxt's `/ws/1`) are left out. */
  readonly streams: readonly string[];
}

/** Parses `/<route>/stream?streams=a/b`, `/<route>/ws/<stream>`, `/<route>/ws[/<n>]` and the legacy forms; `null` for anything else. */
export function parseWebSocketPath(url: URL): ConnectionSpec | null {
  const parts = url.pathname.split("/");
  let route: Route | null = null;
  let at = 1;
  if (parts[1] === "public" || parts[1] === "market") {
    route = parts[1];
    at = 2;
  }
  if (parts[at] === "stream" && parts.length === at + 1) {
    const streams = (url.searchParams.get("streams") ?? "").split("/").filter(looksLikeStreamName);
    return { route, combined: true, streams: [...new Set(streams)] };
  }
  if (parts[at] === "ws") {
    const streams = parts
      .slice(at + 1)
      .map(decodePathSegment)
      .filter(looksLikeStreamName);
    return { route, combined: false, streams: [...new Set(streams)] };
  }
  return null;
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
