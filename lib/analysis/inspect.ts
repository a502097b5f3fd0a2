/**
 * `streamlab inspect`: what a sample holds — messages per stream, time ranges, receive latency,
 * sequence gaps and capture events — as a plain object (for `--json`) and as text.
 */
import type { SequenceGap } from "../binance/sequence";
import { computeReceiveLatency, summarizeDistribution, summarizeLatencyByStream, type DistributionSummary } from "./timing";
import type { CaptureEvent, Sample } from "../store/sample-format";

/** One stream's row in an inspection. */
export interface StreamInspection {
  readonly stream: string;
  readonly count: number;
  readonly firstEventTime: number | null;
  readonly lastEventTime: number | null;
  /** Messages per second over the stream's event-time span (null for fewer than 2 messages). */
  readonly ratePerSecond: number | null;
  /** Receive latency (local − E), ms; null when the recording has no receive times. */
  readonly latencyMs: DistributionSummary | null;
  readonly gaps: number;
}

/** Everything `inspect` reports. */
export interface SampleInspection {
  readonly file: string | null;
  readonly source: Sample["source"];
  readonly complete: boolean;
  readonly symbols: readonly string[];
  readonly count: number;
  readonly snapshots: number;
  readonly firstEventTime: number | null;
  readonly lastEventTime: number | null;
  readonly streams: readonly StreamInspection[];
  readonly latencyMs: DistributionSummary | null;
  readonly gaps: readonly SequenceGap[];
  readonly events: readonly CaptureEvent[];
}

/** `E` of a payload; an array stream's payload (`!ticker@arr`) has it on each event: the first one's. */
function eventTimeOf(data: unknown): number | null {
  const first = Array.isArray(data) ? (data[0] as unknown) : data;
  const E = (first as { E?: unknown } | null)?.E;
  return typeof E === "number" ? E : null;
}

/**
 * Inspects a loaded sample.
 * @example formatInspection(inspectSample(loadSample("data/bundled/btcusdt-trade.json")))
 */
export function inspectSample(sample: Sample): SampleInspection {
  const latency = computeReceiveLatency(sample.messages);
  const latencyByStream = new Map(summarizeLatencyByStream(latency).map((summary) => [summary.stream, summary]));
  const ranges = new Map<string, { count: number; first: number | null; last: number | null }>();
  for (const message of sample.messages) {
    const range = ranges.get(message.stream) ?? { count: 0, first: null, last: null };
    const E = eventTimeOf(message.data);
    range.count++;
    if (E !== null) {
      if (range.first === null || E < range.first) range.first = E;
      if (range.last === null || E > range.last) range.last = E;
    }
    ranges.set(message.stream, range);
  }
  const streams: StreamInspection[] = [...ranges].map(([stream, range]) => {
    const spanMs = range.first !== null && range.last !== null ? range.last - range.first : 0;
    const { stream: _stream, ...summary } = latencyByStream.get(stream) ?? { stream, count: 0 };
    return {
      stream,
      count: range.count,
      firstEventTime: range.first,
      lastEventTime: range.last,
      ratePerSecond: range.count > 1 && spanMs > 0 ? ((range.count - 1) * 1000) / spanMs : null,
      latencyMs: summary.count > 0 ? (summary as DistributionSummary) : null,
      gaps: sample.gaps.filter((gap) => gap.stream === stream).length,
    };
  });
  const overall = summarizeDistribution(latency.latencyMs);
  return {
    file: sample.file ?? null,
    source: sample.source,
    complete: sample.complete,
    symbols: sample.symbols,
    count: sample.count,
    snapshots: sample.snapshots.length,
    firstEventTime: sample.firstEventTime,
    lastEventTime: sample.lastEventTime,
    streams,
    latencyMs: overall.count > 0 ? overall : null,
    gaps: sample.gaps,
    events: sample.events,
  };
}

function time(ms: number | null): string {
  return ms === null ? "-" : new Date(ms).toISOString();
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : "-";
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** The inspection as aligned text for a terminal. */
export function formatInspection(report: SampleInspection): string {
  const lines: string[] = [];
  const span =
    report.firstEventTime !== null && report.lastEventTime !== null
      ? ` (${((report.lastEventTime - report.firstEventTime) / 1000).toFixed(1)} s)`
      : "";
  lines.push(`file:       ${report.file ?? "-"}`);
  lines.push(
    `source:     ${report.source.kind}${report.source.wsBaseUrl ? ` ${report.source.wsBaseUrl}` : ""}${report.source.file ? ` ${report.source.file}` : ""}${report.complete ? "" : "  (UNFINISHED capture, recovered)"}`,
  );
  lines.push(`symbols:    ${report.symbols.join(", ") || "-"}`);
  lines.push(`messages:   ${report.count} in ${report.streams.length} stream(s), ${report.snapshots} depth snapshot(s)`);
  lines.push(`event time: ${time(report.firstEventTime)} → ${time(report.lastEventTime)}${span}`);
  lines.push("");
  const width = Math.max(8, ...report.streams.map((s) => s.stream.length)) + 2;
  lines.push(
    `${pad("stream", width)}${pad("count", 9)}${pad("msg/s", 9)}${pad("gaps", 6)}latency local−E ms (min / p50 / p90 / p99 / max)`,
  );
  for (const s of report.streams) {
    const latency = s.latencyMs
      ? [s.latencyMs.min, s.latencyMs.p50, s.latencyMs.p90, s.latencyMs.p99, s.latencyMs.max].map(ms).join(" / ")
      : "no receive times";
    lines.push(
      `${pad(s.stream, width)}${pad(String(s.count), 9)}${pad(s.ratePerSecond === null ? "-" : s.ratePerSecond.toFixed(1), 9)}${pad(String(s.gaps), 6)}${latency}`,
    );
  }
  lines.push("");
  if (report.gaps.length === 0) {
    lines.push("sequence gaps: none (trade t, aggTrade a/f/l, depth pu/u, bookTicker u)");
  } else {
    lines.push(`sequence gaps: ${report.gaps.length}`);
    for (const gap of report.gaps.slice(0, 20)) {
      const missing = gap.missing === null ? "" : `, ${gap.missing} missing`;
      lines.push(
        `  ${gap.stream}: ${gap.field} expected ${gap.expected}, got ${gap.actual}${missing} (message ${gap.index}, E ${time(gap.eventTime)})`,
      );
    }
    if (report.gaps.length > 20) lines.push(`  … ${report.gaps.length - 20} more (use --json)`);
  }
  const notable = report.events.filter((event) => event.kind !== "open");
  if (notable.length > 0) {
    lines.push(`events: ${notable.length}`);
    for (const event of notable.slice(0, 20))
      lines.push(
        `  ${time(event.localTimestamp)} ${event.kind}${event.stream ? ` ${event.stream}` : ""}: ${event.detail ?? event.url ?? ""}`,
      );
  }
  return lines.join("\n");
}
