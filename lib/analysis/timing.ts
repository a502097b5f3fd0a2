/**
 * Timing: receive latency (local receive time − Binance's event time `E`), summaries with
 * percentiles, message rates per stream, and intervals between events. Latency includes the
 * difference between the two machines' clocks, so it can be negative when the local clock is
 * behind.
 */
import { InvalidArgumentError } from "../errors";
import type { MessageLike } from "./columns";

/** Receive latency per message. */
export interface LatencyColumns {
  readonly length: number;
  readonly stream: readonly string[];
  /** `E`, ms (`NaN` when the payload has none). */
  readonly eventTime: Float64Array;
  /** Local receive time, ms (`NaN` when the recording has none). */
  readonly localTimestamp: Float64Array;
  /** localTimestamp − eventTime, ms (`NaN` when either is unknown). */
  readonly latencyMs: Float64Array;
}

/** Count, extremes, percentiles and mean of some values (NaN left out). */
export interface DistributionSummary {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Binance's event time of a payload (the first element's for array payloads), or NaN. */
function eventTimeOf(data: unknown): number {
  const payload = Array.isArray(data) ? data[0] : data;
  if (typeof payload !== "object" || payload === null) return NaN;
  const E = (payload as { E?: unknown }).E;
  return typeof E === "number" ? E : NaN;
}

/**
 * Receive latency of every message: `localTimestamp − E`.
 * @example summarizeDistribution(computeReceiveLatency(sample.messages).latencyMs).p50
 */
export function computeReceiveLatency(messages: readonly MessageLike[]): LatencyColumns {
  const n = messages.length;
  const eventTime = new Float64Array(n);
  const localTimestamp = new Float64Array(n);
  const latencyMs = new Float64Array(n);
  const stream: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const message = messages[i];
    const E = eventTimeOf(message.data);
    const local = typeof message.localTimestamp === "number" ? message.localTimestamp : NaN;
    eventTime[i] = E;
    localTimestamp[i] = local;
    latencyMs[i] = local - E;
    stream[i] = message.stream ?? "";
  }
  return { length: n, stream, eventTime, localTimestamp, latencyMs };
}

/** The q-quantile (0..1) of ascending values, interpolated linearly between ranks (numpy's default). */
export function computeQuantile(sortedValues: ArrayLike<number>, q: number): number {
  const n = sortedValues.length;
  if (n === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new InvalidArgumentError("INVALID_QUANTILE", `Invalid quantile ${q}: expected a number from 0 to 1.`);
  const position = q * (n - 1);
  const lower = Math.floor(position);
  const upper = Math.min(n - 1, lower + 1);
  const fraction = position - lower;
  return sortedValues[lower] + (sortedValues[upper] - sortedValues[lower]) * fraction;
}

/**
 * Summarizes values: count, min, p50, p90, p99, max and mean, leaving NaN out.
 * @example summarizeDistribution(latency.latencyMs) // { count: 7584, min: ..., p50: ..., ... }
 */
export function summarizeDistribution(values: ArrayLike<number>): DistributionSummary {
  const kept = new Float64Array(values.length);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    kept[n++] = v;
    sum += v;
  }
  const sorted = kept.subarray(0, n).sort();
  return {
    count: n,
    min: n === 0 ? NaN : sorted[0],
    p50: computeQuantile(sorted, 0.5),
    p90: computeQuantile(sorted, 0.9),
    p99: computeQuantile(sorted, 0.99),
    max: n === 0 ? NaN : sorted[n - 1],
    mean: n === 0 ? NaN : sum / n,
  };
}

/** A latency summary for one stream. */
export interface StreamLatencySummary extends DistributionSummary {
  readonly stream: string;
}

/** Latency summary per stream, in first-seen order. */
export function summarizeLatencyByStream(latency: LatencyColumns): StreamLatencySummary[] {
  const indicesByStream = new Map<string, number[]>();
  for (let i = 0; i < latency.length; i++) {
    const list = indicesByStream.get(latency.stream[i]);
    if (list) list.push(i);
    else indicesByStream.set(latency.stream[i], [i]);
  }
  const out: StreamLatencySummary[] = [];
  for (const [stream, indices] of indicesByStream) {
    const values = new Float64Array(indices.length);
    for (let j = 0; j < indices.length; j++) values[j] = latency.latencyMs[indices[j]];
    out.push({ stream, ...summarizeDistribution(values) });
  }
  return out;
}

/** Messages per interval per stream. */
export interface MessageRates {
  readonly length: number;
  readonly intervalMs: number;
  /** Which clock bucketed the messages. */
  readonly clock: "local" | "event";
  /** Start of each interval, ms; every interval from the first message's to the last's. */
  readonly time: Float64Array;
  /** Stream names in first-seen order. */
  readonly streams: readonly string[];
  /** Per stream (same order as `streams`): messages in each interval. */
  readonly counts: readonly Float64Array[];
  /** All streams together. */
  readonly total: Float64Array;
}

const MAX_INTERVALS = 5_000_000;

/**
 * Counts messages per interval (default 1000 ms: messages per second) for each stream. The
 * clock is the local receive time when every message has one, else Binance's `E`.
 * @example countMessageRates(sample.messages).counts[0]
 */
export function countMessageRates(
  messages: readonly MessageLike[],
  options: { intervalMs?: number; clock?: "local" | "event" } = {},
): MessageRates {
  const intervalMs = options.intervalMs ?? 1000;
  if (typeof intervalMs !== "number" || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new InvalidArgumentError(
      "INVALID_INTERVAL",
      `Invalid intervalMs ${String(intervalMs)}: expected a positive number of milliseconds such as 1000.`,
    );
  }
  const clock = options.clock ?? (messages.every((m) => typeof m.localTimestamp === "number") ? "local" : "event");
  if (clock !== "local" && clock !== "event") {
    throw new InvalidArgumentError("INVALID_CLOCK", `Invalid clock ${JSON.stringify(clock)}: expected "local" or "event".`);
  }
  const n = messages.length;
  const times = new Float64Array(n);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = clock === "local" ? (messages[i].localTimestamp ?? NaN) : eventTimeOf(messages[i].data);
    times[i] = t;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const hasTimes = min <= max;
  const first = hasTimes ? Math.floor(min / intervalMs) : 0;
  const length = hasTimes ? Math.floor(max / intervalMs) - first + 1 : 0;
  if (length > MAX_INTERVALS) {
    throw new InvalidArgumentError(
      "TOO_MANY_INTERVALS",
      `intervalMs ${intervalMs} makes ${length} intervals: expected at most ${MAX_INTERVALS}; use a longer interval.`,
    );
  }
  const time = new Float64Array(length);
  for (let b = 0; b < length; b++) time[b] = (first + b) * intervalMs;
  const streams: string[] = [];
  const counts: Float64Array[] = [];
  const streamIndex = new Map<string, number>();
  const total = new Float64Array(length);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(times[i])) continue;
    const name = messages[i].stream ?? "";
    let s = streamIndex.get(name);
    if (s === undefined) {
      s = streams.length;
      streamIndex.set(name, s);
      streams.push(name);
      counts.push(new Float64Array(length));
    }
    const b = Math.floor(times[i] / intervalMs) - first;
    counts[s][b]++;
    total[b]++;
  }
  return { length, intervalMs, clock, time, streams, counts, total };
}

/**
 * Differences between consecutive times (e.g. depth `E`s): `out[i] = times[i] − times[i−1]`,
 * `out[0] = NaN`.
 * @example summarizeDistribution(computeIntervalsMs(depth.eventTime)).p50 // typical update interval
 */
export function computeIntervalsMs(times: ArrayLike<number>): Float64Array {
  const out = new Float64Array(times.length);
  if (times.length > 0) out[0] = NaN;
  for (let i = 1; i < times.length; i++) out[i] = times[i] - times[i - 1];
  return out;
}
