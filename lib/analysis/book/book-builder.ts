/**
 * Rebuilding one symbol's book from a sample: every REST snapshot the sample holds, in the order
 * they were stored, and the diff events in arrival order. The first snapshot starts the book
 * (buffered events older than it are dropped); after a gap the next snapshot that fits resyncs
 * it, so the book after a resync is exact again. Every step worth knowing (snapshot loaded,
 * synced, gap, resync, snapshot that could not be used) goes into `history`.
 */
import type { DepthUpdate } from "../../binance/decode";
import type { StoredDepthSnapshot } from "../../store/sample-format";
import { OrderBook, type ApplyOutcome, type BookState } from "./order-book";

/** What happened to the book, in order. */
export type BookHistoryKind = "snapshot" | "synced" | "gap" | "resync" | "resynced" | "unusable-snapshot";

/** One step of a book's history. */
export interface BookHistoryEntry {
  readonly kind: BookHistoryKind;
  /** The update id it concerns: the snapshot's `lastUpdateId`, or the event's `u`. */
  readonly updateId: number;
  /** Event time `E` of the event, or of the snapshot's answer; NaN when unknown. */
  readonly eventTime: number;
  /** For snapshots: its position among the sample's snapshots. */
  readonly snapshotIndex?: number;
  /** One sentence. */
  readonly detail: string;
}

/** Options of `SampleBookBuilder`. */
export interface SampleBookBuilderOptions {
  /** Which snapshots may be used (e.g. only those taken before a time); default all. */
  readonly snapshotFilter?: (snapshot: StoredDepthSnapshot) => boolean;
}

/** The time a snapshot describes: Binance's `E` in the answer, else when it was received; NaN when neither is known. */
export function snapshotTimeOf(snapshot: StoredDepthSnapshot): number {
  const E = (snapshot.response as { E?: unknown } | null)?.E;
  if (typeof E === "number") return E;
  return snapshot.localTimestamp ?? NaN;
}

/**
 * Keeps one symbol's book from a sample's snapshots and diff events.
 * @example
 * const builder = new SampleBookBuilder("BTCUSDT", sample.snapshots);
 * for (const update of updates) builder.apply(update);
 * builder.finish(); builder.book.describeState(); builder.history
 */
export class SampleBookBuilder {
  /** The book. */
  readonly book: OrderBook;
  /** What happened to it, in order. */
  readonly history: BookHistoryEntry[] = [];
  /** Events not applied because the book was broken and no snapshot could resync it. */
  waitingCount = 0;
  private readonly snapshots: readonly StoredDepthSnapshot[];
  private next = 0;
  private brokenAt: number | null = null;

  /** A builder for `symbol` using those of `snapshots` that are for it (in stored order). */
  constructor(symbol: string, snapshots: readonly StoredDepthSnapshot[], options: SampleBookBuilderOptions = {}) {
    const upper = symbol.toUpperCase();
    const filter = options.snapshotFilter ?? (() => true);
    this.snapshots = snapshots
      .map((snapshot, index) => ({ snapshot, index }))
      .filter(({ snapshot }) => String(snapshot.symbol).toUpperCase() === upper && filter(snapshot))
      .sort((a, b) => (a.snapshot.messageIndex ?? 0) - (b.snapshot.messageIndex ?? 0) || a.index - b.index)
      .map(({ snapshot }) => snapshot);
    this.book = new OrderBook({ symbol: upper });
  }

  /**
   * The book's state as of the last event: `broken` from a gap until an event is applied again,
   * even once a later snapshot (stored after this point of the sample) has been loaded to resync it.
   */
  get state(): BookState {
    return this.brokenAt !== null ? "broken" : this.book.status;
  }

  /** While `state` is `broken`: `u` of the last event applied before the gap; otherwise `null`. */
  get brokenSince(): number | null {
    return this.brokenAt;
  }

  /** Snapshots that may still be loaded. */
  get snapshotsLeft(): number {
    return this.snapshots.length - this.next;
  }

  /** How many snapshots this builder may use. */
  get snapshotsAvailable(): number {
    return this.snapshots.length;
  }

  private record(kind: BookHistoryKind, updateId: number, eventTime: number, detail: string, snapshotIndex?: number): void {
    this.history.push(
      snapshotIndex === undefined ? { kind, updateId, eventTime, detail } : { kind, updateId, eventTime, snapshotIndex, detail },
    );
  }

  private loadNext(): void {
    const index = this.next++;
    const snapshot = this.snapshots[index];
    this.book.loadSnapshot(snapshot);
    const id = snapshot.response.lastUpdateId;
    const resync = this.brokenAt !== null;
    this.record(
      resync ? "resync" : "snapshot",
      id,
      snapshotTimeOf(snapshot),
      resync
        ? `Snapshot ${index + 1} (lastUpdateId ${id}) loaded to resync the book broken since u=${this.brokenAt}.`
        : `Snapshot ${index + 1} (lastUpdateId ${id}) loaded.`,
      index,
    );
  }

  /** Applies one diff event, loading the next snapshot whenever the book needs one (at the start, after a gap). */
  apply(update: DepthUpdate): ApplyOutcome {
    if (this.book.snapshotCount === 0 && this.next < this.snapshots.length) this.loadNext();
    const wasSynced = this.book.status === "synced";
    let outcome = this.book.applyUpdate(update);
    if (outcome === "gap") this.recordGap();
    // A broken book resyncs from the next snapshot; try each until one fits this event.
    while ((outcome === "gap" || outcome === "waiting") && this.next < this.snapshots.length) {
      this.loadNext();
      outcome = this.book.applyUpdate(update);
      if (outcome === "gap") this.recordUnusable(update);
    }
    if (outcome === "waiting") this.waitingCount++;
    if (outcome === "applied" && !wasSynced) {
      const resynced = this.brokenAt !== null;
      this.record(
        resynced ? "resynced" : "synced",
        update.finalUpdateId,
        update.eventTime,
        resynced ? `Synced again at u=${update.finalUpdateId}: the book is exact again.` : `Synced at u=${update.finalUpdateId}.`,
      );
      this.brokenAt = null;
    }
    return outcome;
  }

  private recordGap(): void {
    const gap = this.book.syncState().gap;
    if (!gap) return;
    if (this.brokenAt === null) this.brokenAt = gap.lastUpdateId;
    this.record(
      "gap",
      gap.finalUpdateId,
      gap.eventTime,
      `Gap: the event U=${gap.firstUpdateId} u=${gap.finalUpdateId} has pu=${gap.previousFinalUpdateId}, but the book was at u=${gap.lastUpdateId}.`,
    );
  }

  private recordUnusable(update: DepthUpdate): void {
    const snapshotId = this.book.syncState().gap?.lastUpdateId ?? NaN;
    const last = this.history[this.history.length - 1];
    // the entry just recorded for loading this snapshot becomes "unusable"
    if (last && (last.kind === "snapshot" || last.kind === "resync") && last.updateId === snapshotId) this.history.pop();
    this.record(
      "unusable-snapshot",
      snapshotId,
      NaN,
      `Snapshot (lastUpdateId ${snapshotId}) does not fit the event U=${update.firstUpdateId} u=${update.finalUpdateId} pu=${update.previousFinalUpdateId}: updates between them are missing.`,
      this.next - 1,
    );
  }

  /**
   * Call after the last event: a book still without a snapshot, or broken, takes the next
   * snapshot that is newer than where it stopped (the book is then that snapshot, exact as of it).
   */
  finish(): void {
    const needs = this.book.snapshotCount === 0 || this.book.status === "broken";
    if (!needs) return;
    const lastId = this.book.status === "broken" ? (this.book.syncState().gap?.lastUpdateId ?? -Infinity) : -Infinity;
    while (this.next < this.snapshots.length) {
      const candidate = this.snapshots[this.next];
      if (candidate.response.lastUpdateId > lastId || this.book.snapshotCount === 0) {
        this.loadNext();
        return;
      }
      this.next++;
    }
  }
}
