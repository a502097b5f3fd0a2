/**
 * The book of a sample at one moment: built from every snapshot and diff event up to that time
 * (or update id), with its sync state and the gaps and resyncs it went through. What
 * `streamlab book` prints.
 */
import { InvalidArgumentError } from "../../errors";
import { decodeDepthMessages } from "../columns";
import { SampleBookBuilder, snapshotTimeOf, type BookHistoryEntry } from "./book-builder";
import { chooseDepthMessages, learnLevelText, snapshotsFor, type DepthSelection, type DepthSource } from "./depth-source";
import type { BookSyncState, OrderBook } from "./order-book";

/** Options of `bookAt`. */
export interface BookAtOptions extends DepthSelection {
  /** The moment, by Binance's event time `E`: ms since the epoch, a `Date`, or an ISO time; default the end of the sample. */
  at?: number | Date | string;
  /** The moment as ms after the first depth event (instead of `at`). */
  atOffsetMs?: number;
  /** Stop after the last event with `u` at most this (instead of a time). */
  upToUpdateId?: number;
  /** Set false to ignore the sample's snapshots (a partial book from updates only). */
  useSnapshots?: boolean;
}

/** Counts of what a book went through. */
export interface BookCounts {
  /** Depth events up to the moment. */
  readonly events: number;
  readonly applied: number;
  /** Dropped as not newer than the book (e.g. buffered before the snapshot). */
  readonly stale: number;
  readonly gaps: number;
  /** Not applied: the book was broken and no snapshot could resync it. */
  readonly waiting: number;
  /** Snapshots loaded (for partial depth: pictures). */
  readonly snapshotsUsed: number;
  /** Snapshots of this symbol in the sample. */
  readonly snapshotsInSample: number;
}

/** The result of `bookAt`. */
export interface BookAtResult {
  readonly symbol: string;
  readonly stream: string;
  /** For a partial depth stream: its level count (a top-N book); `null` for diff depth. */
  readonly topLevels: number | null;
  /** The moment asked for (ms), `null` for the end of the sample. */
  readonly at: number | null;
  /** The book at that moment. */
  readonly book: OrderBook;
  readonly state: BookSyncState;
  /** The state in words. */
  readonly stateText: string;
  /** Event time `E` of what the book last took in (event or snapshot); NaN when nothing. */
  readonly eventTime: number;
  readonly lastUpdateId: number | null;
  /** Snapshots loaded, gaps and resyncs, in order. */
  readonly history: readonly BookHistoryEntry[];
  readonly counts: BookCounts;
}

/** `at` as ms since the epoch; throws `INVALID_TIME` for anything else. */
export function parseBookTime(at: number | Date | string): number {
  const ms =
    typeof at === "number" ? at : at instanceof Date ? at.getTime() : /^\d+(\.\d+)?$/.test(at.trim()) ? Number(at) : Date.parse(at);
  if (!Number.isFinite(ms)) {
    throw new InvalidArgumentError(
      "INVALID_TIME",
      `Invalid time ${JSON.stringify(at)}: expected ms since the epoch or an ISO time such as "2023-04-05T00:00:30Z".`,
    );
  }
  return ms;
}

/**
 * The book of one symbol at a moment of a sample (default: its end), built from every snapshot
 * taken by then and the diff events up to it; a partial-depth stream gives its last top-N picture.
 * @example const { book, stateText, history } = bookAt(sample, { at: "2023-04-05T00:00:30Z" }); book.formatTop(20)
 */
export function bookAt(source: DepthSource, options: BookAtOptions = {}): BookAtResult {
  const chosen = chooseDepthMessages(source, options);
  const { updates } = decodeDepthMessages(chosen.messages);
  let limit = Infinity;
  if (options.at !== undefined) limit = parseBookTime(options.at);
  if (options.atOffsetMs !== undefined) {
    if (!Number.isFinite(options.atOffsetMs))
      throw new InvalidArgumentError("INVALID_TIME", `Invalid atOffsetMs ${options.atOffsetMs}: expected a number of ms.`);
    limit = (updates.length > 0 ? updates[0].eventTime : 0) + options.atOffsetMs;
  }
  const upTo = options.upToUpdateId ?? Infinity;
  const builder = new SampleBookBuilder(
    chosen.symbol,
    snapshotsFor(source, chosen.symbol, options.useSnapshots !== false && chosen.topLevels === null),
    {
      snapshotFilter: (snapshot) => !(snapshotTimeOf(snapshot) > limit) && snapshot.response.lastUpdateId <= upTo,
    },
  );
  const book = builder.book;
  learnLevelText(book, chosen.messages);
  let events = 0;
  for (const update of updates) {
    if (update.eventTime > limit || update.finalUpdateId > upTo) break;
    events++;
    if (chosen.topLevels !== null) book.applyTopLevels(update, chosen.topLevels);
    else builder.apply(update);
  }
  builder.finish();
  return {
    symbol: chosen.symbol,
    stream: chosen.stream,
    topLevels: chosen.topLevels,
    at: Number.isFinite(limit) ? limit : null,
    book,
    state: book.syncState(),
    stateText: book.describeState(),
    eventTime: book.eventTime,
    lastUpdateId: book.lastUpdateId,
    history: builder.history,
    counts: {
      events,
      applied: book.appliedCount,
      stale: book.staleCount,
      gaps: book.gapCount,
      waiting: builder.waitingCount,
      snapshotsUsed: book.snapshotCount,
      snapshotsInSample: snapshotsFor(source, chosen.symbol).length,
    },
  };
}
