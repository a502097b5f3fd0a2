/**
 * Frames for the capture benchmark: the real `@trade` and `@depth@0ms` frames of a bundled
 * recording (as Binance's combined streams send them), repeated with shifted ids and times so a
 * long run stays a plausible, gap-free stream.
 */
import { loadSample } from "../../lib/store/read";
import { TRADE_SOURCE } from "./trade-sample";

/** Which frames a benchmark run sends. */
export type FrameKind = "trade" | "depth";

/** The stream name of each kind. */
export const STREAM_OF: Readonly<Record<FrameKind, string>> = { trade: "btcusdt@trade", depth: "btcusdt@depth@0ms" };

/** `count` combined-stream frame texts of one kind, ids and times shifted round after round. */
export function buildFrames(kind: FrameKind, count: number): string[] {
  const stream = STREAM_OF[kind];
  const payloads = loadSample(TRADE_SOURCE)
    .messages.filter((m) => m.stream === stream)
    .map((m) => m.data as Record<string, number | string | unknown>);
  const first = payloads[0];
  const last = payloads[payloads.length - 1];
  const timeSpan = Number(last.E) - Number(first.E) + 1;
  const idSpan = kind === "trade" ? Number(last.t) - Number(first.t) + 1 : Number(last.u) - Number(first.U) + 1;
  const frames: string[] = new Array(count);
  for (let n = 0; n < count; n++) {
    const round = Math.floor(n / payloads.length);
    const p = payloads[n % payloads.length];
    const shifted: Record<string, unknown> = { ...p, E: Number(p.E) + round * timeSpan, T: Number(p.T) + round * timeSpan };
    if (kind === "trade") shifted.t = Number(p.t) + round * idSpan;
    else {
      shifted.U = Number(p.U) + round * idSpan;
      shifted.u = Number(p.u) + round * idSpan;
      shifted.pu = Number(p.pu) + round * idSpan;
    }
    frames[n] = `{"stream":"${stream}","data":${JSON.stringify(shifted)}}`;
  }
  return frames;
}
