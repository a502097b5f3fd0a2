/**
 * Binance's USDⓈ-M rules for keeping a local order book from a REST snapshot and the diff-depth
 * stream, as pure predicates; the book itself (the data structure, its states and counters) is
 * `OrderBook` in analysis/book/order-book.ts, and the capture's resync is capture/depth-resync.ts.
 * docs/binance.md, "A local order book"; Binance's guide:
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly
 *
 * 1. Buffer the diff events; fetch `GET /fapi/v1/depth?limit=1000` once a few are buffered.
 * 2. Drop events with `u < lastUpdateId`.
 * 3. The first applied event has `U <= lastUpdateId <= u` (tardis-dev also accepts `pu == lastUpdateId`).
 * 4. Every later event has `pu ==` the previous event's `u`; otherwise the book is broken and
 *    starts again from a new snapshot. Update ids are not consecutive: never check `U == u + 1`.
 * 5. Quantities are absolute; quantity 0 removes the level, and removing an absent level is normal.
 */
import { MAX_DEPTH_SNAPSHOT_LIMIT } from "./limits";

/** The update ids of a diff-depth event (`U`, `u`, `pu`), named as decode.ts's `DepthUpdate` names them. */
export interface DepthEventIds {
  /** `U`: the first update id in the event. */
  readonly firstUpdateId: number;
  /** `u`: the final update id in the event. */
  readonly finalUpdateId: number;
  /** `pu`: the previous event's final update id. */
  readonly previousFinalUpdateId: number;
}

/** The `limit` of the REST snapshot Binance's guide fetches: 1000 levels per side. */
export const BOOK_SNAPSHOT_LIMIT = MAX_DEPTH_SNAPSHOT_LIMIT;

/** Diff events to buffer before fetching the snapshot, as robust clients do (the guide says "buffer"). */
export const SNAPSHOT_AFTER_BUFFERED_EVENTS = 2;

/** Rule 2: the event is older than the snapshot (`u < lastUpdateId`) and is dropped. */
export function isOlderThanSnapshot(event: Pick<DepthEventIds, "finalUpdateId">, lastUpdateId: number): boolean {
  return event.finalUpdateId < lastUpdateId;
}

/** Rule 3: the event may be the first applied on top of a snapshot (`U <= lastUpdateId <= u`, or `pu == lastUpdateId`). */
export function startsFromSnapshot(event: DepthEventIds, lastUpdateId: number): boolean {
  return (event.firstUpdateId <= lastUpdateId && event.finalUpdateId >= lastUpdateId) || event.previousFinalUpdateId === lastUpdateId;
}

/** Rule 4: the event follows the previous one (`pu == previous u`). */
export function continuesChain(event: Pick<DepthEventIds, "previousFinalUpdateId">, previousFinalUpdateId: number): boolean {
  return event.previousFinalUpdateId === previousFinalUpdateId;
}

/** The event ends at or before the previous one (`u <= previous u`): a repeat the book already holds, not a gap. */
export function isAlreadyApplied(event: Pick<DepthEventIds, "finalUpdateId">, previousFinalUpdateId: number): boolean {
  return event.finalUpdateId <= previousFinalUpdateId;
}

/** Rule 5: a level with this quantity is removed (quantity 0), otherwise set to it. */
export function removesLevel(quantity: number): boolean {
  return quantity === 0;
}

/** What to do with an event: apply it, drop it (stale), or treat it as a gap (the book needs a new snapshot). */
export type BookSyncStep = "apply" | "drop" | "gap";

/**
 * Rules 2 and 3 for an event arriving at a book that holds a snapshot and no event yet.
 * @example syncStepAfterSnapshot({ firstUpdateId: 95, finalUpdateId: 105, previousFinalUpdateId: 90 }, 100) // "apply"
 */
export function syncStepAfterSnapshot(event: DepthEventIds, lastUpdateId: number): BookSyncStep {
  if (isOlderThanSnapshot(event, lastUpdateId)) return "drop";
  return startsFromSnapshot(event, lastUpdateId) ? "apply" : "gap";
}

/**
 * Rule 4 for an event arriving at a synced book whose last applied event ended at `previousFinalUpdateId`.
 * @example syncStepInChain({ firstUpdateId: 106, finalUpdateId: 110, previousFinalUpdateId: 105 }, 105) // "apply"
 */
export function syncStepInChain(event: DepthEventIds, previousFinalUpdateId: number): BookSyncStep {
  if (continuesChain(event, previousFinalUpdateId)) return "apply";
  return isAlreadyApplied(event, previousFinalUpdateId) ? "drop" : "gap";
}

/**
 * Rule 4's remedy: after a gap, can a snapshot with this `lastUpdateId` resync the events that
 * follow it? Only if it is not older than the first event after the gap's `pu` (the last update
 * Binance sent before that event): an older snapshot leaves the missed updates missed.
 * @example snapshotBridgesGap(130, { previousFinalUpdateId: 120 }) // true
 */
export function snapshotBridgesGap(lastUpdateId: number, firstEventAfterGap: Pick<DepthEventIds, "previousFinalUpdateId">): boolean {
  return lastUpdateId >= firstEventAfterGap.previousFinalUpdateId;
}

/**
 * Whether a snapshot side holding `levelCount` levels was cut at `limit` (so the book goes on
 * beyond its worst level, unknown) or is the whole side (fewer levels than asked for).
 * @example isSideTruncated(1000, 1000) // true: levels beyond the 1000th are unknown
 */
export function isSideTruncated(levelCount: number, limit: number): boolean {
  return levelCount >= limit;
}

/** The level counts of the partial depth streams (`<symbol>@depth5|10|20[@100ms|@500ms]`). */
export const PARTIAL_DEPTH_LEVELS = [5, 10, 20] as const;

const PARTIAL_DEPTH_STREAM = /^[a-z0-9_]+@depth(5|10|20)(@(100|500)ms)?$/;

/**
 * The number of levels a partial depth stream sends (each message is the whole top N of both
 * sides, not a diff), or `null` for any other stream.
 * @example partialDepthLevelsOf("btcusdt@depth10@100ms") // 10
 */
export function partialDepthLevelsOf(stream: string): number | null {
  const match = PARTIAL_DEPTH_STREAM.exec(stream);
  return match ? Number(match[1]) : null;
}
