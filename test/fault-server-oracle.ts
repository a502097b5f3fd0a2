/**
 * The fault tests' oracle: what the fault server sent on each connection, against what the
 * capture stored. Every message sent is stored exactly once (copies from overlapping
 * connections once), and a gap is recorded exactly where the ids show messages were lost,
 * which can only be where one connection took over from another.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import { main } from "../lib/cli/main";
import { loadSample } from "../lib/store/read";
import type { Sample } from "../lib/store/sample-format";
import type { FaultServer } from "./fault-server";

/** A message line of a sample, split: its stream, its frame (as the server sent it) and its receive time. */
export interface StoredFrame {
  readonly stream: string;
  readonly frame: string;
  readonly localTimestamp: number;
}

/** The message lines of a format-2 sample, in order, from the file's bytes. */
export function storedFrames(file: string): StoredFrame[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => /^\{"localTimestamp":[^,]*,"stream":"/.test(line))
    .map((line) => {
      const comma = line.indexOf(",");
      const frame = "{" + line.slice(comma + 1);
      return {
        stream: frame.slice(11, frame.indexOf('"', 11)),
        frame,
        localTimestamp: Number(line.slice('{"localTimestamp":'.length, comma)),
      };
    });
}

/** Every distinct frame of `stream` the server sent, in order: connection by connection, copies dropped. */
export function sentFrames(server: FaultServer, stream: string): string[] {
  const seen = new Set<string>();
  const frames: string[] = [];
  const tag = `{"stream":"${stream}",`;
  for (const connection of server.connections) {
    for (const frame of connection.frames) {
      if (!frame.startsWith(tag) || seen.has(frame)) continue;
      seen.add(frame);
      frames.push(frame);
    }
  }
  return frames;
}

/** Asserts each stream stored exactly the first `count` distinct frames the server sent, byte for byte, in order. */
export function assertStoredExactlyOnce(server: FaultServer, file: string, streams: readonly string[], count: number): void {
  const stored = storedFrames(file);
  for (const stream of streams) {
    const mine = stored.filter((s) => s.stream === stream).map((s) => s.frame);
    const expected = sentFrames(server, stream).slice(0, count);
    const first = expected.findIndex((frame, i) => mine[i] !== frame);
    assert.equal(
      first,
      -1,
      `${stream}: stored frame ${first} is not the server's:\n got ${mine[first]?.slice(0, 160)}\nwant ${expected[first]?.slice(0, 160)}`,
    );
    assert.equal(mine.length, count, `${stream}: ${mine.length} stored, ${count} asked for`);
  }
}

/** The id that chains a stream's messages, and whether `next` continues `previous`. */
function chainOf(
  stream: string,
): { field: string; continues(previous: Record<string, number>, next: Record<string, number>): boolean } | null {
  if (stream.endsWith("@trade")) return { field: "t", continues: (p, n) => n.t === p.t + 1 };
  if (stream.includes("@depth")) return { field: "pu", continues: (p, n) => n.pu === p.u };
  if (stream.endsWith("@aggTrade")) return { field: "a", continues: (p, n) => n.a === p.a + 1 };
  return null;
}

/** Which server connection first sent each frame. */
function connectionOf(server: FaultServer): Map<string, number> {
  const owner = new Map<string, number>();
  for (const connection of server.connections)
    for (const frame of connection.frames) if (!owner.has(frame)) owner.set(frame, connection.id);
  return owner;
}

/** What `assertGapsExactlyWhereLost` found. */
export interface GapCheck {
  /** Places where messages were lost at a switch of connections (each has a sequence gap and a gap event). */
  readonly losses: number;
  /** Places where a damaged frame took a message away on one connection (a sequence gap, no gap event). */
  readonly damaged: number;
  /** Switches between connections among the stored messages. */
  readonly switches: number;
}

/**
 * Asserts the gaps of a stream with an id chain: a sequence gap exactly where consecutive stored
 * messages do not chain; each such place is either a switch between connections (then a `gap`
 * event carries the ids on both sides) or a frame the server sent damaged; and no `gap` event
 * anywhere else.
 */
export function assertGapsExactlyWhereLost(server: FaultServer, sample: Sample, file: string, stream: string): GapCheck {
  const chain = chainOf(stream);
  assert.ok(chain, `${stream} has no id chain to check`);
  const frames = storedFrames(file).filter((s) => s.stream === stream);
  const owner = connectionOf(server);
  const damaged = server.connections
    .flatMap((connection) => connection.damaged)
    .filter((frame) => frame.startsWith(`{"stream":"${stream}",`));
  const damagedData = damaged.map((frame) => (JSON.parse(frame) as { data: Record<string, number> }).data);
  const datas = frames.map((s) => (JSON.parse(s.frame) as { data: Record<string, number> }).data);
  const breaks: number[] = [];
  const switchLosses: number[] = [];
  let switches = 0;
  let damagedBreaks = 0;
  for (let i = 1; i < frames.length; i++) {
    const switched = owner.get(frames[i].frame) !== owner.get(frames[i - 1].frame);
    if (switched) switches++;
    if (chain.continues(datas[i - 1], datas[i])) continue;
    breaks.push(i);
    if (switched) {
      switchLosses.push(i);
      continue;
    }
    const explained = damagedData.some((lost) => chain.continues(datas[i - 1], lost) && chain.continues(lost, datas[i]));
    assert.ok(
      explained,
      `${stream}: message ${i} does not chain on (${chain.field}) but came on the same connection as the one before, and no damaged frame explains it`,
    );
    damagedBreaks++;
  }
  const gaps = sample.gaps.filter((gap) => gap.stream === stream);
  assert.deepEqual(
    gaps.map((gap) => gap.actual),
    breaks.map((i) => (chain.field === "pu" ? datas[i].pu : datas[i][chain.field])),
    `${stream}: sequence gaps exactly where ids jump`,
  );
  const events = sample.events.filter((event) => event.kind === "gap" && event.stream === stream);
  assert.deepEqual(
    events.map((event) => [event.loss?.lastBefore, event.loss?.firstAfter]),
    switchLosses.map((i) => (chain.field === "pu" ? [datas[i - 1].u, datas[i].U] : [datas[i - 1][chain.field], datas[i][chain.field]])),
    `${stream}: a gap event with the ids on both sides for each loss at a switch, and none elsewhere`,
  );
  return { losses: switchLosses.length, damaged: damagedBreaks, switches };
}

/** A sink for main()'s output. */
export function sink(): { stream: NodeJS.WritableStream; text(): string } {
  const chunks: string[] = [];
  return {
    stream: { write: (chunk: string) => (chunks.push(String(chunk)), true) } as unknown as NodeJS.WritableStream,
    text: () => chunks.join(""),
  };
}

/** Runs `streamlab capture` in this process against the fault server; resolves with its exit status, output and sample. */
export async function runCapture(
  args: readonly string[],
): Promise<{ exit: number; stdout: string; stderr: string; file: string; sample: Sample }> {
  const out = sink();
  const err = sink();
  const exit = await main(["capture", ...args], out.stream, err.stream);
  const file = out.text().trim().split("\n").pop() ?? "";
  const sample = file ? loadSample(file) : (null as unknown as Sample);
  return { exit, stdout: out.text(), stderr: err.text(), file, sample };
}
