/**
 * Continuity of one stream across the connections of a link: the last message stored, what a
 * replacement connection has delivered meanwhile, when two connections are proven to overlap,
 * which copies are duplicates (by id `t`, `a`, `u`, else by `E` and payload), and what was lost
 * when a connection was replaced without overlap (a `StreamLoss`, with the ids on both sides).
 */
import { parseStreamName } from "../binance/endpoints";
import { expectedRateOf } from "../binance/stream-rates";
import type { SequenceKind } from "../binance/routes";
import type { StreamLoss } from "../store/sample-format";
import type { FrameKey } from "./frames";
import { StreamRate } from "./watchdog";

/** Where a loss check starts: the last message stored before a connection was replaced. */
interface LossWatch {
  readonly before: FrameKey | null;
  readonly beforeAt: number | null;
}

/** One stream of a link. */
export class StreamContinuity {
  readonly rate: StreamRate;
  readonly sequence: SequenceKind | null;
  /** Push interval of a fixed-rate stream (mark price, tickers), else null. */
  private readonly fixedIntervalMs: number | null;
  private last: FrameKey | null = null;
  private lastAt: number | null = null;
  /** Digests stored while a replacement was being prepared (for streams without ids). */
  private readonly storedDigests = new Set<string>();
  /** What the replacement connection has delivered, until the switch. */
  private candidateFirst: FrameKey | null = null;
  private readonly candidateDigests = new Set<string>();
  /** Whether a message of this stream was delivered by both connections. */
  overlapProven = false;
  /** Whether this stream arrived on either connection since the replacement started. */
  heardSinceHandover = false;
  /** After a switch: copies of messages already stored are still to be expected. */
  private filtering = false;
  private lossWatch: LossWatch | null = null;

  constructor(readonly name: string) {
    const parsed = parseStreamName(name);
    const expected = expectedRateOf(parsed.family, parsed.suffix);
    this.rate = new StreamRate(expected);
    this.sequence = parsed.family.sequence;
    this.fixedIntervalMs = expected.pattern === "fixed" ? expected.intervalMs : null;
  }

  /** The last message stored. */
  get lastKey(): FrameKey | null {
    return this.last;
  }

  /**
   * Whether `key` is a copy of a message already stored: after a switch of connections, until
   * the new connection has gone past what the old one delivered.
   */
  isDuplicate(key: FrameKey): boolean {
    if (!this.filtering) return false;
    const copy =
      key.id !== null && this.last?.id !== null && this.last?.id !== undefined
        ? key.id <= this.last.id
        : this.storedDigests.has(key.digest);
    if (!copy) this.endFiltering();
    return copy;
  }

  private endFiltering(): void {
    this.filtering = false;
    this.storedDigests.clear();
  }

  /**
   * A message stored at `at`: remembered as the last; returns what was lost before it when a
   * connection was replaced without overlap and the ids (or event times) show a loss.
   */
  stored(key: FrameKey, at: number, preparingReplacement: boolean): StreamLoss | null {
    const loss = this.lossWatch ? this.lossBefore(this.lossWatch, key, at) : null;
    this.lossWatch = null;
    this.last = key;
    this.lastAt = at;
    if (preparingReplacement) {
      this.heardSinceHandover = true;
      this.storedDigests.add(key.digest);
      if (!this.overlapProven && this.candidateFirst) {
        if (
          this.candidateDigests.has(key.digest) ||
          (key.id !== null && this.candidateFirst.id !== null && key.id >= this.candidateFirst.id)
        )
          this.overlapProven = true;
      }
    }
    return loss;
  }

  /** A message delivered by the replacement connection (buffered, not stored yet). */
  offeredByCandidate(key: FrameKey): void {
    this.heardSinceHandover = true;
    if (this.candidateFirst === null) this.candidateFirst = key;
    this.candidateDigests.add(key.digest);
    if (this.overlapProven) return;
    if (
      this.storedDigests.has(key.digest) ||
      (key.id !== null && this.last?.id !== null && this.last?.id !== undefined && key.id <= this.last.id)
    )
      this.overlapProven = true;
  }

  /** A replacement connection starts: forget what the last one offered. */
  startReplacement(): void {
    this.candidateFirst = null;
    this.candidateDigests.clear();
    this.storedDigests.clear();
    this.overlapProven = false;
    this.heardSinceHandover = false;
  }

  /** The replacement was abandoned. */
  cancelReplacement(): void {
    this.startReplacement();
  }

  /**
   * The replacement takes over: copies are filtered out from now on until new messages come;
   * without proven overlap (or `silentThroughout`: the stream had nothing to carry while the new
   * connection was subscribed and the old one alive), the next message stored is checked for a loss.
   */
  switched(silentThroughout = false): void {
    this.filtering = true;
    if (!this.overlapProven && !silentThroughout) this.lossWatch = { before: this.last, beforeAt: this.lastAt };
    this.candidateFirst = null;
    this.candidateDigests.clear();
  }

  /** The connection was lost with no replacement ready: the next message stored is checked for a loss. */
  connectionLost(): void {
    this.lossWatch = { before: this.last, beforeAt: this.lastAt };
  }

  /** What was lost between `watch.before` and `after`, or null when the chain (or the push rhythm) continues. */
  private lossBefore(watch: LossWatch, after: FrameKey, afterAt: number): StreamLoss | null {
    const before = watch.before;
    if (before === null) return null;
    const loss = (field: string, lastBefore: number | null, firstAfter: number | null, missing: number | null): StreamLoss => ({
      field,
      lastBefore,
      firstAfter,
      missing,
      lastBeforeAt: watch.beforeAt,
      firstAfterAt: afterAt,
    });
    if ((this.sequence === "tradeId" || this.sequence === "aggTradeId") && before.id !== null && after.id !== null) {
      if (after.id === before.id + 1) return null;
      return loss(before.field, before.id, after.id, after.id > before.id ? after.id - before.id - 1 : null);
    }
    if (this.sequence === "depthChain" && before.id !== null && after.previousId !== null) {
      if (after.previousId === before.id) return null;
      return loss("u", before.id, after.firstId ?? after.id, null);
    }
    if (this.fixedIntervalMs !== null && before.eventTime !== null && after.eventTime !== null) {
      const elapsed = after.eventTime - before.eventTime;
      if (elapsed <= 1.5 * this.fixedIntervalMs) return null;
      return loss("E", before.eventTime, after.eventTime, Math.max(0, Math.round(elapsed / this.fixedIntervalMs) - 1));
    }
    // bookTicker ids and activity streams without ids cannot count what is missing: possibly lost.
    return loss(before.id !== null ? before.field : "E", before.id ?? before.eventTime, after.id ?? after.eventTime, null);
  }
}
