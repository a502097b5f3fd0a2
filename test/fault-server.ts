/**
 * A fault-injection server for the capture tests (loopback only), built on the replay server's
 * machinery (lib/replay: recordings, paths, control messages, REST). Unlike a replay, it plays
 * a real recording as a live feed: one timeline for every connection, running whether or not
 * anyone listens, so a client that reconnects gets what is published from then on and loses
 * what passed meanwhile, as with Binance. With `loop`, the recording plays again and again with
 * its ids and times shifted so the chains continue (real-shaped messages, as many as wanted).
 *
 * Faults, applied to one connection right after the server has sent a given number of data
 * frames (`after`), or at once (`inject`): drop TCP, stall with pongs, half-open, extra frames
 * (malformed, binary, oversized, error replies), closes with any code (1008, 1001); refused
 * handshakes (503 with Retry-After) for a count or a time; and a maximum connection age. Every
 * data frame sent is logged per connection: the tests' oracle.
 */
import * as http from "http";
import type { Duplex } from "stream";
import { performance } from "perf_hooks";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { isServedOnRoute } from "../lib/binance/endpoints";
import { answerControlMessage, type ControlSession } from "../lib/replay/control";
import { parseWebSocketPath } from "../lib/replay/paths";
import { frameOf, loadReplayLibrary, type StreamRecording } from "../lib/replay/recordings";
import { serveHttp } from "../lib/replay/rest";
import { ReplayDepthBooks } from "../lib/replay/depth-books";

/** A fault for one connection. */
export type Fault =
  | { readonly kind: "drop" }
  | { readonly kind: "stall" }
  | { readonly kind: "half-open" }
  | { readonly kind: "close"; readonly code: number; readonly reason?: string }
  | {
      readonly kind: "send";
      readonly text?: string;
      /** Bytes sent as a text frame as they are (e.g. invalid UTF-8). */
      readonly textBytes?: Buffer;
      readonly binary?: Buffer;
      readonly oversizedBytes?: number;
    }
  | { readonly kind: "error-reply"; readonly code: number; readonly msg: string }
  /** The next data frame goes out damaged instead (cut in half, or without `data`): that message is lost. */
  | { readonly kind: "corrupt"; readonly how: "truncate" | "no-data" };

/** Options of `startFaultServer`. */
export interface FaultServerOptions {
  readonly files: readonly string[];
  /** Multiplier of the recorded pace. Default 1. */
  readonly speed?: number;
  /** Play the recording again and again, ids and times shifted. Default false (silent after the end). */
  readonly loop?: boolean;
  /** Close every connection (code 1001) this long after it opened, like Binance at 24 h. */
  readonly maxConnectionAgeMs?: number;
  /** Keep the text of every frame sent (the oracle). Default true. */
  readonly log?: boolean;
  /** Publish only these streams (default: all the recordings hold). */
  readonly streams?: readonly string[];
}

/** What the server did on one connection. */
export interface FaultConnection {
  readonly id: number;
  readonly url: string;
  readonly openedAt: number;
  closedAt: number | null;
  /** Data frames sent, in order, and when (performance.now ms). */
  readonly frames: string[];
  readonly sentAt: number[];
  sent: number;
  /** When each incoming message (control request or ping) arrived (performance.now ms). */
  readonly incoming: number[];
  /** Control requests received, as text. */
  readonly requests: string[];
  /** Data frames sent damaged (their original text): messages the client cannot have. */
  readonly damaged: string[];
  /** Faults applied, with the number of frames sent before each. */
  readonly faults: { fault: Fault["kind"]; afterFrames: number; at: number }[];
}

/** A running fault server. */
export interface FaultServer {
  readonly url: string;
  readonly connections: readonly FaultConnection[];
  /** Data frames sent on all connections. */
  readonly sentTotal: number;
  /** Frames published on the timeline so far. */
  readonly published: number;
  /** Handshakes refused so far. */
  readonly refused: number;
  /** Applies `fault` to the connection that sends the `frames`-th data frame (counted over all connections). */
  after(frames: number, fault: Fault): void;
  /** Applies `fault` to a connection now (default: the newest open one). */
  inject(fault: Fault, connectionId?: number): void;
  /** Answers the next handshakes with `status` (and `Retry-After`), for `count` of them or `forMs`. */
  refuseHandshakes(refusal: { status: number; retryAfterSeconds?: number; count?: number; forMs?: number }): void;
  /** Resolves once the server has sent `frames` data frames in all. */
  whenSent(frames: number): Promise<void>;
  close(): Promise<void>;
}

interface TimelineEntry {
  readonly recording: StreamRecording;
  readonly index: number;
  readonly offsetMs: number;
}

interface Peer extends ControlSession {
  readonly log: FaultConnection;
  readonly ws: WebSocket;
  readonly route: "public" | "market" | null;
  flowing: boolean;
  corruptNext: "truncate" | "no-data" | null;
}

/** Id fields shifted per loop, by event type, and how far (computed from the recording). */
function loopShifts(recording: StreamRecording): Record<string, number> {
  const first = JSON.parse(frameOf(recording, 0, false).toString("utf8")) as Record<string, number>;
  const last = JSON.parse(frameOf(recording, recording.count - 1, false).toString("utf8")) as Record<string, number>;
  switch (first.e as unknown as string) {
    case "trade":
      return { t: last.t - first.t + 1 };
    case "aggTrade":
      return { a: last.a - first.a + 1, f: last.l - first.f + 1, l: last.l - first.f + 1 };
    case "depthUpdate": {
      const shift = last.u - first.pu;
      return { U: shift, u: shift, pu: shift };
    }
    case "bookTicker":
      return { u: last.u - first.u + 1 };
    default:
      return {};
  }
}

/** Starts a fault server on 127.0.0.1 (a free port). */
export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const library = loadReplayLibrary(options.files);
  /** The REST book at the feed's position (first round). */
  const books = new ReplayDepthBooks(library);
  const speed = options.speed ?? 1;
  const keepLog = options.log ?? true;
  const recordings = [...library.recordings.values()].filter((recording) => !options.streams || options.streams.includes(recording.name));
  const timeline: TimelineEntry[] = [];
  for (const recording of recordings)
    for (let index = 0; index < recording.count; index++) timeline.push({ recording, index, offsetMs: recording.offsetsMs[index] });
  timeline.sort(
    (a, b) =>
      a.offsetMs - b.offsetMs ||
      a.recording.fileIndex - b.recording.fileIndex ||
      a.recording.positions[a.index] - b.recording.positions[b.index],
  );
  const loopMs = (timeline[timeline.length - 1]?.offsetMs ?? 0) + 100;
  const shifts = new Map(recordings.map((recording) => [recording.name, loopShifts(recording)]));

  const peers = new Set<Peer>();
  const logs: FaultConnection[] = [];
  const schedule: { frames: number; fault: Fault }[] = [];
  const waiters: { frames: number; resolve: () => void }[] = [];
  let refusal: { status: number; retryAfterSeconds?: number; count?: number; until?: number } | null = null;
  let refused = 0;
  let sentTotal = 0;
  let position = 0;
  let closed = false;
  const startedAt = performance.now();

  /** The text of timeline position `p`: the recorded frame, shifted for loops after the first. */
  function frameText(p: number): { stream: string; text: string } {
    const entry = timeline[p % timeline.length];
    const round = Math.floor(p / timeline.length);
    const original = frameOf(entry.recording, entry.index, true).toString("utf8");
    if (round === 0) return { stream: entry.recording.name, text: original };
    const data = JSON.parse(frameOf(entry.recording, entry.index, false).toString("utf8")) as Record<string, unknown>;
    for (const [field, shift] of Object.entries(shifts.get(entry.recording.name) ?? {}))
      if (typeof data[field] === "number") data[field] = (data[field] as number) + round * shift;
    for (const field of ["E", "T"]) if (typeof data[field] === "number") data[field] = (data[field] as number) + round * loopMs;
    return { stream: entry.recording.name, text: JSON.stringify({ stream: entry.recording.name, data }) };
  }

  function dueAt(p: number): number {
    const entry = timeline[p % timeline.length];
    return startedAt + (entry.offsetMs + Math.floor(p / timeline.length) * loopMs) / speed;
  }

  function apply(peer: Peer, fault: Fault): void {
    peer.log.faults.push({ fault: fault.kind, afterFrames: peer.log.sent, at: performance.now() });
    switch (fault.kind) {
      case "stall":
        peer.flowing = false;
        break;
      case "half-open":
        peer.flowing = false;
        (peer.ws as unknown as { _socket: Duplex })._socket.pause();
        break;
      case "drop": {
        peer.flowing = false;
        const drop = (): void => {
          if (peer.ws.bufferedAmount === 0) setTimeout(() => peer.ws.terminate(), 30);
          else setTimeout(drop, 5);
        };
        drop();
        break;
      }
      case "close":
        peer.flowing = false;
        peer.ws.close(fault.code, fault.reason ?? "");
        break;
      case "send":
        if (fault.text !== undefined) peer.ws.send(fault.text);
        if (fault.textBytes !== undefined) peer.ws.send(fault.textBytes, { binary: false });
        if (fault.binary !== undefined) peer.ws.send(fault.binary, { binary: true });
        if (fault.oversizedBytes !== undefined)
          peer.ws.send(`{"stream":"${[...peer.subscriptions.keys()][0] ?? "x"}","data":"${"x".repeat(fault.oversizedBytes)}"}`);
        break;
      case "error-reply":
        peer.ws.send(JSON.stringify({ error: { code: fault.code, msg: fault.msg }, id: null }));
        break;
      case "corrupt":
        peer.corruptNext = fault.how;
        break;
    }
  }

  function send(peer: Peer, stream: string, text: string): void {
    if (peer.corruptNext) {
      peer.ws.send(peer.corruptNext === "truncate" ? text.slice(0, Math.floor(text.length / 2)) : `{"stream":"${stream}"}`);
      peer.corruptNext = null;
      peer.log.damaged.push(text);
      return;
    }
    peer.ws.send(text);
    peer.log.sent++;
    if (keepLog) {
      peer.log.frames.push(text);
      peer.log.sentAt.push(performance.now());
    }
    sentTotal++;
    while (schedule.length > 0 && sentTotal >= schedule[0].frames) apply(peer, (schedule.shift() as { fault: Fault }).fault);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (sentTotal >= waiters[i].frames) {
        waiters[i].resolve();
        waiters.splice(i, 1);
      }
    }
    void stream;
  }

  async function pump(): Promise<void> {
    while (!closed) {
      if (position >= timeline.length && !options.loop) return;
      const waitMs = dueAt(position) - performance.now();
      if (waitMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(waitMs, 50))));
        continue;
      }
      let batch = 0;
      while (!closed && dueAt(position) <= performance.now() && batch < 2000 && (options.loop || position < timeline.length)) {
        const entry = timeline[position % timeline.length];
        if (position < timeline.length) books.advance(entry.recording.name, entry.index + 1);
        const { stream, text } = frameText(position++);
        for (const peer of peers) {
          if (!peer.flowing || !peer.subscriptions.has(stream)) continue;
          if (peer.ws.bufferedAmount > 16 * 1024 * 1024) {
            apply(peer, { kind: "close", code: 1008, reason: "Client too slow" });
            continue;
          }
          send(peer, stream, text);
        }
        batch++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const httpServer = http.createServer((req, res) => serveHttp(books, req, res));
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 1024 * 1024 });
  httpServer.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => undefined);
    const now = performance.now();
    if (refusal && ((refusal.count !== undefined && refusal.count > 0) || (refusal.until !== undefined && now < refusal.until))) {
      if (refusal.count !== undefined) refusal.count--;
      refused++;
      const retry = refusal.retryAfterSeconds === undefined ? "" : `Retry-After: ${refusal.retryAfterSeconds}\r\n`;
      socket.end(`HTTP/1.1 ${refusal.status} Service Unavailable\r\n${retry}Connection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const url = new URL(req.url ?? "/", "http://fault.invalid");
    const spec = parseWebSocketPath(url);
    if (closed || !spec) return void socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    wss.handleUpgrade(req, socket, head, (ws) => {
      const log: FaultConnection = {
        id: logs.length + 1,
        url: req.url ?? "",
        openedAt: performance.now(),
        closedAt: null,
        frames: [],
        sentAt: [],
        sent: 0,
        incoming: [],
        requests: [],
        damaged: [],
        faults: [],
      };
      logs.push(log);
      const subscriptions = new Map<string, unknown>();
      const peer: Peer = {
        log,
        ws,
        route: spec.route,
        flowing: true,
        corruptNext: null,
        subscriptions,
        combined: true,
        subscribe(streams) {
          for (const stream of streams) if (spec.route === null || isServedOnRoute(stream, spec.route)) subscriptions.set(stream, true);
        },
        unsubscribe(streams) {
          for (const stream of streams) subscriptions.delete(stream);
        },
      };
      peer.subscribe(spec.streams);
      peers.add(peer);
      ws.on("ping", () => log.incoming.push(performance.now()));
      ws.on("pong", () => log.incoming.push(performance.now()));
      ws.on("message", (data: RawData) => {
        log.incoming.push(performance.now());
        log.requests.push(data.toString());
        if (!peer.flowing && peer.log.faults.some((f) => f.fault === "half-open")) return;
        ws.send(answerControlMessage(data.toString(), peer));
      });
      ws.on("error", () => undefined);
      ws.on("close", () => {
        log.closedAt = performance.now();
        peers.delete(peer);
      });
      if (options.maxConnectionAgeMs !== undefined) {
        const timer = setTimeout(() => ws.close(1001, "Connection age limit"), options.maxConnectionAgeMs);
        ws.on("close", () => clearTimeout(timer));
      }
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const port = (httpServer.address() as { port: number }).port;
  void pump();

  return {
    url: `ws://127.0.0.1:${port}`,
    connections: logs,
    get sentTotal() {
      return sentTotal;
    },
    get published() {
      return position;
    },
    get refused() {
      return refused;
    },
    after(frames, fault) {
      schedule.push({ frames, fault });
      schedule.sort((a, b) => a.frames - b.frames);
    },
    inject(fault, connectionId) {
      const target = [...peers].filter((peer) => connectionId === undefined || peer.log.id === connectionId).pop();
      if (target) apply(target, fault);
    },
    refuseHandshakes(next) {
      refusal = {
        status: next.status,
        retryAfterSeconds: next.retryAfterSeconds,
        count: next.count,
        until: next.forMs === undefined ? undefined : performance.now() + next.forMs,
      };
    },
    whenSent(frames) {
      if (sentTotal >= frames) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ frames, resolve }));
    },
    async close() {
      closed = true;
      for (const peer of peers) {
        (peer.ws as unknown as { _socket: Duplex })._socket.resume();
        peer.ws.terminate();
      }
      wss.close();
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}
