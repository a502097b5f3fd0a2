/**
 * Replay-test helpers: the oracle (a recording's own line text), websocket clients that are
 * always cleaned up, and a server that is always closed.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { performance } from "perf_hooks";
import { WebSocket } from "ws";
import { startReplayServer, type ReplayServer } from "../lib/replay/server";
import type { ReplayOptions } from "../lib/replay/options";

/** data/bundled and the recordings the replay tests play. */
export const BUNDLED = path.join(__dirname, "..", "data", "bundled");
export const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
export const ALTS_APRIL = path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz");
export const ALTS_JULY = path.join(BUNDLED, "alts-2021-07-22-cryptofeed.jsonl.gz");
export const SEED_TRADES = path.join(BUNDLED, "btcusdt-trade.json");

// ---------------------------------------------------------------------------------------------
// The oracle: a recording's own line text.

/** One message line of a gzipped JSONL recording. */
export interface RecordedLine {
  readonly stream: string;
  /** Position among the file's message lines. */
  readonly position: number;
  readonly localTimestamp: number;
  /** The raw line minus its localTimestamp field: what a combined connection must send. */
  readonly combined: string;
  /** The raw `data` text: what a bare connection must send. */
  readonly bare: string;
}

const lineCache = new Map<string, RecordedLine[]>();

/** The message lines of a gzipped JSONL recording (snapshot lines left out), read once per file. */
export function readRecordedLines(file: string): RecordedLine[] {
  const cached = lineCache.get(file);
  if (cached) return cached;
  const lines: RecordedLine[] = [];
  for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n")) {
    if (line === "") continue;
    const value = JSON.parse(line) as { localTimestamp: number; stream?: string };
    if (typeof value.stream !== "string") continue; // snapshot lines
    const combined = line.replace(/^\{"localTimestamp":[^,]*,/, "{");
    const prefix = `{"stream":${JSON.stringify(value.stream)},"data":`;
    assert.ok(combined.startsWith(prefix) && combined.endsWith("}"), `unexpected line shape: ${line.slice(0, 80)}`);
    lines.push({
      stream: value.stream,
      position: lines.length,
      localTimestamp: value.localTimestamp,
      combined,
      bare: combined.slice(prefix.length, -1),
    });
  }
  lineCache.set(file, lines);
  return lines;
}

/** The recorded lines of these streams, in file order. */
export function linesOf(file: string, streams: readonly string[]): RecordedLine[] {
  return readRecordedLines(file).filter((line) => streams.includes(line.stream));
}

/** Asserts two frame lists are equal, naming the first frame that differs. */
export function assertSameFrames(actual: readonly string[], expected: readonly string[], what: string): void {
  const mismatch = expected.findIndex((frame, i) => actual[i] !== frame);
  assert.equal(
    mismatch,
    -1,
    `${what}: frame ${mismatch} differs:\n got ${String(actual[mismatch]).slice(0, 200)}\nwant ${expected[mismatch]?.slice(0, 200)}`,
  );
  assert.equal(actual.length, expected.length, `${what}: frame count`);
}

// ---------------------------------------------------------------------------------------------
// Clients and servers, always cleaned up.

/** A connected websocket and every text frame it has received. */
export interface Client {
  readonly ws: WebSocket;
  readonly frames: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Sockets still open; `withServer` terminates them. */
export const openSockets = new Set<WebSocket>();

/** Opens a websocket and resolves once it is open (rejects on a failed upgrade). */
export function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  openSockets.add(ws);
  const frames: string[] = [];
  ws.on("message", (data) => frames.push(data.toString()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => {
      openSockets.delete(ws);
      resolve({ code, reason: reason.toString() });
    });
  });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, frames, closed }));
    ws.once("error", reject);
  });
}

/** Polls `condition` every 5 ms; fails naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
}

/** `promise`, or a failure naming `what` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The client's first `count` frames, once it has them. */
export async function waitForFrames(client: Client, count: number, timeoutMs = 10_000): Promise<string[]> {
  await waitUntil(() => client.frames.length >= count, timeoutMs, `${count} frames (have ${client.frames.length})`);
  return client.frames.slice(0, count);
}

/** Whether a frame is a control reply (`{"result"|"error", "id"}`) rather than data. */
export function isReply(frame: string): boolean {
  const value = JSON.parse(frame) as Record<string, unknown>;
  return "id" in value && ("result" in value || "error" in value);
}

/** Sends a control request and returns the parsed reply with the same id (or the first reply when id is not a number). */
export async function request(client: Client, body: unknown): Promise<Record<string, unknown>> {
  const from = client.frames.length;
  client.ws.send(typeof body === "string" ? body : JSON.stringify(body));
  const id = typeof body === "object" && body !== null ? (body as { id?: unknown }).id : undefined;
  const find = () =>
    client.frames
      .slice(from)
      .find((frame) => isReply(frame) && (typeof id !== "number" || (JSON.parse(frame) as { id: unknown }).id === id));
  await waitUntil(() => find() !== undefined, 5000, `a reply to ${JSON.stringify(body)}`);
  return JSON.parse(find() as string) as Record<string, unknown>;
}

/** Runs `run` against a fresh replay server, then drops every socket and closes the server. */
export async function withServer(options: ReplayOptions, run: (server: ReplayServer) => Promise<void>): Promise<void> {
  const server = await startReplayServer(options);
  try {
    await run(server);
  } finally {
    for (const ws of openSockets) ws.terminate();
    openSockets.clear();
    await server.close();
  }
}
