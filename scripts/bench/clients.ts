/**
 * The receiving side of the capture benchmark, one run per process so that each has its own
 * peak RSS: `null` (raw TCP, bytes discarded: the feeder's own rate), `bare` (a `ws` client that
 * only counts frames) and `capture` (the project's `capture()`, journal and sample file). Rates
 * are messages from the first frame's arrival to the last's. Prints one JSON line.
 * Usage: node --import tsx scripts/bench/clients.ts <null|bare|capture> <ws://host:port> <stream> <count> [outDir]
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import WebSocket from "ws";
import { capture } from "../../lib/capture/session";

/** One client run's figures. */
export interface ClientRun {
  readonly messages: number;
  readonly ms: number;
  readonly rate: number;
  readonly peakRssMiB: number;
  readonly finishMs?: number;
  readonly bytesPerMessage?: number;
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Upgrades a raw TCP socket and throws every byte away until the server closes. */
function nullClient(url: URL): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let bytes = 0;
    let started = 0;
    socket.on("connect", () => {
      const key = crypto.randomBytes(16).toString("base64");
      socket.write(
        `GET /public/stream HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on("data", (chunk) => {
      if (started === 0) started = performance.now();
      bytes += chunk.length;
    });
    socket.on("error", reject);
    socket.on("end", () => {
      resolve({ messages: 0, ms: performance.now() - started, rate: 0, peakRssMiB: peakRssMiB(), bytesPerMessage: bytes });
      socket.destroy();
    });
  });
}

/** A `ws` client that counts frames, and nothing else. */
function bareClient(url: string, count: number): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    let n = 0;
    let first = 0;
    let last = 0;
    socket.on("message", () => {
      last = performance.now();
      if (n++ === 0) first = last;
      if (n === count) socket.close();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ messages: n, ms: last - first, rate: (n - 1) / ((last - first) / 1000), peakRssMiB: peakRssMiB() }));
  });
}

/** The project's capture of `count` messages of `stream`, into a sample file under `outDir`. */
async function captureClient(wsBaseUrl: string, stream: string, count: number, outDir: string): Promise<ClientRun> {
  const result = await capture({
    streams: [stream],
    count,
    wsBaseUrl,
    outDir,
    depthSnapshotLimit: false,
    name: `bench-${stream.replace(/@/g, "-")}-${process.pid}`,
  });
  const finishedAt = performance.timeOrigin + performance.now();
  // The window from the sample itself (as a capture runs: without keeping the messages): from the
  // first frame's arrival to the moment every message was stored, which the "stopped" event
  // records right after the last one. (The frames' own stamps are when the socket's worker read
  // them, which can be ahead of the capture's work on them.)
  const text = fs.readFileSync(result.file, "utf8");
  const first = Number(/^\{"localTimestamp":([0-9.]+),"stream":/m.exec(text)?.[1]);
  const last = Number(/^\{"localTimestamp":([0-9.]+),"event":\{"kind":"stopped"/m.exec(text)?.[1]);
  const n = result.meta.count;
  const size = fs.statSync(result.file).size;
  const run = {
    messages: n,
    ms: last - first,
    rate: (n - 1) / ((last - first) / 1000),
    peakRssMiB: peakRssMiB(),
    finishMs: finishedAt - last,
    bytesPerMessage: size / n,
  };
  fs.rmSync(result.file, { force: true });
  return run;
}

async function main(): Promise<void> {
  const [mode, url, stream, countText, outDir] = process.argv.slice(2);
  const count = Number(countText);
  const run =
    mode === "null"
      ? await nullClient(new URL(url))
      : mode === "bare"
        ? await bareClient(`${url}/public/stream?streams=${stream}`, count)
        : await captureClient(url, stream, count, outDir ?? path.join(process.cwd(), "data", "bench"));
  process.stdout.write(JSON.stringify(run) + "\n");
}

void main();
