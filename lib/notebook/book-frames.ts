/**
 * DataFrames of the order book for notebooks: the book over time (one row per event or
 * interval, tardis-dev's book-snapshot layout in camelCase), the levels of one moment, a book's
 * history (snapshots, gaps, resyncs), and the bookTicker check row by row. Built with
 * `buildFrame` (frames.ts) from typed columns in one step.
 */
import type { BookAtResult } from "../analysis/book/book-at";
import type { BookHistoryEntry } from "../analysis/book/book-builder";
import { BOOK_STATES, type BookSnapshotColumns } from "../analysis/book/book-snapshots";
import type { BookTickerComparison } from "../analysis/depth";
import { buildFrame, formatIsoTimes, type FrameColumn } from "./frames";

/** A danfojs DataFrame, as `buildFrame` makes it (frames.ts is the one module that imports danfojs). */
type DataFrame = ReturnType<typeof buildFrame>;

/**
 * The book over time: `time`, `eventTime`, `finalUpdateId`, `state`, then `bidPrice0`,
 * `bidQuantity0`, `askPrice0`, `askQuantity0`, … per level, then spread, mid, microprice, imbalance.
 * @example bookSnapshotsFrame(bookSnapshots(sample, { levels: 5, intervalMs: 1000 }))
 */
export function bookSnapshotsFrame(book: BookSnapshotColumns): DataFrame {
  const columns: Record<string, FrameColumn> = {
    time: formatIsoTimes(book.time),
    eventTime: book.time,
    finalUpdateId: book.finalUpdateId,
    state: Array.from(book.state, (code) => BOOK_STATES[code]),
  };
  for (let k = 0; k < book.levels; k++) {
    columns[`bidPrice${k}`] = book.bidPrice[k];
    columns[`bidQuantity${k}`] = book.bidQuantity[k];
    columns[`askPrice${k}`] = book.askPrice[k];
    columns[`askQuantity${k}`] = book.askQuantity[k];
  }
  Object.assign(columns, { spread: book.spread, mid: book.mid, microprice: book.microprice, imbalance: book.imbalance });
  return buildFrame(columns);
}

/**
 * The best `levels` levels of a book at one moment, side by side, prices and quantities as
 * Binance writes them, with the cumulative quantity of each side.
 * @example bookLevelsFrame(bookAt(sample), 10)
 */
export function bookLevelsFrame(result: BookAtResult, levels = 10): DataFrame {
  const { book } = result;
  const top = book.isExact ? book.top(levels) : { bids: [], asks: [] };
  const rows = Math.max(top.bids.length, top.asks.length);
  const text = book.text;
  const cumulative = (list: readonly { quantity: number }[]) => {
    let sum = 0;
    return Array.from({ length: rows }, (_, i) =>
      i < list.length ? Number((sum += list[i].quantity).toFixed(text.quantityDecimals)) : null,
    );
  };
  const at = (list: readonly { price: number; quantity: number }[], i: number, field: "price" | "quantity") =>
    i < list.length ? (field === "price" ? text.formatPrice(list[i].price) : text.formatQuantity(list[i].quantity)) : "";
  return buildFrame({
    level: Array.from({ length: rows }, (_, i) => i),
    bidCumulative: cumulative(top.bids),
    bidQuantity: Array.from({ length: rows }, (_, i) => at(top.bids, i, "quantity")),
    bidPrice: Array.from({ length: rows }, (_, i) => at(top.bids, i, "price")),
    askPrice: Array.from({ length: rows }, (_, i) => at(top.asks, i, "price")),
    askQuantity: Array.from({ length: rows }, (_, i) => at(top.asks, i, "quantity")),
    askCumulative: cumulative(top.asks),
  });
}

/** A book's history: one row per snapshot loaded, sync, gap, resync or unusable snapshot. */
export function bookHistoryFrame(history: readonly BookHistoryEntry[] | BookAtResult): DataFrame {
  const entries = "history" in history ? history.history : history;
  return buildFrame({
    time: formatIsoTimes(entries.map((entry) => entry.eventTime)),
    kind: entries.map((entry) => entry.kind),
    updateId: entries.map((entry) => entry.updateId),
    detail: entries.map((entry) => entry.detail),
  });
}

/** Every bookTicker the check compared: its time, `u`, and whether the rebuilt book matched it. */
export function bookTickerCheckFrame(check: BookTickerComparison): DataFrame {
  return buildFrame({
    time: formatIsoTimes(check.compared.eventTime),
    eventTime: check.compared.eventTime,
    updateId: check.compared.updateId,
    matches: Array.from(check.compared.matches, (flag) => flag === 1),
  });
}
