/**
 * Order-book analysis: a local order book rebuilt from a REST snapshot and the diff-depth stream,
 * the best bid/ask after every applied event, the check against `bookTicker`, and the depth
 * chain's gaps (from binance/sequence.ts).
 *
 * `BookSide` keeps one side's levels in a sorted typed array (best level last, so the frequent
 * edits near the top move few elements); `LocalBook` keeps its state on top and asks
 * binance/book-sync.ts what Binance's sync rules say about each event (docs/binance.md). A full
 * order-book view (top-N levels, depth at price, imbalance) builds on `LocalBook.bids/asks`.
 *
 * Levels beyond the snapshot's (1000 per side) are unknown until an update touches them; without
 * a snapshot the book holds only the levels seen in updates and is reported as partial.
 */
import { InvalidArgumentError } from "../errors";
import { decodeLevels, type DepthUpdate, type Level } from "../binance/decode";
import type { RawDepthSnapshot } from "../binance/raw";
import { findSequenceGaps, type SequenceGap } from "../binance/sequence";
import { type BookSyncStep, continuesChain, isAlreadyApplied, removesLevel, syncStepAfterSnapshot, syncStepInChain } from "../binance/book-sync";
import { isDiffDepthStream } from "../binance/stream-names";
import type { StoredDepthSnapshot } from "../store/sample-format";
import { decodeBookTicker } from "../binance/decode";
import { decodeDepthMessages, type MessageLike } from "./columns";

/** A price level with its quantity. */
export interface PriceLevel {
  readonly price: number;
  readonly quantity: number;
}

/**
 * One side of an order book: price → absolute quantity, sorted. A quantity that removes the level
 * (0, see `removesLevel`) deletes it; removing an absent level is normal and does nothing.
 */
export class BookSide {
  /** True for asks (best = lowest price), false for bids (best = highest price). */
  readonly isAsk: boolean;
  /** Sort keys ascending: price for bids, −price for asks, so the best level is last. */
  private keys: Float64Array;
  private quantities: Float64Array;
  private count = 0;

  /** An empty side; `isAsk` picks the ordering. */
  constructor(isAsk: boolean, initialCapacity = 1024) {
    this.isAsk = isAsk;
    this.keys = new Float64Array(initialCapacity);
    this.quantities = new Float64Array(initialCapacity);
  }

  /** Number of levels. */
  get size(): number {
    return this.count;
  }

  /** Removes every level. */
  clear(): void {
    this.count = 0;
  }

  /** Index of `key`, or −(insertion point) − 1 when absent. */
  private search(key: number): number {
    let lo = 0;
    let hi = this.count - 1;
    // Most edits are near the best level (the end): check it first.
    if (hi >= 0 && this.keys[hi] < key) return -(hi + 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /** Sets the absolute quantity at `price`; quantity 0 removes the level. */
  setLevel(price: number, quantity: number): void {
    const key = this.isAsk ? -price : price;
    const index = this.search(key);
    const removes = removesLevel(quantity);
    if (index >= 0) {
      if (removes) {
        this.keys.copyWithin(index, index + 1, this.count);
        this.quantities.copyWithin(index, index + 1, this.count);
        this.count--;
      } else {
        this.quantities[index] = quantity;
      }
      return;
    }
    if (removes) return;
    const at = -index - 1;
    if (this.count === this.keys.length) this.grow();
    this.keys.copyWithin(at + 1, at, this.count);
    this.quantities.copyWithin(at + 1, at, this.count);
    this.keys[at] = key;
    this.quantities[at] = quantity;
    this.count++;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const quantities = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    quantities.set(this.quantities);
    this.keys = keys;
    this.quantities = quantities;
  }

  /** Applies `[price, quantity]` levels in order. */
  applyLevels(levels: readonly Level[]): void {
    for (let i = 0; i < levels.length; i++) this.setLevel(levels[i][0], levels[i][1]);
  }

  /** The best level (highest bid / lowest ask), or `null` when the side is empty. */
  best(): PriceLevel | null {
    if (this.count === 0) return null;
    const key = this.keys[this.count - 1];
    return { price: this.isAsk ? -key : key, quantity: this.quantities[this.count - 1] };
  }

  /** Best price, or NaN when empty. */
  bestPrice(): number {
    if (this.count === 0) return NaN;
    const key = this.keys[this.count - 1];
    return this.isAsk ? -key : key;
  }

  /** Quantity at the best price, or NaN when empty. */
  bestQuantity(): number {
    return this.count === 0 ? NaN : this.quantities[this.count - 1];
  }

  /** Quantity at `price`, 0 when there is no level. */
  quantityAt(price: number): number {
    const index = this.search(this.isAsk ? -price : price);
    return index >= 0 ? this.quantities[index] : 0;
  }

  /** The best `limit` levels, best first. */
  topLevels(limit = 20): PriceLevel[] {
    const out: PriceLevel[] = [];
    for (let i = this.count - 1; i >= 0 && out.length < limit; i--) {
      out.push({ price: this.isAsk ? -this.keys[i] : this.keys[i], quantity: this.quantities[i] });
    }
    return out;
  }
}

/**
 * Where a book stands: `empty` (nothing yet), `partial` (updates without a snapshot: only the
 * levels seen so far), `awaiting-sync` (snapshot loaded, no event applied yet), `synced`, or
 * `broken` (a gap: waiting for a new snapshot).
 */
export type BookStatus = "empty" | "partial" | "awaiting-sync" | "synced" | "broken";

/**
 * What `applyUpdate` did: `applied` (synced book), `partial` (applied to a book without a
 * snapshot), `stale` (dropped: older than the book), `gap` (the chain broke here: the book is now
 * `broken`), `waiting` (not applied: the book is broken and needs a new snapshot).
 */
export type ApplyOutcome = "applied" | "partial" | "stale" | "gap" | "waiting";

function isStoredSnapshot(snapshot: RawDepthSnapshot | StoredDepthSnapshot): snapshot is StoredDepthSnapshot {
  return typeof snapshot === "object" && snapshot !== null && "response" in snapshot;
}

/**
 * A local order book for one symbol, kept with Binance's USDⓈ-M rules (binance/book-sync.ts):
 * load a REST snapshot, drop older events, start from the event that spans the snapshot, then
 * follow the `pu` chain. Without a snapshot it still applies updates, as a partial book.
 * @example
 * const book = new LocalBook();
 * book.loadSnapshot(sample.snapshots[0]);
 * for (const update of updates) if (book.applyUpdate(update) === "applied") book.bids.best();
 */
export class LocalBook {
  /** Bid levels. */
  readonly bids = new BookSide(false);
  /** Ask levels. */
  readonly asks = new BookSide(true);
  private state: BookStatus = "empty";
  private symbolName: string | null;
  private lastId: number | null = null;
  private snapshotId: number | null = null;
  /** Events applied (synced or partial). */
  appliedCount = 0;
  /** Events dropped as older than the book. */
  staleCount = 0;
  /** Breaks in the `pu` chain, including events that could not start a sync. */
  gapCount = 0;
  /** Snapshots loaded. */
  snapshotCount = 0;

  /** A book for `symbol` (taken from the first snapshot or update when not given). */
  constructor(options: { symbol?: string } = {}) {
    this.symbolName = options.symbol?.toUpperCase() ?? null;
  }

  /** See `BookStatus`. */
  get status(): BookStatus {
    return this.state;
  }

  /** True unless the book is synced with a snapshot. */
  get isPartial(): boolean {
    return this.state !== "synced";
  }

  /** The upper-case symbol, once known. */
  get symbol(): string | null {
    return this.symbolName;
  }

  /** `u` of the last applied event (or the snapshot's `lastUpdateId` before any). */
  get lastUpdateId(): number | null {
    return this.lastId;
  }

  /** Replaces the book with a REST snapshot (`GET /fapi/v1/depth`); it then waits for the first event. */
  loadSnapshot(snapshot: RawDepthSnapshot | StoredDepthSnapshot): void {
    const response = isStoredSnapshot(snapshot) ? snapshot.response : snapshot;
    if (isStoredSnapshot(snapshot)) this.checkSymbol(snapshot.symbol.toUpperCase(), "snapshot");
    if (typeof response !== "object" || response === null || !Number.isSafeInteger(response.lastUpdateId)) {
      throw new InvalidArgumentError("INVALID_SNAPSHOT", `Invalid depth snapshot: expected {"lastUpdateId": <integer>, "bids": [...], "asks": [...]}, got ${JSON.stringify(response)?.slice(0, 120)}.`);
    }
    const bids = decodeLevels(response.bids, "bids");
    const asks = decodeLevels(response.asks, "asks");
    this.bids.clear();
    this.asks.clear();
    this.bids.applyLevels(bids);
    this.asks.applyLevels(asks);
    this.snapshotId = response.lastUpdateId;
    this.lastId = response.lastUpdateId;
    this.state = "awaiting-sync";
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
    this.appliedCount++;
  }

  /** Applies one decoded diff-depth event; see `ApplyOutcome`. */
  applyUpdate(update: DepthUpdate): ApplyOutcome {
    this.checkSymbol(update.symbol, "depth update");
    switch (this.state) {
      case "empty":
      case "partial":
        if (this.lastId !== null && isAlreadyApplied(update, this.lastId)) {
          this.staleCount++;
          return "stale";
        }
        if (this.lastId !== null && !continuesChain(update, this.lastId)) this.gapCount++;
        this.applyLevels(update);
        this.state = "partial";
        return "partial";
      case "awaiting-sync":
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
        this.state = "broken";
        return "gap";
    }
  }
}

/** Best bid and ask after each applied depth event. */
export interface BestBidAskColumns {
  readonly length: number;
  readonly eventTime: Float64Array;
  readonly transactionTime: Float64Array;
  /** NaN when the recording has no local time. */
  readonly localTimestamp: Float64Array;
  /** `u` of the event after which the best levels hold. */
  readonly finalUpdateId: Float64Array;
  /** NaN when the side is empty. */
  readonly bidPrice: Float64Array;
  readonly bidQuantity: Float64Array;
  readonly askPrice: Float64Array;
  readonly askQuantity: Float64Array;
  /** 1 when the book was partial (no snapshot) at this row. */
  readonly isPartial: Uint8Array;
}

/** The result of `rebuildBestBidAsk`. */
export interface BookRebuild {
  readonly symbol: string;
  /** The diff-depth stream used, e.g. `"btcusdt@depth@0ms"`. */
  readonly stream: string;
  readonly bestBidAsk: BestBidAskColumns;
  readonly appliedCount: number;
  readonly staleCount: number;
  readonly gapCount: number;
  /** Depth events never applied because the book was broken and no later snapshot could resync it. */
  readonly waitingCount: number;
  readonly snapshotsUsed: number;
  /** True when no snapshot was available: best levels are those seen in updates only. */
  readonly isPartial: boolean;
  /** One sentence on what the rebuild could and could not do. */
  readonly note: string;
  /** The book after the last event, for further inspection. */
  readonly book: LocalBook;
}

/** Options of `rebuildBestBidAsk` and `compareBookWithBookTicker`. */
export interface BookRebuildOptions {
  /** Which symbol (required when the messages hold several). */
  symbol?: string;
  /** Which diff-depth stream (required when a symbol has several speeds). */
  stream?: string;
  /** Set false to ignore the sample's snapshots (a partial book from updates only). */
  useSnapshots?: boolean;
}

interface DepthSource {
  readonly messages: readonly MessageLike[];
  readonly snapshots?: readonly StoredDepthSnapshot[];
}

function chooseDepthMessages(source: DepthSource, options: BookRebuildOptions): { symbol: string; stream: string; messages: MessageLike[] } {
  const bySymbol = new Map<string, Map<string, MessageLike[]>>();
  for (const message of source.messages) {
    const data = message.data as { e?: unknown; s?: unknown } | null;
    if (typeof data !== "object" || data === null || data.e !== "depthUpdate") continue;
    const stream = message.stream ?? "";
    if (stream !== "" && !isDiffDepthStream(stream)) continue; // partial depth (@depth5...) is not a diff
    const symbol = String(data.s);
    let streams = bySymbol.get(symbol);
    if (!streams) bySymbol.set(symbol, (streams = new Map()));
    let list = streams.get(stream);
    if (!list) streams.set(stream, (list = []));
    list.push(message);
  }
  if (bySymbol.size === 0) {
    throw new InvalidArgumentError("NO_DEPTH_MESSAGES", `No diff-depth (depthUpdate) messages among the ${source.messages.length} given.`);
  }
  let symbol: string;
  if (options.symbol !== undefined) {
    symbol = options.symbol.toUpperCase();
    if (!bySymbol.has(symbol)) {
      throw new InvalidArgumentError("UNKNOWN_SYMBOL", `No depth messages for ${JSON.stringify(options.symbol)}: the messages hold ${[...bySymbol.keys()].join(", ")}.`);
    }
  } else if (bySymbol.size > 1) {
    throw new InvalidArgumentError("SYMBOL_REQUIRED", `The messages hold depth for ${[...bySymbol.keys()].join(", ")}: pass { symbol } to pick one.`);
  } else {
    symbol = [...bySymbol.keys()][0];
  }
  const streams = bySymbol.get(symbol) as Map<string, MessageLike[]>;
  let stream: string;
  if (options.stream !== undefined) {
    stream = options.stream;
    if (!streams.has(stream)) {
      throw new InvalidArgumentError("UNKNOWN_STREAM", `No depth messages on stream ${JSON.stringify(stream)} for ${symbol}: found ${[...streams.keys()].join(", ")}.`);
    }
  } else if (streams.size > 1) {
    throw new InvalidArgumentError("STREAM_REQUIRED", `${symbol} has depth on ${[...streams.keys()].join(", ")}: pass { stream } to pick one (their update chains differ).`);
  } else {
    stream = [...streams.keys()][0];
  }
  return { symbol, stream, messages: streams.get(stream) as MessageLike[] };
}

/**
 * Rebuilds the order book of one symbol from a sample (messages plus REST snapshots) and returns
 * the best bid/ask after every applied event. Events before the snapshot are used when they are
 * newer than it (a capture buffers them); after a gap the next snapshot resyncs the book.
 * Without a snapshot the result is partial: the best of the levels seen so far.
 * @example const r = rebuildBestBidAsk(sample); r.bestBidAsk.bidPrice
 */
export function rebuildBestBidAsk(source: DepthSource, options: BookRebuildOptions = {}): BookRebuild {
  const { symbol, stream, messages } = chooseDepthMessages(source, options);
  const { updates } = decodeDepthMessages(messages);
  const snapshots = options.useSnapshots === false ? [] : (source.snapshots ?? []).filter((s) => String(s.symbol).toUpperCase() === symbol);
  const book = new LocalBook({ symbol });
  let nextSnapshot = 0;
  if (snapshots.length > 0) book.loadSnapshot(snapshots[nextSnapshot++]);
  const n = updates.length;
  const eventTime = new Float64Array(n);
  const transactionTime = new Float64Array(n);
  const localTimestamp = new Float64Array(n);
  const finalUpdateId = new Float64Array(n);
  const bidPrice = new Float64Array(n);
  const bidQuantity = new Float64Array(n);
  const askPrice = new Float64Array(n);
  const askQuantity = new Float64Array(n);
  const isPartial = new Uint8Array(n);
  let rows = 0;
  let waitingCount = 0;
  for (const update of updates) {
    let outcome = book.applyUpdate(update);
    // A broken book resyncs from the next snapshot; try each until one fits this event.
    while ((outcome === "gap" || outcome === "waiting") && nextSnapshot < snapshots.length) {
      book.loadSnapshot(snapshots[nextSnapshot++]);
      outcome = book.applyUpdate(update);
    }
    if (outcome === "waiting") waitingCount++;
    if (outcome !== "applied" && outcome !== "partial") continue;
    eventTime[rows] = update.eventTime;
    transactionTime[rows] = update.transactionTime;
    localTimestamp[rows] = update.localTimestamp ?? NaN;
    finalUpdateId[rows] = update.finalUpdateId;
    bidPrice[rows] = book.bids.bestPrice();
    bidQuantity[rows] = book.bids.bestQuantity();
    askPrice[rows] = book.asks.bestPrice();
    askQuantity[rows] = book.asks.bestQuantity();
    isPartial[rows] = outcome === "partial" ? 1 : 0;
    rows++;
  }
  const partial = snapshots.length === 0;
  const note = partial
    ? `No depth snapshot for ${symbol}: best bid/ask are the best of the levels seen in ${book.appliedCount} updates, a partial book.`
    : `Rebuilt ${symbol} from ${book.snapshotCount} snapshot(s): ${book.appliedCount} events applied, ${book.staleCount} older than the snapshot dropped, ${book.gapCount} gap(s)` +
      (waitingCount > 0 ? `, ${waitingCount} events not applied for want of a newer snapshot.` : ".");
  return {
    symbol,
    stream,
    bestBidAsk: {
      length: rows,
      eventTime: eventTime.slice(0, rows),
      transactionTime: transactionTime.slice(0, rows),
      localTimestamp: localTimestamp.slice(0, rows),
      finalUpdateId: finalUpdateId.slice(0, rows),
      bidPrice: bidPrice.slice(0, rows),
      bidQuantity: bidQuantity.slice(0, rows),
      askPrice: askPrice.slice(0, rows),
      askQuantity: askQuantity.slice(0, rows),
      isPartial: isPartial.slice(0, rows),
    },
    appliedCount: book.appliedCount,
    staleCount: book.staleCount,
    gapCount: book.gapCount,
    waitingCount,
    snapshotsUsed: book.snapshotCount,
    isPartial: partial,
    note,
    book,
  };
}

/** A bookTicker whose best levels differ from the rebuilt book at the same update id. */
export interface BookMismatch {
  readonly updateId: number;
  readonly eventTime: number;
  /** What bookTicker said: b, B, a, A. */
  readonly bookTicker: readonly [bidPrice: number, bidQuantity: number, askPrice: number, askQuantity: number];
  /** What the rebuilt book held. */
  readonly rebuilt: readonly [bidPrice: number, bidQuantity: number, askPrice: number, askQuantity: number];
}

/** The result of `compareBookWithBookTicker`. */
export interface BookTickerComparison {
  readonly symbol: string;
  readonly bookTickerCount: number;
  /** bookTickers whose `u` equals the `u` of a synced depth event: the ones compared. */
  readonly comparedCount: number;
  readonly matchCount: number;
  readonly mismatchCount: number;
  /** The first mismatches (at most 20). */
  readonly mismatches: readonly BookMismatch[];
  readonly rebuild: BookRebuild;
}

/**
 * Checks the rebuilt book against `bookTicker`: whenever a bookTicker's `u` equals a synced
 * depth event's `u`, the best bid/ask (price and quantity) must be equal. A correct rebuild of
 * an unbroken recording has zero mismatches.
 * @example compareBookWithBookTicker(sample).mismatchCount // 0
 */
export function compareBookWithBookTicker(source: DepthSource, options: BookRebuildOptions = {}): BookTickerComparison {
  const rebuild = rebuildBestBidAsk(source, options);
  const best = rebuild.bestBidAsk;
  const rowById = new Map<number, number>();
  for (let i = 0; i < best.length; i++) if (!best.isPartial[i]) rowById.set(best.finalUpdateId[i], i);
  let bookTickerCount = 0;
  let comparedCount = 0;
  let matchCount = 0;
  const mismatches: BookMismatch[] = [];
  let mismatchCount = 0;
  for (const message of source.messages) {
    const data = message.data as { e?: unknown; s?: unknown } | null;
    if (typeof data !== "object" || data === null || data.e !== "bookTicker" || data.s !== rebuild.symbol) continue;
    bookTickerCount++;
    const ticker = decodeBookTicker(data, message.localTimestamp ?? null);
    const row = rowById.get(ticker.updateId);
    if (row === undefined) continue;
    comparedCount++;
    const rebuilt = [best.bidPrice[row], best.bidQuantity[row], best.askPrice[row], best.askQuantity[row]] as const;
    const expected = [ticker.bidPrice, ticker.bidQuantity, ticker.askPrice, ticker.askQuantity] as const;
    if (rebuilt[0] === expected[0] && rebuilt[1] === expected[1] && rebuilt[2] === expected[2] && rebuilt[3] === expected[3]) {
      matchCount++;
    } else {
      mismatchCount++;
      if (mismatches.length < 20) mismatches.push({ updateId: ticker.updateId, eventTime: ticker.eventTime, bookTicker: expected, rebuilt });
    }
  }
  return { symbol: rebuild.symbol, bookTickerCount, comparedCount, matchCount, mismatchCount, mismatches, rebuild };
}

/**
 * Breaks in the diff-depth `pu` chains (per stream), from binance/sequence.ts.
 * @example findDepthGaps(sample.messages).length // 0 for an unbroken recording
 */
export function findDepthGaps(messages: Iterable<MessageLike & { readonly stream: string }>): SequenceGap[] {
  return findSequenceGaps(messages).filter((gap) => gap.kind === "depthChain");
}
