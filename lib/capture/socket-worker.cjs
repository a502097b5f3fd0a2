"use strict";
/**
 * The websocket of one capture connection, run in a worker thread (`worker-socket.ts` starts it):
 * the handshake, ws's frame parsing, pings and pongs happen here, and the frames go to the main
 * thread in batches (one per read from the socket), each frame with the time it was read, so
 * the main thread spends its time on the capture's own work. Plain JavaScript, so it runs in any
 * Node worker without a TypeScript loader.
 *
 * To the main thread: {type: "open"}, {type: "open-failed", message, code, httpStatus,
 * statusMessage, retryAfter, invalidUrl}, {type: "frames", bytes, ends, stamps, binary}, {type: "pong", at},
 * {type: "error", message, code}, {type: "close", code, reason}.
 * From it: {type: "send", text}, {type: "ping"}, {type: "close", code}, {type: "terminate"},
 * {type: "ack"} (a batch was handled: the socket is paused while too many are not).
 */
const { parentPort, workerData } = require("worker_threads");
const { WebSocket } = require("ws");

/**
 * Batches the main thread has not handled yet beyond which reading pauses (TCP then holds the
 * rest, as it would for a busy main thread reading the socket itself), and where it resumes.
 */
const PAUSE_AFTER_BATCHES = 16;
const RESUME_AT_BATCHES = 4;
/** A batch is sent before it holds more than this many bytes or frames. */
const BATCH_BYTES = 1 << 20;
const BATCH_FRAMES = 8192;

const clock = performance;
const CLOCK_ORIGIN_MS = clock.timeOrigin;
const nowMs = () => Math.round((CLOCK_ORIGIN_MS + clock.now()) * 1000) / 1000;

/** The socket, or null when ws refused the URL. */
const socket = openSocket();

function openSocket() {
  try {
    return new WebSocket(workerData.url, {
      handshakeTimeout: workerData.connectTimeoutMs,
      perMessageDeflate: false,
      maxPayload: workerData.maxPayloadBytes,
      // Set when the main thread's frame reader checks every frame (ASCII on its fast path, UTF-8 otherwise).
      skipUTF8Validation: workerData.skipUTF8Validation,
    });
  } catch (error) {
    parentPort.postMessage({ type: "open-failed", invalidUrl: true, ...errorFields(error) });
    parentPort.close();
    return null;
  }
}

let batch = Buffer.allocUnsafe(BATCH_BYTES);
let used = 0;
let count = 0;
const ends = new Uint32Array(BATCH_FRAMES);
const stamps = new Float64Array(BATCH_FRAMES);
const binary = new Uint8Array(BATCH_FRAMES);
let queued = false;
let inFlight = 0;
let paused = false;
let opened = false;

/** Sends the frames read so far, as one transferred buffer. */
function postFrames() {
  queued = false;
  if (count === 0) return;
  const bytes = new Uint8Array(used);
  bytes.set(batch.subarray(0, used));
  parentPort.postMessage(
    {
      type: "frames",
      bytes,
      ends: ends.slice(0, count),
      stamps: stamps.slice(0, count),
      binary: binary.slice(0, count),
    },
    [bytes.buffer],
  );
  used = 0;
  count = 0;
  inFlight++;
  if (!paused && inFlight > PAUSE_AFTER_BATCHES && socket.readyState === WebSocket.OPEN) {
    paused = true;
    socket.pause();
  }
}

function errorFields(error) {
  return { message: error.message || String(error), code: error.code };
}

if (socket !== null) {
  socket.on("message", (data, isBinary) => {
    const at = nowMs();
    if (used + data.length > batch.length || count === BATCH_FRAMES) postFrames();
    if (data.length > batch.length) batch = Buffer.allocUnsafe(data.length);
    batch.set(data, used);
    used += data.length;
    ends[count] = used;
    stamps[count] = at;
    binary[count] = isBinary ? 1 : 0;
    count++;
    // Every frame of one read from the socket arrives before the microtasks run: one batch per read.
    if (!queued) {
      queued = true;
      queueMicrotask(postFrames);
    }
  });

  socket.on("pong", () => {
    postFrames();
    parentPort.postMessage({ type: "pong", at: nowMs() });
  });

  socket.once("open", () => {
    opened = true;
    parentPort.postMessage({ type: "open" });
  });

  socket.once("unexpected-response", (_request, response) => {
    response.resume();
    parentPort.postMessage({
      type: "open-failed",
      message: "",
      httpStatus: response.statusCode ?? 0,
      statusMessage: response.statusMessage ?? "",
      retryAfter: response.headers["retry-after"] ?? null,
    });
    socket.removeAllListeners();
    socket.on("error", () => undefined);
    socket.terminate();
    parentPort.close();
  });

  socket.on("error", (error) => {
    postFrames();
    if (!opened) {
      parentPort.postMessage({ type: "open-failed", ...errorFields(error) });
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.terminate();
      parentPort.close();
      return;
    }
    parentPort.postMessage({ type: "error", ...errorFields(error) });
  });

  socket.on("close", (code, reason) => {
    postFrames();
    if (opened) parentPort.postMessage({ type: "close", code, reason: reason.toString() });
    parentPort.close();
  });

  parentPort.on("message", (message) => {
    switch (message.type) {
      case "ack":
        inFlight--;
        if (paused && inFlight <= RESUME_AT_BATCHES) {
          paused = false;
          socket.resume();
        }
        break;
      case "send":
        if (socket.readyState === WebSocket.OPEN) socket.send(message.text);
        break;
      case "ping":
        if (socket.readyState === WebSocket.OPEN) socket.ping();
        break;
      case "close":
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(message.code);
        break;
      case "terminate":
        socket.terminate();
        break;
    }
  });
}
