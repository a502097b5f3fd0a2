/**
 * The book over time, like tardis-dev's book snapshots: the top N levels of each side (with
 * spread, mid, microprice and imbalance) after every depth event, or at every multiple of a fixed
 * interval, as typed columns. Levels are NaN wherever the book is not synced (waiting for a
 * snapshot, broken by a gap until the event that resyncs it) and beyond the known depth:
 * unknown, never guessed.
 */
import { InvalidArgumentError } from "../../errors";
import { decodeDepthMessages } from "../columns";
import { SampleBookBuilder } from "./book-builder";
import { chooseDepthMessages, learnLevelText, snapshotsFor, type DepthSelection, type DepthSource } from "./depth-source";
import type { BookState } from "./order-book";

/** Book states by their code in `BookSnapshotColumns.state`. */
export const BOOK_STATES: readonly BookState[] = ["waiting-for-snapshot", "waiting-for-event", "synced", "broken"];

/** Options of `bookSnapshots`. */
export interface BookSnapshotOptions extends DepthSelection {
  /** Levels per side (default 10). */
  levels?: number;
  /** A row at every multiple of this many ms of event time; 0 (default) for a row after every depth event. */
  intervalMs?: number;
  /** Set false to ignore the sample's snapshots. */
  useSnapshots?: boolean;
}

/** The book over time: one row per depth event or per interval. */
export interface BookSnapshotColumns {
  readonly symbol: string;
  readonly stream: string;
  /** Levels per side. */
  readonly levels: number;
  /** 0 for a row per event. */
  readonly intervalMs: number;
  readonly length: number;
  /** Event time `E` of the row's event, or the interval's end (ms). */
  readonly time: Float64Array;
  /** Local receive time of the last event taken in (NaN when the recording has none). */
  readonly localTimestamp: Float64Array;
  /** `u` of the last event taken in (NaN before any); for a broken row, of the last event before the gap. */
  readonly finalUpdateId: Float64Array;
  /** Index into `BOOK_STATES`. */
  readonly state: Uint8Array;
  /** `bidPrice[k][row]`: the bid k levels from the best (k = 0 is the best bid). */
  readonly bidPrice: readonly Float64Array[];
  readonly bidQuantity: readonly Float64Array[];
  readonly askPrice: readonly Float64Array[];
  readonly askQuantity: readonly Float64Array[];
  readonly spread: Float64Array;
  readonly mid: Float64Array;
  readonly microprice: Float64Array;
  /** Imbalance over all `levels` levels, −1…+1. */
  readonly imbalance: Float64Array;
}

class ColumnsWriter {
  time: number[] = [];
  localTimestamp: number[] = [];
  finalUpdateId: number[] = [];
  state: number[] = [];
  bidPrice: Float64Array[] = [];
  bidQuantity: Float64Array[] = [];
  askPrice: Float64Array[] = [];
  askQuantity: Float64Array[] = [];
  spread: number[] = [];
  mid: number[] = [];
  microprice: number[] = [];
  imbalance: number[] = [];
  private capacity = 0;
  length = 0;

  constructor(readonly levels: number) {
    this.resize(1024);
  }

  private resize(capacity: number): void {
    const grow = (arrays: Float64Array[]) =>
      Array.from({ length: this.levels }, (_, k) => {
        const next = new Float64Array(capacity);
        if (arrays[k]) next.set(arrays[k].subarray(0, this.length));
        return next;
      });
    this.bidPrice = grow(this.bidPrice);
    this.bidQuantity = grow(this.bidQuantity);
    this.askPrice = grow(this.askPrice);
    this.askQuantity = grow(this.askQuantity);
    this.capacity = capacity;
  }

  add(builder: SampleBookBuilder, time: number, localTimestamp: number): void {
    const book = builder.book;
    const state = builder.state;
    if (this.length === this.capacity) this.resize(this.capacity * 2);
    const row = this.length++;
    const synced = state === "synced";
    this.time.push(time);
    this.localTimestamp.push(localTimestamp);
    this.finalUpdateId.push((state === "broken" ? builder.brokenSince : book.lastUpdateId) ?? NaN);
    this.state.push(BOOK_STATES.indexOf(state));
    if (synced) {
      book.bids.copyTop(this.levels, this.bidPrice, this.bidQuantity, row);
      book.asks.copyTop(this.levels, this.askPrice, this.askQuantity, row);
    } else {
      for (let k = 0; k < this.levels; k++)
        this.bidPrice[k][row] = this.bidQuantity[k][row] = this.askPrice[k][row] = this.askQuantity[k][row] = NaN;
    }
    this.spread.push(synced ? book.spread() : NaN);
    this.mid.push(synced ? book.mid() : NaN);
    this.microprice.push(synced ? book.microprice() : NaN);
    this.imbalance.push(synced ? book.imbalance(this.levels) : NaN);
  }

  finish(symbol: string, stream: string, intervalMs: number): BookSnapshotColumns {
    const cut = (arrays: Float64Array[]) => arrays.map((array) => array.slice(0, this.length));
    return {
      symbol,
      stream,
      levels: this.levels,
      intervalMs,
      length: this.length,
      time: Float64Array.from(this.time),
      localTimestamp: Float64Array.from(this.localTimestamp),
      finalUpdateId: Float64Array.from(this.finalUpdateId),
      state: Uint8Array.from(this.state),
      bidPrice: cut(this.bidPrice),
      bidQuantity: cut(this.bidQuantity),
      askPrice: cut(this.askPrice),
      askQuantity: cut(this.askQuantity),
      spread: Float64Array.from(this.spread),
      mid: Float64Array.from(this.mid),
      microprice: Float64Array.from(this.microprice),
      imbalance: Float64Array.from(this.imbalance),
    };
  }
}

/**
 * The top `levels` of one symbol's book after every depth event (`intervalMs` 0) or at every
 * multiple of `intervalMs` of event time, built with every snapshot of the sample.
 * @example const snaps = bookSnapshots(sample, { levels: 5, intervalMs: 1000 }); snaps.bidPrice[0] // best bids, one per second
 */
export function bookSnapshots(source: DepthSource, options: BookSnapshotOptions = {}): BookSnapshotColumns {
  const levels = options.levels ?? 10;
  const intervalMs = options.intervalMs ?? 0;
  if (!Number.isInteger(levels) || levels < 1 || levels > 1000) {
    throw new InvalidArgumentError("INVALID_OPTION", `Invalid levels ${JSON.stringify(levels)}: expected a whole number from 1 to 1000.`);
  }
  if (!Number.isFinite(intervalMs) || intervalMs < 0) {
    throw new InvalidArgumentError(
      "INVALID_INTERVAL",
      `Invalid intervalMs ${JSON.stringify(intervalMs)}: expected 0 (every event) or a positive number of ms.`,
    );
  }
  const chosen = chooseDepthMessages(source, options);
  const { updates } = decodeDepthMessages(chosen.messages);
  const builder = new SampleBookBuilder(
    chosen.symbol,
    snapshotsFor(source, chosen.symbol, options.useSnapshots !== false && chosen.topLevels === null),
  );
  const book = builder.book;
  learnLevelText(book, chosen.messages);
  const out = new ColumnsWriter(levels);
  let lastLocal = NaN;
  let boundary = updates.length > 0 && intervalMs > 0 ? Math.ceil(updates[0].eventTime / intervalMs) * intervalMs : Infinity;
  for (const update of updates) {
    while (update.eventTime > boundary) {
      out.add(builder, boundary, lastLocal);
      boundary += intervalMs;
    }
    if (chosen.topLevels !== null) book.applyTopLevels(update, chosen.topLevels);
    else builder.apply(update);
    lastLocal = update.localTimestamp ?? NaN;
    if (intervalMs === 0) out.add(builder, update.eventTime, lastLocal);
  }
  // the last boundary the sample reaches (boundaries after its last event are not rows)
  if (intervalMs > 0 && updates.length > 0 && boundary === updates[updates.length - 1].eventTime) out.add(builder, boundary, lastLocal);
  return out.finish(chosen.symbol, chosen.stream, intervalMs);
}
