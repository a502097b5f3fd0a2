/**
 * A sample's metadata, computed from its messages: counts per stream, symbols and streams in
 * first-seen order, the event-time range and the sequence gaps. Every reader and writer of
 * samples builds its `SampleMeta` here, so they all agree.
 */
import { eventsOf } from "../binance/schema";
import { findSequenceGaps } from "../binance/sequence";
import { symbolOfEvent } from "../binance/stream-schemas";
import {
  LIBRARY,
  SAMPLE_FORMAT,
  SAMPLE_FORMAT_VERSION,
  type Sample,
  type SampleMeta,
  type SampleSource,
  type StoredDepthSnapshot,
  type StoredMessage,
} from "./sample-format";

/** What is known about a sample besides its messages; everything else is computed. */
export type KnownSampleMeta = Partial<Omit<SampleMeta, "format" | "formatVersion">> & { source: SampleSource };

/** Symbols and stream names in first-seen order, counts per stream and the event-time range. */
function describeMessages(messages: readonly StoredMessage[]) {
  const countsByStream: Record<string, number> = {};
  const symbols: string[] = [];
  let firstEventTime: number | null = null;
  let lastEventTime: number | null = null;
  const seen = new Set<string>();
  for (const message of messages) {
    countsByStream[message.stream] = (countsByStream[message.stream] ?? 0) + 1;
    // Array streams (`!ticker@arr`) carry one event per symbol; a liquidation keeps its symbol in `o.s`.
    for (const event of eventsOf(message.data)) {
      const symbol = symbolOfEvent(message.stream, event);
      if (symbol && !seen.has(symbol)) {
        seen.add(symbol);
        symbols.push(symbol);
      }
      const E = (event as Record<string, unknown> | null)?.E;
      const eventTime = typeof E === "number" ? E : null;
      if (eventTime !== null) {
        if (firstEventTime === null || eventTime < firstEventTime) firstEventTime = eventTime;
        if (lastEventTime === null || eventTime > lastEventTime) lastEventTime = eventTime;
      }
    }
  }
  return { countsByStream, symbols, streams: Object.keys(countsByStream), firstEventTime, lastEventTime };
}

/**
 * The metadata of `messages`: what `known` gives (symbols and streams only when non-empty),
 * the rest computed. `complete` defaults to true, `library` to this library.
 */
export function buildSampleMeta(messages: readonly StoredMessage[], known: KnownSampleMeta): SampleMeta {
  const described = describeMessages(messages);
  return {
    format: SAMPLE_FORMAT,
    formatVersion: SAMPLE_FORMAT_VERSION,
    library: known.library ?? LIBRARY,
    source: known.source,
    symbols: known.symbols?.length ? known.symbols : described.symbols,
    streams: known.streams?.length ? known.streams : described.streams,
    startedAt: known.startedAt ?? null,
    endedAt: known.endedAt ?? null,
    firstEventTime: described.firstEventTime,
    lastEventTime: described.lastEventTime,
    count: messages.length,
    countsByStream: described.countsByStream,
    complete: known.complete ?? true,
    gaps: findSequenceGaps(messages),
    events: known.events ?? [],
  };
}

/**
 * A sample held in memory (not written): messages plus the metadata computed from them.
 * @example summarizeSample(messages, { source: { kind: "recording", file: "x.jsonl" } }).gaps
 */
export function summarizeSample(
  messages: readonly StoredMessage[],
  known: KnownSampleMeta & { snapshots?: readonly StoredDepthSnapshot[] },
): Sample {
  const { snapshots, ...meta } = known;
  return { ...buildSampleMeta(messages, meta), messages, snapshots: snapshots ?? [] };
}
