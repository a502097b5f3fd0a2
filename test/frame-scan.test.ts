import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { FrameScanner } from "../lib/capture/frame-scan";
import { classifyFrame } from "../lib/capture/frames";
import { HEAD_FIELDS } from "../lib/binance/sequence";
import { frameOf, loadReplayLibrary } from "../lib/replay/recordings";
import { BUNDLED, PROJECT_ROOT } from "./helpers";

const FILES = [
  ...fs
    .readdirSync(BUNDLED)
    .filter((name) => /\.jsonl(\.gz)?$/.test(name))
    .map((name) => path.join(BUNDLED, name)),
  path.join(PROJECT_ROOT, "data", "examples", "usdm-documented-examples.jsonl"),
];

/** What the scanner must give for a frame: JSON.parse's wanted scalar members of an object payload. */
function expectedHead(text: string): Record<string, unknown> | null {
  const value = JSON.parse(text) as { data: unknown };
  if (typeof value.data !== "object" || value.data === null || Array.isArray(value.data)) return null;
  const head: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value.data)) {
    if ((HEAD_FIELDS as readonly string[]).includes(key)) head[key] = typeof member === "object" && member !== null ? null : member;
  }
  return head;
}

test("frame scanner: on every frame of every bundled recording it agrees with JSON.parse (stream, payload start, head members)", () => {
  const scanner = new FrameScanner(HEAD_FIELDS);
  const library = loadReplayLibrary(FILES);
  let scanned = 0;
  let arrays = 0;
  for (const recording of library.recordings.values()) {
    for (let i = 0; i < recording.count; i++) {
      const bytes = frameOf(recording, i, true);
      const text = bytes.toString("utf8");
      const result = scanner.scan(bytes);
      const head = expectedHead(text);
      if (head === null) {
        assert.equal(result, null, `${recording.name} #${i}: an array payload goes the slow way`);
        arrays++;
        continue;
      }
      assert.ok(result, `${recording.name} #${i} should be read by the fast path: ${text.slice(0, 120)}`);
      assert.equal(result.stream, recording.name);
      assert.equal(result.dataStart, recording.payloadOffset);
      assert.deepEqual({ ...result.head }, head, `${recording.name} #${i}`);
      // What the capture takes as the message is the head, or the whole payload when the symbol is nested.
      const frame = classifyFrame(bytes, false);
      assert.equal(frame.kind, "message");
      assert.deepEqual(classifyFrame(text, false).kind, "message", "the reference agrees");
      scanned++;
    }
  }
  assert.ok(scanned > 10_000, `${scanned} frames scanned`);
  assert.ok(arrays > 0, `${arrays} array payloads`);
});

test("frame scanner: whitespace, escapes, cut-off or trailing text, bad numbers and literals go the slow way, which decides", () => {
  const scanner = new FrameScanner(HEAD_FIELDS);
  const good = '{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":5,"p":"1.5","m":true,"x":[1,{"a":null}]}}';
  const scan = (text: string) => scanner.scan(Buffer.from(text));
  assert.deepEqual({ ...scan(good)?.head }, { e: "trade", E: 1, s: "BTCUSDT", t: 5 });
  const slowWay = [
    good.replace('"E":1', '"E": 1'),
    good.replace('"p":"1.5"', '"p":"1\\u002e5"'),
    good.replace("BTCUSDT", "BTC\\nUSDT"),
    good.slice(0, -1),
    good.slice(0, 60),
    `${good} `,
    `${good}x`,
    good.replace('"t":5', '"t":05'),
    good.replace('"t":5', '"t":5.'),
    good.replace('"t":5', '"t":-'),
    good.replace('"t":5', '"t":1e'),
    good.replace("true", "tru"),
    good.replace("[1,", "[1,,"),
    good.replace('{"a":null}', '{"a"null}'),
    good.replace('"data":{', '"data": {'),
    '{"stream":"btc\\"usdt@trade","data":{"e":"trade"}}',
    '{"stream":"btcusdt@trade","data":[{"e":"trade"}]}',
    '{"stream":"btcusdt@trade","data":5}',
  ];
  for (const text of slowWay) {
    assert.equal(scan(text), null, text);
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the slow way calls it malformed.
    }
    // The bytes go the slow way and get the reference's answer.
    assert.deepEqual(classifyFrame(Buffer.from(text), false), classifyFrame(text, false), text);
    if (parsed === undefined) assert.equal(classifyFrame(text, false).kind, "malformed", text);
  }
  // Nested values are checked against the whole grammar: empty and mixed containers pass, broken ones do not.
  const levels = ['[["1.5","2"],["3","0.004"]]', '[[],["a"]]', '[["1",2],["3"]]', '[["1"],{}]', "[[[]]]"];
  for (const nestedValue of [...levels, "[]", "{}", "[[],{}]", '{"a":[1,"2",true,null,{"b":{}}]}', "[-0.5e+3,0,1E2]"]) {
    const text = good.replace('[1,{"a":null}]', nestedValue);
    assert.ok(scan(text), nestedValue);
    assert.deepEqual(JSON.parse(text).data.x, JSON.parse(nestedValue));
  }
  const brokenLevels = ['[["1","2"],]', '[["1""2"]]', '[["1","2"]', '[["1",]]', '[["1"]["2"]]', "[[", '[["1","2"]}'];
  for (const nestedValue of [...brokenLevels, "[1}", '{"a":1,}', "[1 2]", '{"a"}', "[1,]", "{1:2}", "[", '["a]']) {
    const text = good.replace('[1,{"a":null}]', nestedValue);
    assert.equal(scan(text), null, nestedValue);
    assert.equal(classifyFrame(Buffer.from(text), false).kind, "malformed", nestedValue);
  }
  // Nesting deeper than the scanner follows is valid JSON: the slow way takes it as a message.
  const deep = good.replace('[1,{"a":null}]', "[".repeat(40) + "]".repeat(40));
  assert.equal(scan(deep), null);
  assert.equal(classifyFrame(Buffer.from(deep), false).kind, "message");
  // Numbers as JSON.parse reads them: negatives, fractions, exponents, integers past 2^53.
  for (const literal of ["-7", "0", "12.25", "-0.5e-3", "1E+2", "12345678901234567890", "9007199254740993"]) {
    const text = `{"stream":"x@trade","data":{"e":"trade","s":"X","t":${literal}}}`;
    assert.equal(scan(text)?.head.t, JSON.parse(literal), literal);
  }
  // Text beyond ASCII goes the slow way, which reads it as JSON.parse does; invalid UTF-8 is malformed there.
  const wide = '{"stream":"x@trade","data":{"e":"trade","s":"币安ÉTH","t":1,"x":"é"}}';
  assert.equal(scan(wide), null);
  assert.deepEqual(classifyFrame(Buffer.from(wide), false), classifyFrame(wide, false));
  assert.deepEqual((classifyFrame(Buffer.from(wide), false) as { data: unknown }).data, JSON.parse(wide).data);
  const invalid = Buffer.concat([
    Buffer.from('{"stream":"x@trade","data":{"e":"trade","s":"'),
    Buffer.of(0xc3, 0x28),
    Buffer.from('","t":1}}'),
  ]);
  const bad = classifyFrame(invalid, false);
  assert.equal(bad.kind, "malformed");
  assert.equal((bad as { detail: string }).detail.split(":")[0], `Not valid UTF-8 (a frame of ${invalid.length} bytes)`);
  // A wanted member holding an object is left out as null, and the capture then reads the whole payload.
  const nested = '{"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":9,"o":{"s":"BTCUSDT","q":"1"}}}';
  assert.deepEqual({ ...scan(nested)?.head }, { e: "forceOrder", E: 9 });
  const frame = classifyFrame(Buffer.from(nested), false);
  assert.equal(frame.kind, "message");
  assert.deepEqual((frame as { data: unknown }).data, JSON.parse(nested).data);
  assert.throws(() => new FrameScanner(["abc"]), /one or two Latin-1 characters/);
});

test("frame scanner: a frame that starts as an earlier one of its stream is read from there, and still checked to its end", () => {
  const scanner = new FrameScanner(HEAD_FIELDS);
  const frame = (stream: string, e: string, rest: string) => `{"stream":"${stream}","data":{"e":"${e}","E":${rest}}}`;
  const read = (text: string) => {
    const result = scanner.scan(Buffer.from(text));
    return result && { stream: result.stream, dataStart: result.dataStart, head: { ...result.head } };
  };
  const expected = (text: string) => ({
    stream: JSON.parse(text).stream,
    dataStart: text.indexOf(',"data":') + 8,
    head: expectedHead(text),
  });
  // Sixty streams in turn (one connection carries many), each frame as JSON.parse reads it.
  const streams = Array.from({ length: 60 }, (_, n) => `s${n}usdt@trade`);
  for (let round = 0; round < 3; round++) {
    for (const [n, stream] of streams.entries()) {
      const text = frame(stream, "trade", `${1000 + round},"s":"S${n}","t":${round},"p":"1.5","m":true`);
      assert.deepEqual(read(text), expected(text), text);
    }
  }
  // The same start, then anything: values read afresh, a broken or cut tail refused, other shapes checked.
  const good = frame("btcusdt@trade", "trade", '1,"s":"BTCUSDT","t":7,"X":"MARKET"');
  assert.deepEqual(read(good), expected(good));
  for (const tail of ['2,"s":"ETH","t":8', '-3.5e2,"t":9', '"text","U":1,"u":2,"pu":0', '{"a":[1]},"t":1', "[]", "null"]) {
    const text = frame("btcusdt@trade", "trade", tail);
    assert.deepEqual(read(text), expected(text), text);
  }
  for (const tail of ['2,"s":"ETH",', "2,", '2 ,"t":1', "", '2,"t":01', '2,"s":"a\\"b"']) {
    const text = frame("btcusdt@trade", "trade", tail);
    assert.equal(read(text), null, text);
    assert.equal(read(text.slice(0, -1)), null, text.slice(0, -1));
  }
  // A frame that ends where the known start does, or differs in its first bytes, is read from the beginning.
  assert.equal(read('{"stream":"btcusdt@trade","data":{"e":"trade","E":'), null);
  const other = good.replace('{"stream"', '{"Stream"');
  assert.equal(read(other), null);
  assert.equal(classifyFrame(Buffer.from(other), false).kind, "malformed");
});
