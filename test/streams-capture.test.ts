/**
 * Capturing every new stream family at once from the replay server: the real recordings here
 * (bundled), plus Binance's documented examples (data/examples/) for the families without a real
 * recording, served by a replay from a temporary file. The sample keeps exactly the first N
 * frames of each stream, byte for byte, and they decode as the recording's do.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { capture } from "../lib/capture/session";
import { planConnections } from "../lib/capture/plan";
import { routeOfStream } from "../lib/binance/endpoints";
import { decodeRecords } from "../lib/binance/decode";
import { startReplayServer, type ReplayServer } from "../lib/replay/server";
import { BUNDLED, DOCUMENTED_EXAMPLES, makeTempDir, readRecordingLines } from "./helpers";

const SINGLES = path.join(BUNDLED, "usdm-2021-2022-crypto-crawler-messages.jsonl");
const MARK = path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-markprice-trade.jsonl.gz");
const ALTS = path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz");

/** Binance's documented examples as a recording (`{"stream","data"}` a line), in a temporary folder. */
function documentedExamplesRecording(): string {
  const file = path.join(makeTempDir(), "documented-examples.jsonl");
  const lines = readRecordingLines(DOCUMENTED_EXAMPLES).map((line) => {
    const { stream, data } = JSON.parse(line) as { stream: string; data: unknown };
    return JSON.stringify({ stream, data });
  });
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

/** A recording's frames per stream as a replay sends them: `{"stream":..,"data":..}` with the payload's bytes. */
function framesByStream(file: string): Map<string, string[]> {
  const frames = new Map<string, string[]>();
  for (const line of readRecordingLines(file)) {
    if (line.includes('"snapshot":')) continue;
    const frame = line.startsWith('{"localTimestamp"') ? "{" + line.slice(line.indexOf(",") + 1) : line;
    const stream = frame.slice('{"stream":"'.length, frame.indexOf('"', '{"stream":"'.length));
    frames.set(stream, [...(frames.get(stream) ?? []), frame]);
  }
  return frames;
}

/** The stored messages of a sample file as frames (receive time removed), per stream, from the file's bytes (one line each, after the header line). */
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

async function withReplay<T>(files: string[], run: (server: ReplayServer) => Promise<T>): Promise<T> {
  const server = await startReplayServer({ files, speed: "max" });
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

/** One stream of every family added for issue 16: real where the project has a recording, else Binance's documented example. */
const NEW_FAMILY_STREAMS = [
  "!markPrice@arr", // real
  "!bookTicker", // real
  "!ticker@arr", // real
  "ethusdt@depth20", // real
  "btcusdt@markPrice@1s", // real
  "yfiusdt@kline_1m", // real
  "btcusdt@depth5", // documented example
  "btcusdt_perpetual@continuousKline_1m", // documented example
  "!miniTicker@arr", // documented example
  "btcusdt@forceOrder", // documented example
  "!forceOrder@arr", // documented example
  "!contractInfo", // documented example
  "!assetIndex@arr", // documented example
  "defiusdt@compositeIndex", // documented example
];

test("capturing every new family at once from the replay (documented examples where no real recording exists) stores the first N frames of each, byte for byte", async () => {
  const examples = documentedExamplesRecording();
  const files = [SINGLES, MARK, ALTS, examples];
  const recorded = new Map(files.flatMap((file) => [...framesByStream(file)]));
  const outDir = makeTempDir();
  const N = 1;
  const { file, sample } = await withReplay(files, (server) =>
    capture({ streams: NEW_FAMILY_STREAMS, count: N, wsBaseUrl: server.url, outDir, name: "every-family", keepMessages: true }),
  );
  assert.equal(sample.complete, true);
  assert.deepEqual(sample.countsByStream, Object.fromEntries(NEW_FAMILY_STREAMS.map((stream) => [stream, N])));
  assert.ok(
    sample.source.urls?.some((url) => url.includes("/public/stream?streams=!bookTicker/ethusdt@depth20/btcusdt@depth5")),
    JSON.stringify(sample.source.urls),
  );
  assert.ok(
    sample.source.urls?.some((url) => url.includes("/market/stream?streams=!markPrice@arr/!ticker@arr/")),
    JSON.stringify(sample.source.urls),
  );
  const stored = storedFramesByStream(file);
  for (const stream of NEW_FAMILY_STREAMS) {
    assert.deepEqual(stored.get(stream), recorded.get(stream)!.slice(0, N), stream);
    const [message] = sample.messages.filter((m) => m.stream === stream);
    assert.deepEqual(
      decodeRecords(message).map((record) => ({ ...record, localTimestamp: null })),
      decodeRecords({ stream, data: JSON.parse(recorded.get(stream)![0]).data }),
      `${stream} decodes as recorded`,
    );
  }
  // The symbols asked for by name; market streams name none.
  assert.deepEqual(sample.symbols, ["ETHUSDT", "BTCUSDT", "YFIUSDT", "DEFIUSDT"]);
  assert.deepEqual(sample.gaps, []);
});

test("a capture of market streams only needs no symbol; the sample's symbols are those of its events", async () => {
  const { sample } = await withReplay([SINGLES, documentedExamplesRecording()], (server) =>
    capture({
      streams: ["!ticker@arr", "!markPrice@arr", "!assetIndex@arr", "!forceOrder@arr"],
      count: 1,
      wsBaseUrl: server.url,
      outDir: makeTempDir(),
      keepMessages: true,
    }),
  );
  assert.deepEqual(sample.symbols, ["BTCUSDT", "ETHUSDT", "ADAUSD", "USDTUSD"]);
  assert.match(path.basename(sample.file ?? ""), /^ticker-arr-markPrice-arr-assetIndex-arr-forceOrder-arr-\d{8}T\d{6}Z\.jsonl$/);
});

test("--count N over the new families with real multi-message recordings keeps exactly the first N of each, byte for byte", async () => {
  const files = [SINGLES, MARK, ALTS];
  const recorded = new Map(files.flatMap((file) => [...framesByStream(file)]));
  const streams = ["btcusdt@markPrice@1s", "yfiusdt@kline_1m", "dentusdt@kline_1m", "ksmusdt@kline_1m", "btcusdt@trade"];
  const N = 12;
  const { file, sample } = await withReplay(files, (server) =>
    capture({ streams, count: N, wsBaseUrl: server.url, outDir: makeTempDir(), name: "many", keepMessages: true }),
  );
  assert.deepEqual(sample.countsByStream, Object.fromEntries(streams.map((stream) => [stream, N])));
  const stored = storedFramesByStream(file);
  for (const stream of streams) assert.deepEqual(stored.get(stream), recorded.get(stream)!.slice(0, N), stream);
});

test("an all-market and many-symbol capture is split by route and under 1024 streams per connection", () => {
  const symbols = Array.from({ length: 700 }, (_, i) => `s${i}usdt`);
  const streams = [
    "!ticker@arr",
    "!bookTicker",
    ...symbols.flatMap((symbol) => [`${symbol}@markPrice@1s`, `${symbol}@depth5@100ms`]),
    "!forceOrder@arr",
  ];
  const plans = planConnections("wss://fstream.binance.com", streams);
  for (const plan of plans) {
    assert.ok(plan.streams.length <= 1024, `${plan.streams.length} streams on connection ${plan.id}`);
    assert.ok(
      plan.streams.every((stream) => routeOfStream(stream) === plan.route),
      `connection ${plan.id}: one route`,
    );
  }
  assert.deepEqual(
    plans.map((plan) => [plan.route, plan.streams.length]),
    [
      ["market", 702],
      ["public", 701],
    ],
  );
  assert.deepEqual(plans.flatMap((plan) => plan.streams).sort(), [...streams].sort(), "every stream on exactly one connection");
  const more = planConnections("wss://fstream.binance.com", [...streams, ...symbols.map((symbol) => `${symbol}@forceOrder`)]);
  assert.deepEqual(
    more.map((plan) => [plan.route, plan.streams.length]),
    [
      ["market", 1024],
      ["market", 378],
      ["public", 701],
    ],
  );
});
