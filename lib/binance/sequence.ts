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

interface ChainState {
  last: number;
  lastAux: number;
}

function sequenceKindOf(stream: string, eventType: unknown): SequenceKind | null {
  if (typeof eventType !== "string") return null;
  const family = parseStreamNameOnce(stream)?.family ?? findFamilyByEventType(eventType);
  return family !== undefined && family.eventType === eventType ? family.sequence : null;
}

/**
 * Tracks id chains message by message. `check` returns the gap this message reveals, or `null`.
 * Chains are kept per stream name and symbol, so two symbols or two speeds never mix.
 */
export class SequenceTracker {
  private readonly chains = new Map<string, ChainState>();
  private index = 0;

  /** Checks one payload of `stream`; returns the gap it reveals, if any. */
  check(stream: string, data: unknown, localTimestamp: number | null = null): SequenceGap | null {
    const index = this.index++;
    if (typeof data !== "object" || data === null) return null;
    const d = data as Record<string, unknown>;
    const kind = sequenceKindOf(stream, d.e);
    if (kind === null) return null;
    const key = typeof d.s === "string" ? `${stream} ${d.s}` : stream;
    const chain = this.chains.get(key);
    const eventTime = typeof d.E === "number" ? d.E : null;
    const gap = (field: string, expected: number, actual: number, missing: number | null): SequenceGap => ({
      stream,
      kind,
      field,
      expected,
      actual,
      missing,
      index,
      eventTime,
      localTimestamp,
    });
    switch (kind) {
      case "tradeId": {
        const t = d.t as number;
        this.chains.set(key, { last: t, lastAux: 0 });
        if (chain && t !== chain.last + 1) return gap("t", chain.last + 1, t, t - chain.last - 1);
        return null;
      }
      case "aggTradeId": {
        const a = d.a as number;
        const f = d.f as number;
        const l = d.l as number;
        this.chains.set(key, { last: a, lastAux: l });
        if (chain && a !== chain.last + 1) return gap("a", chain.last + 1, a, a - chain.last - 1);
        if (chain && f !== chain.lastAux + 1) return gap("f", chain.lastAux + 1, f, f - chain.lastAux - 1);
        return null;
      }
      case "depthChain": {
        const u = d.u as number;
        const pu = d.pu as number;
        this.chains.set(key, { last: u, lastAux: 0 });
        if (chain && !continuesChain({ previousFinalUpdateId: pu }, chain.last)) return gap("pu", chain.last, pu, null);
        return null;
      }
      case "bookUpdateId": {
        const u = d.u as number;
        if (chain && u < chain.last) return gap("u", chain.last, u, null);
        this.chains.set(key, { last: u, lastAux: 0 });
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
