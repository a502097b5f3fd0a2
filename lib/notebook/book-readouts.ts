/**
 * Readouts of the order book in one sentence each, for notebook cells: the book at a moment, the
 * imbalance check, and what a resync did.
 */
import type { BookAtResult } from "../analysis/book/book-at";
import type { ImbalanceMidMove } from "../analysis/book/imbalance";
import type { Sample } from "../store/sample-format";

/**
 * The book at a moment in one line: state, best bid and ask, spread.
 * @example describeBookAt(bookAt(sample)) // "BTCUSDT synced at u=…: best bid 28148.60 × 0.800, best ask 28148.70 × 7.292, spread 0.10 (0.04 bps)."
 */
export function describeBookAt(result: BookAtResult): string {
  const { book } = result;
  if (!book.isExact) return `${result.symbol} has no exact book here (${result.stateText}).`;
  const bid = book.bestBid();
  const ask = book.bestAsk();
  const level = (l: { price: number; quantity: number } | null) =>
    l ? `${book.text.formatPrice(l.price)} × ${book.text.formatQuantity(l.quantity)}` : "none";
  return `${result.symbol} ${result.stateText}: best bid ${level(bid)}, best ask ${level(ask)}, spread ${book.text.formatPrice(book.spread())} (${book.spreadBps().toFixed(2)} bps).`;
}

/** The imbalance check in one line: pairs, horizon, correlation. */
export function describeImbalanceMove(result: ImbalanceMidMove): string {
  const correlation = Number.isFinite(result.correlation) ? result.correlation.toFixed(3) : "undefined (too few moments)";
  return `${result.length} moments with a synced book then and ${result.horizonMs} ms later: correlation of imbalance with the next mid move ${correlation}.`;
}

/**
 * What the capture did about depth gaps, from its events and snapshots, in one line.
 * @example describeResyncs(sample) // "1 depth gap, 1 resync: 2 snapshots stored (lastUpdateId …, …)."
 */
export function describeResyncs(sample: Pick<Sample, "events" | "snapshots">): string {
  const count = (kind: string) => sample.events.filter((event) => event.kind === kind).length;
  const ids = sample.snapshots.map((snapshot) => snapshot.response.lastUpdateId).join(", ");
  const retries = count("resync-retry");
  return `${count("depth-gap")} depth gap(s), ${count("resync")} resync(s)${retries > 0 ? `, ${retries} retried fetch(es)` : ""}: ${sample.snapshots.length} snapshot(s) stored (lastUpdateId ${ids}).`;
}
