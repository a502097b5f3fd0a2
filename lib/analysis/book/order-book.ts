/**
 * `OrderBook`: a local order book for one symbol, kept with Binance's USDⓈ-M rules
 * (binance/book-sync.ts, docs/binance.md "A local order book"): a REST snapshot, then the diff
 * events that follow it through the `pu` chain. Its sync state says at every moment whether the
 * book is exact (`synced`, or `waiting-for-event` right after a snapshot), `broken` since a given
 * `u`, or `waiting-for-snapshot`. Levels beyond a snapshot's depth are unknown, never empty.
 *
 * Partial depth streams (`@depth5|10|20`) are whole top-N pictures: `applyTopLevels` replaces
 * the book with one. The measures (spread, mid, microprice, imbalance, depth within a band)
 * answer NaN where the book cannot know.
 */
import { InvalidArgumentError } from "../../errors";
import { decodeLevels, type DepthUpdate } from "../../binance/decode";
import type { RawDepthSnapshot } from "../../binance/raw";
import {
  BOOK_SNAPSHOT_LIMIT,
  type BookSyncStep,
  continuesChain,
  isAlreadyApplied,
  isSideTruncated,
  syncStepAfterSnapshot,
  syncStepInChain,
} from "../../binance/book-sync";
import type { StoredDepthSnapshot } from "../../store/sample-format";
import { BookSide, type PriceLevel } from "./book-side";
import { LevelText } from "./level-text";

/**
 * Where a book stands: `waiting-for-snapshot` (no snapshot yet: at most a partial book of the
 * levels seen in updates), `waiting-for-event` (a snapshot, and no event after it yet: the book is
 * the snapshot), `synced` (snapshot plus an unbroken chain of events), `broken` (an event did not
 * follow the previous one: the book is stale since `brokenSince` until a new snapshot).
 */
export type BookState = "waiting-for-snapshot" | "waiting-for-event" | "synced" | "broken";

/**
 * What `applyUpdate` did: `applied` (to a snapshot-based book), `partial` (to a book without a
 * snapshot), `stale` (dropped: not newer than the book), `gap` (the chain broke here: the book
 * is now `broken`), `waiting` (not applied: the book is broken and needs a new snapshot).
 */
export type ApplyOutcome = "applied" | "partial" | "stale" | "gap" | "waiting";

/** The break that left a book `broken`. */
export interface BookGap {
  /** `u` of the last event applied before the break (or the snapshot's `lastUpdateId`). */
  readonly lastUpdateId: number;
  /** `U`, `u` and `pu` of the event that did not follow. */
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  readonly previousFinalUpdateId: number;
  /** Its event time `E`. */
  readonly eventTime: number;
}

/** A book's sync state with the ids behind it. */
export interface BookSyncState {
  readonly state: BookState;
  /** `u` of the last applied event, or the snapshot's `lastUpdateId` before any; `null` when nothing was applied. */
  readonly lastUpdateId: number | null;
  /** `lastUpdateId` of the snapshot in use, `null` without one. */
  readonly snapshotUpdateId: number | null;
  /** For `broken`: the gap; `null` otherwise. */
  readonly gap: BookGap | null;
  /** True when the levels come from updates only (no snapshot): a partial book. */
  readonly isPartial: boolean;
  /** True when the book is exact as of `lastUpdateId` (`synced` or `waiting-for-event`). */
  readonly isExact: boolean;
}

/** Options of `OrderBook.loadSnapshot`. */
export interface LoadSnapshotOptions {
  /** The `limit` the snapshot was fetched with (a stored snapshot carries its own); default 1000. */
  limit?: number;
}

function isStoredSnapshot(snapshot: RawDepthSnapshot | StoredDepthSnapshot): snapshot is StoredDepthSnapshot {
  return typeof snapshot === "object" && snapshot !== null && "response" in snapshot;
}

/**
 * A local order book for one symbol (docs/binance.md, "A local order book").
 * @example
 * const book = new OrderBook();
 * book.loadSnapshot(sample.snapshots[0]);
 * for (const update of updates) book.applyUpdate(update);
 * book.describeState(); // "synced at u=2710248310297"
 * book.mid(); book.imbalance(5); book.formatTop(20).bids[0] // ["28145.10", "3.818"]
 */
export class OrderBook {
  /** Bid levels. */
  readonly bids = new BookSide(false);
  /** Ask levels. */
  readonly asks = new BookSide(true);
  /** How this symbol's prices and quantities are written (learned from snapshots and `observeText`). */
  readonly text = new LevelText();
  private state: BookState = "waiting-for-snapshot";
  private symbolName: string | null;
  private lastId: number | null = null;
  private snapshotId: number | null = null;
  private partial = false;
  private lastGap: BookGap | null = null;
  /** Event time `E` of the last applied event (or of the snapshot), NaN before any. */
  eventTime = NaN;
  /** Transaction time `T` of the last applied event (or of the snapshot), NaN before any. */
  transactionTime = NaN;
  /** Events applied (to a snapshot or, partially, without one). */
  appliedCount = 0;
  /** Events dropped as not newer than the book. */
  staleCount = 0;
  /** Breaks in the `pu` chain, including events that could not start from a snapshot. */
  gapCount = 0;
  /** Snapshots (and top-N pictures) loaded. */
  snapshotCount = 0;

  /** A book for `symbol` (taken from the first snapshot or update when not given). */
  constructor(options: { symbol?: string } = {}) {
    this.symbolName = options.symbol?.toUpperCase() ?? null;
  }

  /** See `BookState`. */
  get status(): BookState {
    return this.state;
  }

  /** True when the levels come from updates only, without a snapshot. */
  get isPartial(): boolean {
    return this.partial;
  }

  /** True when the book is exact as of `lastUpdateId`: `synced`, or a snapshot with no event after it yet. */
  get isExact(): boolean {
    return this.state === "synced" || this.state === "waiting-for-event";
  }

  /** The upper-case symbol, once known. */
  get symbol(): string | null {
    return this.symbolName;
  }

  /** `u` of the last applied event (or the snapshot's `lastUpdateId` before any). */
  get lastUpdateId(): number | null {
    return this.lastId;
  }

  /** `lastUpdateId` of the snapshot in use. */
  get snapshotUpdateId(): number | null {
    return this.snapshotId;
  }

  /** The sync state with its ids. */
  syncState(): BookSyncState {
    return {
      state: this.state,
      lastUpdateId: this.lastId,
      snapshotUpdateId: this.snapshotId,
      gap: this.state === "broken" ? this.lastGap : null,
      isPartial: this.partial,
      isExact: this.isExact,
    };
  }

  /** The sync state in words, e.g. `"broken since u=105: the next event had pu=112; waiting for a new snapshot"`. */
  describeState(): string {
    switch (this.state) {
      case "waiting-for-snapshot":
        return this.partial
          ? `waiting for a snapshot: a partial book of the levels seen in ${this.appliedCount} update(s), not the real book`
          : "waiting for a snapshot: no book yet";
      case "waiting-for-event":
        return `waiting for the first event after the snapshot u=${this.snapshotId}: the book is the snapshot`;
      case "synced":
        return `synced at u=${this.lastId}`;
      case "broken": {
        const gap = this.lastGap as BookGap;
        return `broken since u=${gap.lastUpdateId}: the next event had pu=${gap.previousFinalUpdateId}; waiting for a new snapshot`;
      }
    }
  }

  /** Learns how prices and quantities are written from raw levels (snapshots do this themselves). */
  observeText(levels: unknown): void {
    this.text.observe(levels);
  }

  /** Replaces the book with a REST snapshot (`GET /fapi/v1/depth`); it then waits for the first event. */
  loadSnapshot(snapshot: RawDepthSnapshot | StoredDepthSnapshot, options: LoadSnapshotOptions = {}): void {
    const stored = isStoredSnapshot(snapshot);
    const response = stored ? snapshot.response : snapshot;
    if (stored) this.checkSymbol(String(snapshot.symbol).toUpperCase(), "snapshot");
    if (typeof response !== "object" || response === null || !Number.isSafeInteger(response.lastUpdateId)) {
      throw new InvalidArgumentError(
        "INVALID_SNAPSHOT",
        `Invalid depth snapshot: expected {"lastUpdateId": <integer>, "bids": [...], "asks": [...]}, got ${JSON.stringify(response)?.slice(0, 120)}.`,
      );
    }
    const bids = decodeLevels(response.bids, "bids");
    const asks = decodeLevels(response.asks, "asks");
    const limit = (stored && Number.isInteger(snapshot.limit) ? snapshot.limit : options.limit) ?? BOOK_SNAPSHOT_LIMIT;
    this.bids.replaceLevels(bids, isSideTruncated(bids.length, limit));
    this.asks.replaceLevels(asks, isSideTruncated(asks.length, limit));
    this.text.observe(response.bids);
    this.text.observe(response.asks);
    this.snapshotId = response.lastUpdateId;
    this.lastId = response.lastUpdateId;
    this.eventTime = typeof response.E === "number" ? response.E : NaN;
    this.transactionTime = typeof response.T === "number" ? response.T : NaN;
    this.partial = false;
    this.lastGap = null;
    this.state = "waiting-for-event";
    this.snapshotCount++;
  }

  /**
   * Replaces the book with a partial-depth picture (`@depth5|10|20`): its levels are the whole
   * top `levels` of each side, so the book is synced there and unknown beyond.
   */
  applyTopLevels(update: DepthUpdate, levels: number): void {
    this.checkSymbol(update.symbol, "depth update");
    this.bids.replaceLevels(update.bids, isSideTruncated(update.bids.length, levels));
    this.asks.replaceLevels(update.asks, isSideTruncated(update.asks.length, levels));
    this.lastId = update.finalUpdateId;
    this.snapshotId = update.finalUpdateId;
    this.eventTime = update.eventTime;
    this.transactionTime = update.transactionTime;
    this.partial = false;
    this.lastGap = null;
    this.state = "synced";
    this.appliedCount++;
    this.snapshotCount++;
  }

  private checkSymbol(symbol: string, what: string): void {
    if (this.symbolName === null) this.symbolName = symbol;
    else if (symbol !== this.symbolName) {
      throw new InvalidArgumentError("WRONG_SYMBOL", `This book is for ${this.symbolName}, got a ${what} for ${JSON.stringify(symbol)}.`);
    }
  }

  private applyLevels(update: DepthUpdate): void {
    this.bids.applyLevels(update.bids);
    this.asks.applyLevels(update.asks);
    this.lastId = update.finalUpdateId;
    this.eventTime = update.eventTime;
    this.transactionTime = update.transactionTime;
    this.appliedCount++;
  }

  /** Applies one decoded diff-depth event; see `ApplyOutcome`. */
  applyUpdate(update: DepthUpdate): ApplyOutcome {
    this.checkSymbol(update.symbol, "depth update");
    switch (this.state) {
      case "waiting-for-snapshot":
        if (this.lastId !== null && isAlreadyApplied(update, this.lastId)) {
          this.staleCount++;
          return "stale";
        }
        if (this.lastId !== null && !continuesChain(update, this.lastId)) this.gapCount++;
        if (!this.partial) {
          this.bids.markAllUnknown();
          this.asks.markAllUnknown();
          this.partial = true;
        }
        this.applyLevels(update);
        return "partial";
      case "waiting-for-event":
        return this.follow(syncStepAfterSnapshot(update, this.snapshotId as number), update);
      case "synced":
        return this.follow(syncStepInChain(update, this.lastId as number), update);
      case "broken":
        return "waiting";
    }
  }

  /** Carries out what the sync rules said about `update`: apply it (the book is then synced), drop it, or break. */
  private follow(step: BookSyncStep, update: DepthUpdate): ApplyOutcome {
    switch (step) {
      case "apply":
        this.applyLevels(update);
        this.state = "synced";
        return "applied";
      case "drop":
        this.staleCount++;
        return "stale";
      case "gap":
        this.gapCount++;
        this.lastGap = {
          lastUpdateId: this.lastId as number,
          firstUpdateId: update.firstUpdateId,
          finalUpdateId: update.finalUpdateId,
          previousFinalUpdateId: update.previousFinalUpdateId,
          eventTime: update.eventTime,
        };
        this.state = "broken";
        return "gap";
    }
  }

  /** The best bid, or `null` when there is none. */
  bestBid(): PriceLevel | null {
    return this.bids.best();
  }

  /** The best ask, or `null` when there is none. */
  bestAsk(): PriceLevel | null {
    return this.asks.best();
  }

  /** Best ask − best bid (NaN when a side is empty). */
  spread(): number {
    return this.asks.bestPrice() - this.bids.bestPrice();
  }

  /** (best bid + best ask) / 2 (NaN when a side is empty). */
  mid(): number {
    return (this.asks.bestPrice() + this.bids.bestPrice()) / 2;
  }

  /** The spread in basis points of the mid. */
  spreadBps(): number {
    return (this.spread() / this.mid()) * 10_000;
  }

  /**
   * The size-weighted mid of the best levels, `(bid × askQty + ask × bidQty) / (bidQty + askQty)`:
   * nearer the side with less quantity, where the price is more likely to move.
   */
  microprice(): number {
    const bidQuantity = this.bids.bestQuantity();
    const askQuantity = this.asks.bestQuantity();
    return (this.bids.bestPrice() * askQuantity + this.asks.bestPrice() * bidQuantity) / (bidQuantity + askQuantity);
  }

  /**
   * Order-book imbalance over the best `levels` of each side, `(bidQty − askQty) / (bidQty + askQty)`:
   * +1 all bids, −1 all asks; NaN when those levels are not all known.
   */
  imbalance(levels = 1): number {
    const bid = this.bids.quantityOfTop(levels);
    const ask = this.asks.quantityOfTop(levels);
    return (bid - ask) / (bid + ask);
  }

  /** Quantity on each side within `bps` basis points of the mid (NaN for a side whose band reaches beyond the known depth). */
  depthWithinBps(bps: number): { readonly bid: number; readonly ask: number } {
    const mid = this.mid();
    return { bid: this.bids.quantityWithin(mid * (1 - bps / 10_000)), ask: this.asks.quantityWithin(mid * (1 + bps / 10_000)) };
  }

  /** The best `levels` levels of each side, best first. */
  top(levels = 20): { readonly bids: PriceLevel[]; readonly asks: PriceLevel[] } {
    return { bids: this.bids.topLevels(levels), asks: this.asks.topLevels(levels) };
  }

  /** The best `levels` levels of each side as Binance writes them: `[["28145.10", "3.818"], …]`, best first. */
  formatTop(levels = 20): { readonly bids: [string, string][]; readonly asks: [string, string][] } {
    const { bids, asks } = this.top(levels);
    return { bids: bids.map((level) => this.text.formatLevel(level)), asks: asks.map((level) => this.text.formatLevel(level)) };
  }
}
