/**
 * The replay's REST side, on the websocket port: `GET /fapi/v1/depth` with the book at the
 * replay's position (depth-books.ts) and Binance's validation and error bodies (`{"code": -1121, "msg": "Invalid symbol."}`),
 * `/fapi/v1/ping`, `/fapi/v1/time`, and plain-text answers for everything else.
 */
import type * as http from "http";
import { DEFAULT_DEPTH_SNAPSHOT_LIMIT, DEPTH_SNAPSHOT_LIMITS, MAX_DEPTH_SNAPSHOT_LIMIT } from "../binance/limits";
import { parseWebSocketPath } from "./paths";
import type { ReplayDepthBooks } from "./depth-books";

function sendJson(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** A Binance REST error body: `{"code":-1121,"msg":"Invalid symbol."}`. */
function restErrorBody(code: number, msg: string): string {
  return JSON.stringify({ code, msg });
}

/** `GET /fapi/v1/depth?symbol=BTCUSDT&limit=N` with Binance's error codes. */
function serveDepth(books: ReplayDepthBooks, url: URL, res: http.ServerResponse): void {
  const symbol = url.searchParams.get("symbol");
  if (!symbol) return sendJson(res, 400, restErrorBody(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."));
  let limit: number = DEFAULT_DEPTH_SNAPSHOT_LIMIT;
  const limitText = url.searchParams.get("limit");
  if (limitText !== null) {
    if (!/^[0-9]{1,20}$/.test(limitText)) {
      return sendJson(res, 400, restErrorBody(-1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'."));
    }
    limit = Number(limitText);
    if (limit > MAX_DEPTH_SNAPSHOT_LIMIT) return sendJson(res, 400, restErrorBody(-1130, "Data sent for parameter 'limit' is not valid."));
    if (!(DEPTH_SNAPSHOT_LIMITS as readonly number[]).includes(limit)) return sendJson(res, 400, restErrorBody(-4021, `${limit} is not valid depth limit`));
  }
  const snapshot = books.snapshotNow(symbol, limit);
  if (!snapshot) return sendJson(res, 400, restErrorBody(-1121, "Invalid symbol."));
  sendJson(res, 200, JSON.stringify(snapshot));
}

/**
 * Answers a plain HTTP request: the REST endpoints, 426 for a websocket path requested without an
 * upgrade, 404 naming what is served for anything else.
 */
export function serveHttp(books: ReplayDepthBooks, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://replay.invalid");
  if (req.method === "GET" || req.method === "HEAD") {
    if (url.pathname === "/fapi/v1/depth") return serveDepth(books, url, res);
    if (url.pathname === "/fapi/v1/ping") return sendJson(res, 200, "{}");
    if (url.pathname === "/fapi/v1/time") return sendJson(res, 200, JSON.stringify({ serverTime: Date.now() }));
    if (parseWebSocketPath(url)) {
      res.writeHead(426, { "Content-Type": "text/plain", Upgrade: "websocket" });
      return void res.end(`${url.pathname} is a websocket endpoint: connect with a websocket client.\n`);
    }
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end(`No such endpoint: ${req.method} ${url.pathname}. The replay server serves GET /fapi/v1/depth, /fapi/v1/ping, /fapi/v1/time and websocket streams.\n`);
}
