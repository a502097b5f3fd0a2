/**
 * A sample's metadata, computed from its messages: counts per stream, symbols and streams in
 * first-seen order, the event-time range and the sequence gaps. Every reader and writer of
 * samples builds its `SampleMeta` here, so they all agree: `SampleMetaBuilder` takes messages
 * one at a time (a capture, a journal read line by line) and keeps only the summary.
 */
import { SequenceTracker, type SequenceGap } from "../binance/sequence";
import { symbolOfEvent } from "../binance/stream-schemas";
import {
  LIBRARY,
  MAX_HEADER_EVENTS,
  SAMPLE_FORMAT,
  SAMPLE_FORMAT_VERSION,
  type CaptureEvent,
  type CaptureEventKind,
  type Sample,
  type SampleMeta,
  type SamplePart,
  type SampleSource,
  type StoredDepthSnapshot,
  type StoredMessage,
} from "./sample-format";

/** What is known about a sample besides its messages; everything else is computed. */
export type KnownSampleMeta = Partial<Omit<SampleMeta, "format" | "formatVersion">> & { source: SampleSource };

/**
 * Builds a `SampleMeta` message by message, holding only counts, the id chains and the events.
 * A rotated capture hands its chains from one part to the next (`continueFrom`), so a gap at a
 * file boundary is still found and nothing at the boundary is mistaken for one.
 */
export class SampleMetaBuilder {
  private readonly countsByStream: Record<string, number> = {};
  private readonly symbols: string[] = [];
  private readonly seenSymbols = new Set<string>();
  private readonly gaps: SequenceGap[] = [];
  private readonly events: CaptureEvent[] = [];
  private readonly eventCounts: Partial<Record<CaptureEventKind, number>> = {};
  private readonly tracker: SequenceTracker;
  private checked = 0;
  private readonly checkedBefore: number;
  private firstEventTime: number | null = null;
  private lastEventTime: number | null = null;
  private count = 0;
  private snapshots = 0;

  /** `continueFrom`: the builder of the file before, whose id chains this one continues. */
  constructor(continueFrom?: SampleMetaBuilder) {
    this.tracker = continueFrom?.tracker ?? new SequenceTracker();
    this.checkedBefore = continueFrom ? continueFrom.checkedBefore + continueFrom.checked : 0;
  }

  /** Messages added so far. */
  get messageCount(): number {
    return this.count;
  }

  /** Snapshots added so far. */
  get snapshotCount(): number {
    return this.snapshots;
  }

  /** Sequence gaps found so far. */
  get gapCount(): number {
    return this.gaps.length;
  }

  /** Counts one message; its gap, if it reveals one, is returned and kept. */
  addMessage(stream: string, data: unknown, localTimestamp: number | null): SequenceGap | null {
    this.countsByStream[stream] = (this.countsByStream[stream] ?? 0) + 1;
    this.count++;
    // Array streams (`!ticker@arr`) carry one event per symbol; a liquidation keeps its symbol in `o.s`.
    if (Array.isArray(data)) for (const event of data) this.noteEvent(stream, event);
    else this.noteEvent(stream, data);
    const gap = this.tracker.check(stream, data, localTimestamp);
    this.checked++;
    if (gap === null) return null;
    const local = { ...gap, index: gap.index - this.checkedBefore };
    this.gaps.push(local);
    return local;
  }

  private noteEvent(stream: string, event: unknown): void {
    if (typeof event !== "object" || event === null) return;
    const symbol = symbolOfEvent(stream, event);
    if (symbol !== null && !this.seenSymbols.has(symbol)) {
      this.seenSymbols.add(symbol);
      this.symbols.push(symbol);
    }
    const eventTime = (event as Record<string, unknown>).E;
    if (typeof eventTime === "number") {
      if (this.firstEventTime === null || eventTime < this.firstEventTime) this.firstEventTime = eventTime;
      if (this.lastEventTime === null || eventTime > this.lastEventTime) this.lastEventTime = eventTime;
    }
  }

  /** Counts one snapshot. */
  addSnapshot(): void {
    this.snapshots++;
  }

  /** Keeps one event. */
  addEvent(event: CaptureEvent): void {
    this.events.push(event);
    this.eventCounts[event.kind] = (this.eventCounts[event.kind] ?? 0) + 1;
  }

  /**
   * The metadata: what `known` gives (symbols and streams only when non-empty), the rest
   * computed. `complete` defaults to true, `library` to this library. With `forHeader`, at most
   * `MAX_HEADER_EVENTS` events are listed (the counts cover them all).
   */
  build(known: KnownSampleMeta & { part?: SamplePart }, forHeader = false): SampleMeta {
    const events = known.events ? [...known.events] : this.events;
    const eventCounts: Partial<Record<CaptureEventKind, number>> = { ...this.eventCounts };
    if (known.events) for (const event of known.events) eventCounts[event.kind] = (eventCounts[event.kind] ?? 0) + 1;
    const meta: SampleMeta = {
      format: SAMPLE_FORMAT,
      formatVersion: SAMPLE_FORMAT_VERSION,
      library: known.library ?? LIBRARY,
      source: known.source,
      symbols: known.symbols?.length ? known.symbols : [...this.symbols],
      streams: known.streams?.length ? known.streams : Object.keys(this.countsByStream),
      startedAt: known.startedAt ?? null,
      endedAt: known.endedAt ?? null,
      firstEventTime: this.firstEventTime,
      lastEventTime: this.lastEventTime,
      count: this.count,
      countsByStream: { ...this.countsByStream },
      complete: known.complete ?? true,
      gaps: [...this.gaps],
      events: forHeader && events.length > MAX_HEADER_EVENTS ? events.slice(0, MAX_HEADER_EVENTS) : events,
      eventCounts,
    };
    return known.part ? { ...meta, part: known.part } : meta;
  }
}

/**
 * The metadata of `messages`: what `known` gives (symbols and streams only when non-empty),
 * the rest computed. `complete` defaults to true, `library` to this library.
 */
export function buildSampleMeta(messages: readonly StoredMessage[], known: KnownSampleMeta): SampleMeta {
  const builder = new SampleMetaBuilder();
  for (const message of messages) builder.addMessage(message.stream, message.data, message.localTimestamp);
  const { eventCounts: _counts, ...meta } = builder.build({ ...known, events: known.events ?? [] });
  return meta;
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
