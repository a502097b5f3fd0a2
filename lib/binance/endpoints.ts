/**
 * Binance USDⓈ-M futures endpoints: the configurable base URLs and the URLs built on them
 * (`/<route>/stream?streams=...`, `/<route>/ws/<stream>`, `/fapi/v1/depth`).
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 *
 * The routing table (routes.ts), the stream-name rules (stream-names.ts) and the symbol rules
 * (symbols.ts) are re-exported here, so `binance/endpoints` stays the one import for addressing
 * Binance.
 */
import { InvalidArgumentError } from "../errors";
import type { Route } from "./routes";
import { BOOK_SNAPSHOT_LIMIT } from "./book-sync";
import { normalizeSymbol } from "./symbols";

export * from "./routes";
export * from "./stream-names";
export * from "./symbols";

/** Binance's production websocket base. */
export const DEFAULT_WS_BASE_URL = "wss://fstream.binance.com";
/** Binance's production REST base. */
export const DEFAULT_REST_BASE_URL = "https://fapi.binance.com";
/** Binance's futures testnet websocket base (same paths). */
export const TESTNET_WS_BASE_URL = "wss://fstream.binancefuture.com";
/** Binance's futures testnet REST base. */
export const TESTNET_REST_BASE_URL = "https://testnet.binancefuture.com";
/** Environment variable that overrides the websocket base. */
export const WS_BASE_URL_ENV = "STREAMLAB_WS_URL";
/** Environment variable that overrides the REST base. */
export const REST_BASE_URL_ENV = "STREAMLAB_REST_URL";

/** Base URLs a capture uses. */
export interface Endpoints {
  /** Scheme, host and port only, e.g. `"wss://fstream.binance.com"` or `"ws://127.0.0.1:9443"`. */
  readonly wsBaseUrl: string;
  /** Scheme, host and port only, e.g. `"https://fapi.binance.com"`. */
  readonly restBaseUrl: string;
}

function checkBaseUrl(value: string, schemes: readonly string[], what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(
      "INVALID_BASE_URL",
      `Invalid ${what} ${JSON.stringify(value)}: expected a URL such as "${schemes[schemes.length - 1]}://host:port".`,
    );
  }
  if (!schemes.includes(url.protocol.replace(/:$/, ""))) {
    throw new InvalidArgumentError(
      "INVALID_BASE_URL",
      `Invalid ${what} ${JSON.stringify(value)}: expected the scheme ${schemes.join(" or ")}.`,
    );
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new InvalidArgumentError(
      "INVALID_BASE_URL",
      `Invalid ${what} ${JSON.stringify(value)}: give scheme, host and port only ("${url.protocol}//${url.host}"); routes and paths are added as for Binance.`,
    );
  }
  return `${url.protocol}//${url.host}`;
}

/**
 * The base URLs to use: explicit options first, then `STREAMLAB_WS_URL` / `STREAMLAB_REST_URL`,
 * then Binance production. A replay server or the testnet works by changing only these.
 */
export function resolveEndpoints(
  options: { wsBaseUrl?: string; restBaseUrl?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): Endpoints {
  const ws = options.wsBaseUrl ?? env[WS_BASE_URL_ENV] ?? DEFAULT_WS_BASE_URL;
  const rest = options.restBaseUrl ?? env[REST_BASE_URL_ENV] ?? defaultRestFor(ws);
  return {
    wsBaseUrl: checkBaseUrl(ws, ["ws", "wss"], "websocket base URL"),
    restBaseUrl: checkBaseUrl(rest, ["http", "https"], "REST base URL"),
  };
}

/** Whether a host name is Binance's (production or testnet), as opposed to a local or replay server. */
export function isBinanceHost(hostname: string): boolean {
  return /binance(future)?\.com$/.test(hostname);
}

/** A replay server serves REST on the same host and port; Binance has a separate REST host. */
function defaultRestFor(wsBaseUrl: string): string {
  if (wsBaseUrl === DEFAULT_WS_BASE_URL) return DEFAULT_REST_BASE_URL;
  if (wsBaseUrl === TESTNET_WS_BASE_URL) return TESTNET_REST_BASE_URL;
  return wsBaseUrl.replace(/^ws/, "http");
}

/** `wss://host/<route>/stream?streams=a/b/c`: every frame is `{"stream", "data"}`. */
export function combinedStreamUrl(wsBaseUrl: string, route: Route, streams: readonly string[]): string {
  return `${wsBaseUrl}/${route}/stream?streams=${streams.join("/")}`;
}

/** `wss://host/<route>/ws/<stream>`: frames are bare payloads. */
export function rawStreamUrl(wsBaseUrl: string, route: Route, stream: string): string {
  return `${wsBaseUrl}/${route}/ws/${stream}`;
}

/** `https://host/fapi/v1/depth?symbol=BTCUSDT&limit=1000`: the REST order-book snapshot (docs/binance.md, "Endpoints"). */
export function depthSnapshotUrl(restBaseUrl: string, symbol: string, limit = BOOK_SNAPSHOT_LIMIT): string {
  return `${restBaseUrl}/fapi/v1/depth?symbol=${normalizeSymbol(symbol)}&limit=${limit}`;
}
