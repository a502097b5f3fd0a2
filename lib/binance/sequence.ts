/**
 * Continuity checks for every stream family that carries an id chain (docs/binance.md,
 * "Continuity checks"): trade `t` consecutive; aggTrade `a` consecutive and `f == previous l + 1`;
 * depth `pu == previous u` (book-sync.ts's `continuesChain`); bookTicker `u` never goes backwards.
 * A break is a gap: data was lost. Update ids are not consecutive, so depth is checked through
 * `pu`, never `U == previous u + 1`. A stream's family says which chain it has (partial depth,
 * though `depthUpdate` too, sends whole pictures and has none); chains are kept per stream and
 * symbol, so `!bookTicker`, which carries every symbol, is checked symbol by symbol.
 */
import { continuesChain } from "./book-sync";
import type { SequenceKind } from "./routes";
import { findFamilyByEventType } from "./stream-names";
import { parseStreamNameOnce } from "./stream-schemas";

/** One break in a stream's id chain. */
export interface SequenceGap {
  /** The stream whose chain broke, e.g. `"btcusdt@trade"`. */
  readonly stream: string;
  readonly kind: SequenceKind;
  /** The field that broke the chain: `"t"`, `"a"`, `"f"`, `"pu"` or `"u"`. */
  readonly field: string;
  /** What the field should have been (for bookTicker: the smallest acceptable value). */
  readonly expected: number;
  /** What it was. */
  readonly actual: number;
  /** How many ids are missing, where that can be counted (trade and aggTrade ids). */
  readonly missing: number | null;
  /** Index of the message after the gap, in the order checked. */
  readonly index: number;
  /** Event time (`E`) of the message after the gap. */
  readonly eventTime: number | null;
  /** Local receive time of the message after the gap, when known. */
  readonly localTimestamp: number | null;
}

/**
 * The top-level payload members the capture reads of every message: the event type, symbol and
 * event time (the sample's metadata) and the ids of every chain above. Everything else in a
 * payload is stored as received and never parsed during a capture.
 */
export const HEAD_FIELDS = ["e", "E", "s", "t", "a", "f", "l", "u", "U", "pu"] as const;

interface ChainState {
  last: number;
  lastAux: number;
}

/** What one stream name resolves to: its chain kind for the event type last seen, and its chains by symbol. */
interface StreamChains {
  eventType: unknown;
  kind: SequenceKind | null;
  readonly bySymbol: Map<string, ChainState>;
}

function sequenceKindOf(stream: string, eventType: unknown): SequenceKind | null {
  if (typeof eventType !== "string") return null;
  const family = parseStreamNameOnce(stream)?.family ?? findFamilyByEventType(eventType);
  return family !== undefined && family.eventType === eventType ? family.sequence : null;
}

function gapOf(
  stream: string,
  kind: SequenceKind,
  field: string,
  expected: number,
  actual: number,
  missing: number | null,
  index: number,
  data: Record<string, unknown>,
  localTimestamp: number | null,
): SequenceGap {
  const eventTime = typeof data.E === "number" ? data.E : null;
  return { stream, kind, field, expected, actual, missing, index, eventTime, localTimestamp };
}

/**
 * Tracks id chains message by message. `check` returns the gap this message reveals, or `null`.
 * Chains are kept per stream name and symbol, so two symbols or two speeds never mix.
 */
export class SequenceTracker {
  private readonly streams = new Map<string, StreamChains>();
  private index = 0;

  /** Checks one payload of `stream`; returns the gap it reveals, if any. */
  check(stream: string, data: unknown, localTimestamp: number | null = null): SequenceGap | null {
    const index = this.index++;
    if (typeof data !== "object" || data === null) return null;
    const d = data as Record<string, unknown>;
    let chains = this.streams.get(stream);
    if (chains === undefined) {
      chains = { eventType: d.e, kind: sequenceKindOf(stream, d.e), bySymbol: new Map() };
      this.streams.set(stream, chains);
    } else if (chains.eventType !== d.e) {
      chains.eventType = d.e;
      chains.kind = sequenceKindOf(stream, d.e);
    }
    const kind = chains.kind;
    if (kind === null) return null;
    const symbol = typeof d.s === "string" ? d.s : "";
    const chain = chains.bySymbol.get(symbol);
    if (chain === undefined) {
      const last = kind === "tradeId" ? d.t : kind === "aggTradeId" ? d.a : d.u;
      chains.bySymbol.set(symbol, { last: last as number, lastAux: kind === "aggTradeId" ? (d.l as number) : 0 });
      return null;
    }
    switch (kind) {
      case "tradeId": {
        const t = d.t as number;
        const expected = chain.last + 1;
        chain.last = t;
        return t === expected ? null : gapOf(stream, kind, "t", expected, t, t - expected, index, d, localTimestamp);
      }
      case "aggTradeId": {
        const a = d.a as number;
        const f = d.f as number;
        const expected = chain.last + 1;
        const expectedFirst = chain.lastAux + 1;
        chain.last = a;
        chain.lastAux = d.l as number;
        if (a !== expected) return gapOf(stream, kind, "a", expected, a, a - expected, index, d, localTimestamp);
        if (f !== expectedFirst) return gapOf(stream, kind, "f", expectedFirst, f, f - expectedFirst, index, d, localTimestamp);
        return null;
      }
      case "depthChain": {
        const pu = d.pu as number;
        const previous = chain.last;
        chain.last = d.u as number;
        return continuesChain({ previousFinalUpdateId: pu }, previous)
          ? null
          : gapOf(stream, kind, "pu", previous, pu, null, index, d, localTimestamp);
      }
      case "bookUpdateId": {
        const u = d.u as number;
        if (u < chain.last) return gapOf(stream, kind, "u", chain.last, u, null, index, d, localTimestamp);
        chain.last = u;
        return null;
      }
    }
  }
}

/**
 * Every gap in a list of messages, in order.
 * @example findSequenceGaps(sample.messages).length // 0 for an unbroken recording
 */
export function findSequenceGaps(messages: Iterable<{ stream: string; data: unknown; localTimestamp?: number | null }>): SequenceGap[] {
  const tracker = new SequenceTracker();
  const gaps: SequenceGap[] = [];
  for (const message of messages) {
    const gap = tracker.check(message.stream, message.data, message.localTimestamp ?? null);
    if (gap) gaps.push(gap);
  }
  return gaps;
}
