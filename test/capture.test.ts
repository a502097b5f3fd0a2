import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { WebSocketServer } from "ws";
import { capture } from "../lib/capture/session";
import { ConnectionError } from "../lib/errors";
import { startReplayServer, type ReplayServer } from "../lib/replay/server";
import { loadSample } from "../lib/store/read";
import { isUnreachableError } from "../lib/capture/unreachable";
import { BUNDLED, PROJECT_ROOT, makeTempDir, readRecordingLines } from "./helpers";

const HFT = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz");
const ALTS = path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz");
const TICKER = path.join(BUNDLED, "btcusdt-ticker.json");

/** The recording's frames per stream, exactly as Binance sent them (`{"stream":..,"data":..}`). */
function framesByStream(file: string): Map<string, string[]> {
  const frames = new Map<string, string[]>();
  for (const line of readRecordingLines(file)) {
    if (line.includes('"snapshot":')) continue;
    const frame = "{" + line.slice(line.indexOf(",") + 1);
    const stream = frame.slice('{"stream":"'.length, frame.indexOf('"', '{"stream":"'.length));
    frames.set(stream, [...(frames.get(stream) ?? []), frame]);
  }
  return frames;
}

/** The stored messages of a format-2 sample file as frames (receive time removed), per stream, from the file's bytes. */
function storedFramesByStream(file: string): Map<string, string[]> {
  const lines = fs.readFileSync(file, "utf8").split("\n").slice(1, -1);
  const frames = new Map<string, string[]>();
  for (const raw of lines.filter((line) => !/^\{"localTimestamp":[^,]*,"(snapshot|event)":/.test(line))) {
    assert.match(raw, /^\{"localTimestamp":\d+(\.\d+)?,"stream":"/);
    const frame = "{" + raw.slice(raw.indexOf(",") + 1);
    const stream = frame.slice('{"stream":"'.length, frame.indexOf('"', '{"stream":"'.length));
    frames.set(stream, [...(frames.get(stream) ?? []), frame]);
  }
  return frames;
}

async function withReplay<T>(options: Parameters<typeof startReplayServer>[0], run: (server: ReplayServer) => Promise<T>): Promise<T> {
  const server = await startReplayServer(options);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

test("--count N stores exactly the first N messages of each stream, byte for byte, across both routes", async () => {
  const outDir = makeTempDir();
  const streams = ["btcusdt@trade", "btcusdt@depth@0ms", "btcusdt@ticker", "ksmusdt@aggTrade", "ksmusdt@depth@100ms"];
  const N = 7;
  const { file, sample } = await withReplay({ files: [HFT, ALTS, TICKER] }, (server) =>
    capture({ streams, count: N, wsBaseUrl: server.url, outDir, name: "multi", keepMessages: true }),
  );
  assert.equal(file, path.join(outDir, "multi.jsonl"));
  assert.equal(sample.complete, true);
  assert.deepEqual(sample.countsByStream, Object.fromEntries(streams.map((s) => [s, N])));
  assert.equal(sample.source.kind, "replay");
  assert.equal(sample.source.urls?.length, 2);
  assert.ok(sample.source.urls?.some((u) => u.includes("/public/stream?streams=btcusdt@trade/btcusdt@depth@0ms/ksmusdt@depth@100ms")));
  assert.ok(sample.source.urls?.some((u) => u.includes("/market/stream?streams=btcusdt@ticker/ksmusdt@aggTrade")));
  const stored = storedFramesByStream(file);
  const recorded = new Map([...framesByStream(HFT), ...framesByStream(ALTS)]);
  const tickerFrames = loadSample(TICKER).messages.map((m) => JSON.stringify({ stream: m.stream, data: m.data }));
  for (const stream of streams) {
    const expected = stream === "btcusdt@ticker" ? tickerFrames.slice(0, N) : recorded.get(stream)!.slice(0, N);
    assert.deepEqual(stored.get(stream), expected, stream);
  }
  // receive times are stamped and increasing per stream
  for (const stream of streams) {
    const times = sample.messages.filter((m) => m.stream === stream).map((m) => m.localTimestamp!);
    assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]));
    assert.ok(Math.abs(times[0] - Date.now()) < 60_000);
  }
  // a depth capture fetches the REST snapshot too
  assert.equal(sample.snapshots.length, 2, JSON.stringify(sample.events));
  assert.deepEqual(sample.snapshots.map((s) => s.symbol).sort(), ["BTCUSDT", "KSMUSDT"]);
  assert.equal(sample.gaps.length, 0);
});

test("an acknowledged but silent stream is an error naming the stream and the URL", async () => {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as { port: number }).port;
  const outDir = makeTempDir();
  try {
    await assert.rejects(
      capture({ streams: ["btcusdt@trade"], count: 5, wsBaseUrl: `ws://127.0.0.1:${port}`, outDir, silenceTimeoutMs: 300 }),
      (error: ConnectionError) => {
        assert.equal(error.code, "SILENT_STREAM");
        assert.equal(isUnreachableError(error), true, "a silent stream counts as Binance not reachable");
        assert.match(
          error.message,
          /Stream "btcusdt@trade" sent nothing within 300 ms on ws:\/\/127\.0\.0\.1:\d+\/public\/stream\?streams=btcusdt@trade/,
        );
        assert.match(error.message, /wrong route/);
        return true;
      },
    );
    assert.deepEqual(fs.readdirSync(outDir), []); // nothing received, nothing left behind
  } finally {
    server.close();
  }
});

test("server error replies, malformed frames and refused connections are reported, and received messages kept", async () => {
  const outDir = makeTempDir();
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as { port: number }).port;
  const trades = framesByStream(HFT).get("btcusdt@trade")!;
  server.on("connection", (socket) => {
    socket.send(trades[0]);
    socket.send("garbage{");
    socket.send(trades[1]);
    socket.send('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":null}');
  });
  try {
    const error: ConnectionError = await capture({
      streams: ["btcusdt@trade"],
      count: 10,
      wsBaseUrl: `ws://127.0.0.1:${port}`,
      outDir,
    }).then(
      () => assert.fail("expected a rejection"),
      (e) => e,
    );
    assert.equal(error.code, "SERVER_ERROR");
    assert.equal(isUnreachableError(error), false, "a server that answers is reachable");
    assert.match(error.message, /sent error 2: Invalid request: invalid stream\./);
    const saved = loadSample(error.sampleFile!);
    assert.equal(saved.count, 2);
    assert.equal(saved.complete, false);
    assert.ok(saved.events.some((e) => e.kind === "malformed-frame" && /garbage\{/.test(e.detail ?? "")));
    assert.ok(saved.events.some((e) => e.kind === "server-error" && /invalid stream/.test(e.detail ?? "")));
  } finally {
    server.close();
  }
  await assert.rejects(
    capture({ streams: ["btcusdt@trade"], count: 1, wsBaseUrl: `ws://127.0.0.1:${port}`, outDir }),
    (error: ConnectionError) => {
      assert.equal(error.code, "CONNECT_FAILED");
      assert.equal(isUnreachableError(error), true);
      assert.match(
        error.message,
        /Cannot connect to ws:\/\/127\.0\.0\.1:\d+\/public\/stream\?streams=btcusdt@trade: the connection was refused/,
      );
      return true;
    },
  );
});

test("a dropped connection is recorded, reconnected, and the capture completes", async () => {
  const outDir = makeTempDir();
  const { sample } = await withReplay({ files: [HFT], inject: { closeAfterFrames: 30, closeMode: "terminate" } }, (server) =>
    capture({ streams: ["btcusdt@trade"], count: 50, wsBaseUrl: server.url, outDir, keepMessages: true }),
  );
  assert.equal(sample.count, 50);
  assert.ok(sample.events.some((e) => e.kind === "close" && /code 1006/.test(e.detail ?? "")));
  assert.ok(sample.events.some((e) => e.kind === "reconnect"));
  // the replay restarts its recording on the new connection: the id chain shows the break
  assert.ok(sample.gaps.length >= 1);
  assert.equal(sample.gaps[0].field, "t");
});

test("duration and abort stop a capture and keep what arrived", async () => {
  const outDir = makeTempDir();
  await withReplay({ files: [HFT], speed: 20 }, async (server) => {
    const timed = await capture({ streams: ["btcusdt@bookTicker"], durationMs: 400, wsBaseUrl: server.url, outDir, keepMessages: true });
    assert.ok(timed.sample.count > 0);
    assert.ok(timed.sample.events.some((e) => /duration of 400 ms reached/.test(e.detail ?? "")));
    const controller = new AbortController();
    const pending = capture({
      streams: ["btcusdt@bookTicker"],
      count: 100_000,
      wsBaseUrl: server.url,
      outDir,
      signal: controller.signal,
      keepMessages: true,
    });
    setTimeout(() => controller.abort(), 300);
    const aborted = await pending;
    assert.ok(aborted.sample.count > 0 && aborted.sample.count < 100_000);
    assert.equal(aborted.sample.complete, true);
  });
});

test("SIGKILL mid-capture leaves every received message on disk, recoverable", async () => {
  const outDir = makeTempDir();
  await withReplay({ files: [HFT], speed: 5 }, async (server) => {
    const child = spawn(
      process.execPath,
      [
        path.join(PROJECT_ROOT, "bin", "streamlab.cjs"),
        "capture",
        "btcusdt@trade",
        "btcusdt@bookTicker",
        "--count",
        "100000",
        "--url",
        server.url,
        "--out",
        outDir,
        "--name",
        "killed",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    // wait until the capture reports a few hundred messages, then kill it without warning
    const reported = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress: ${stderr}`)), 30_000);
      child.stderr.on("data", () => {
        const counts = [...stderr.matchAll(/: (\d+) messages/g)].map((m) => Number(m[1]));
        if (counts.length > 0 && counts[counts.length - 1] >= 300) {
          clearTimeout(timer);
          resolve(counts[counts.length - 1]);
        }
      });
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const journal = path.join(outDir, "killed.partial.jsonl");
    assert.ok(fs.existsSync(journal));
    const partial = loadSample(journal);
    assert.ok(partial.count >= reported, `${partial.count} on disk ≥ ${reported} reported`);
    // exactly the recording's first messages of each stream, in order, nothing invented or reordered
    const recorded = framesByStream(HFT);
    for (const stream of ["btcusdt@trade", "btcusdt@bookTicker"]) {
      const got = partial.messages.filter((m) => m.stream === stream).map((m) => JSON.stringify({ stream: m.stream, data: m.data }));
      assert.deepEqual(got, recorded.get(stream)!.slice(0, got.length), stream);
    }
    const { main } = await import("../lib/cli/main");
    const out: string[] = [];
    const sink = { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream;
    assert.equal(await main(["recover", outDir], sink, sink), 0);
    const recovered = loadSample(path.join(outDir, "killed.jsonl"));
    assert.equal(recovered.count, partial.count);
    assert.equal(recovered.complete, false);
  });
});

test("control errors are recognised in both shapes Binance uses", async () => {
  const { controlErrorOf } = await import("../lib/binance/control");
  assert.deepEqual(controlErrorOf({ code: 2, msg: "Invalid request", id: 1 }), { code: 2, msg: "Invalid request" });
  assert.deepEqual(controlErrorOf({ error: { code: 3, msg: "Invalid JSON" }, id: null }), { code: 3, msg: "Invalid JSON" });
  assert.equal(controlErrorOf({ result: null, id: 1 }), null);
  assert.equal(controlErrorOf("text"), null);
});

test("captures never overwrite: default names get a suffix, an explicit existing name is refused", async () => {
  const outDir = makeTempDir();
  await withReplay({ files: [HFT] }, async (server) => {
    const first = await capture({ streams: ["btcusdt@trade"], count: 2, wsBaseUrl: server.url, outDir });
    const second = await capture({ streams: ["btcusdt@trade"], count: 2, wsBaseUrl: server.url, outDir });
    assert.notEqual(first.file, second.file);
    assert.throws(
      () => capture({ streams: ["btcusdt@trade"], count: 2, wsBaseUrl: server.url, outDir, name: path.basename(first.file, ".jsonl") }),
      /already exists: choose another name/,
    );
    assert.equal(loadSample(first.file).count, 2);
  });
});
