/**
 * A local Binance-compatible server that plays recordings back: websocket streams on the 2026
 * routes (`/public`, `/market`, plus the retired legacy paths), live SUBSCRIBE control, and the
 * REST depth snapshot at the replay's position (depth-books.ts), all on one loopback port. Point a client at it by changing only its base
 * URLs (see `resolveEndpoints` in binance/endpoints.ts).
 *
 * It fails the way Binance fails: a stream on the wrong route, or on a retired legacy path, is
 * acknowledged and then silent. Faults for tests are injected in one place, `ReplayOptions.inject`.
 *
 * The parts: options.ts (checks the options), recordings.ts (loads the files), paths.ts (what a
 * websocket path asks for), connection.ts with cursor.ts and control.ts (one client connection),
 * rest.ts (the REST endpoints). This file listens and hands each upgrade to a connection.
 */
import * as http from "http";
import type { Duplex } from "stream";
import { WebSocketServer } from "ws";
import { ReplayConnection, type ConnectionContext } from "./connection";
import { ReplayDepthBooks } from "./depth-books";
import { checkReplayOptions, type ReplayOptions } from "./options";
import { parseWebSocketPath } from "./paths";
import { loadReplayLibrary } from "./recordings";
import { serveHttp } from "./rest";

/** A running replay server. */
export interface ReplayServer {
  /** Websocket base URL, e.g. `"ws://127.0.0.1:51234"`; routes and paths are added as for Binance. */
  readonly url: string;
  /** REST base URL on the same port, e.g. `"http://127.0.0.1:51234"`. */
  readonly restUrl: string;
  /** The port listened on (the free one chosen when `port` was 0). */
  readonly port: number;
  /** Every stream the recordings hold, in first-seen order. */
  readonly streams: readonly string[];
  /** Closes every connection (code 1001) and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

/** How long `close()` waits for a client's close handshake before dropping it. */
const CLOSE_GRACE_MS = 1000;

function rejectUpgrade(socket: Duplex, status: string, message: string): void {
  socket.on("error", () => undefined);
  const body = `${message}\n`;
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts a local Binance-compatible server that plays `files` back: websocket streams on
 * `/public` and `/market` (combined `/stream?streams=` and bare `/ws/<stream>`), SUBSCRIBE and
 * friends, and `GET /fapi/v1/depth|ping|time`, all on one port. Rejects with the loader's
 * `SampleFileError` or an `InvalidArgumentError` naming the bad value.
 * @example
 * const server = await startReplayServer({ files: ["data/bundled/btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"], speed: 10 });
 * // new WebSocket(`${server.url}/public/stream?streams=btcusdt@depth@0ms/btcusdt@trade`)
 * await server.close();
 */
export async function startReplayServer(options: ReplayOptions): Promise<ReplayServer> {
  const settings = checkReplayOptions(options);
  const library = loadReplayLibrary(settings.files);
  const context: ConnectionContext = {
    library,
    paceMultiplier: settings.paceMultiplier,
    serveLegacyPaths: settings.serveLegacyPaths,
    faults: settings.faults,
    depthBooks: new ReplayDepthBooks(library),
  };
  const connections = new Set<ReplayConnection>();
  const httpServer = http.createServer((req, res) => serveHttp(context.depthBooks, req, res));
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 1024 * 1024 });
  let closing: Promise<void> | null = null;

  httpServer.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing) return rejectUpgrade(socket, "503 Service Unavailable", "The replay server is closing.");
    const url = new URL(req.url ?? "/", "http://replay.invalid");
    const spec = parseWebSocketPath(url);
    if (!spec) {
      return rejectUpgrade(socket, "404 Not Found", `No websocket endpoint at ${url.pathname}: expected /public or /market followed by /stream?streams=... or /ws/<stream>.`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (closing) return void ws.terminate();
      const connection = new ReplayConnection(ws, spec, context);
      connections.add(connection);
      void connection.done.then(() => connections.delete(connection));
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(settings.port, settings.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address !== null ? address.port : settings.port;
  const base = `${hostForUrl(settings.host)}:${port}`;

  async function closeServer(): Promise<void> {
    const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    await Promise.all(
      [...connections].map((connection) => {
        connection.shutdown(1001, "Replay server closing");
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            connection.terminate();
            resolve();
          }, CLOSE_GRACE_MS);
        });
        return Promise.race([connection.done, grace]).finally(() => clearTimeout(timer));
      }),
    );
    wss.close();
    httpServer.closeAllConnections();
    await stopped;
  }

  return {
    url: `ws://${base}`,
    restUrl: `http://${base}`,
    port,
    streams: [...context.library.recordings.keys()],
    close: () => (closing ??= closeServer()),
  };
}
