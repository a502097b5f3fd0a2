import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import { resolveCaptureStreams } from "../lib/capture/options";
import { capture } from "../lib/capture/session";
import { InvalidArgumentError } from "../lib/errors";
import { makeTempDir } from "./helpers";

function invalid(code: string, pattern: RegExp) {
  return (error: InvalidArgumentError) => {
    assert.ok(error instanceof InvalidArgumentError);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

test("streams are named directly (duplicates dropped) or built from symbols × types", () => {
  assert.deepEqual(resolveCaptureStreams({ streams: ["btcusdt@trade", "btcusdt@trade", "ethusdt@depth@100ms"], count: 1 }), [
    "btcusdt@trade",
    "ethusdt@depth@100ms",
  ]);
  assert.deepEqual(resolveCaptureStreams({ symbols: ["BTCUSDT", "ETHUSDT"], types: ["trade", "depth@100ms"], durationMs: 10 }), [
    "btcusdt@trade",
    "btcusdt@depth@100ms",
    "ethusdt@trade",
    "ethusdt@depth@100ms",
  ]);
  assert.throws(
    () => resolveCaptureStreams({ streams: ["btcusdt@trade"], symbols: ["BTCUSDT"], count: 1 }),
    invalid("CONFLICTING_OPTIONS", /either streams or symbols with types/),
  );
  assert.throws(() => resolveCaptureStreams({ streams: ["btcusdt@nonsense"], count: 1 }), /Unknown stream type "nonsense"/);
});

test("a capture needs a whole positive count, a positive duration, or both", () => {
  const streams = ["btcusdt@trade"];
  assert.throws(() => resolveCaptureStreams({ streams }), invalid("MISSING_LIMIT", /needs a count .* or a durationMs/));
  for (const count of [0, -1, Number.NaN, Infinity])
    assert.throws(
      () => resolveCaptureStreams({ streams, count }),
      invalid("INVALID_OPTION", /Invalid count .*: expected a positive number/),
    );
  assert.throws(
    () => resolveCaptureStreams({ streams, count: 2.5 }),
    invalid("INVALID_OPTION", /Invalid count 2\.5: expected a whole number/),
  );
  assert.throws(() => resolveCaptureStreams({ streams, durationMs: -5 }), invalid("INVALID_OPTION", /Invalid durationMs -5/));
  assert.deepEqual(resolveCaptureStreams({ streams, count: 3, durationMs: 0.5 }), streams);
});

test("capture checks its options before it opens or writes anything", () => {
  const outDir = makeTempDir();
  assert.throws(
    () => capture({ streams: ["btcusdt@trade"], outDir, wsBaseUrl: "ws://127.0.0.1:9" }),
    invalid("MISSING_LIMIT", /needs a count/),
  );
  assert.throws(
    () => capture({ streams: ["btcusdt@trade"], count: 1, outDir, name: "../escape", wsBaseUrl: "ws://127.0.0.1:9" }),
    invalid("UNSAFE_FILE_NAME", /Unsafe sample name/),
  );
  assert.deepEqual(fs.readdirSync(outDir), []);
});
