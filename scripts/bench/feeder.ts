/**
 * The capture benchmark's feeder, run as its own process: a websocket server on 127.0.0.1 that
 * sends every connection `count` frames of one kind as fast as the socket takes them, then
 * closes. The frames are encoded once, before any client connects, and written to the socket in
 * 1 MB slices (no per-frame work while sending), so the feeder is faster than any client it
 * feeds. It prints its port, then one JSON line per connection: frames sent and the time the
 * socket took them, i.e. its own rate.
 * Usage: node --import tsx scripts/bench/feeder.ts <trade|depth> <count>
 */
import * as crypto from "crypto";
import * as http from "http";
import type * as net from "net";
import { buildFrames, type FrameKind } from "./frames";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const SLICE = 1 << 20;

/** Unmasked server text frames, back to back. */
function encodeFrames(texts: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const text of texts) {
    const payload = Buffer.from(text, "utf8");
    const n = payload.length;
    const header = n < 126 ? Buffer.from([0x81, n]) : n < 65536 ? Buffer.from([0x81, 126, n >> 8, n & 255]) : Buffer.alloc(10);
    if (n >= 65536) {
      header[0] = 0x81;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(n), 2);
    }
    parts.push(header, payload);
  }
  return Buffer.concat(parts);
}

function feed(socket: net.Socket, wire: Buffer, count: number): void {
  const started = performance.now();
  let offset = 0;
  const pump = (): void => {
    while (offset < wire.length) {
      const end = Math.min(offset + SLICE, wire.length);
      const more = socket.write(wire.subarray(offset, end));
      offset = end;
      if (!more) {
        socket.once("drain", pump);
        return;
      }
    }
    socket.write(Buffer.from([0x88, 0x02, 0x03, 0xe8]), () => {
      const ms = performance.now() - started;
      process.stdout.write(JSON.stringify({ sent: count, ms, rate: count / (ms / 1000) }) + "\n");
      socket.end();
    });
  };
  pump();
}

const kind = process.argv[2] as FrameKind;
const count = Number(process.argv[3]);
const wire = encodeFrames(buildFrames(kind, count));
const server = http.createServer((_request, response) => response.writeHead(426).end());
server.on("upgrade", (request: http.IncomingMessage, socket: net.Socket) => {
  const accept = crypto
    .createHash("sha1")
    .update(`${String(request.headers["sec-websocket-key"])}${WS_GUID}`)
    .digest("base64");
  socket.setNoDelay(true);
  socket.on("error", () => socket.destroy());
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.on("data", () => undefined); // the client's close frame, if any
  feed(socket, wire, count);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`port ${typeof address === "object" && address ? address.port : 0}\n`);
});
