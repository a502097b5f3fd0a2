/**
 * Order-book imbalance against the next mid move: does more quantity on the bid side predict a
 * rising mid? From the book over time (`bookSnapshots`): each synced row's imbalance, paired with
 * the mid `horizonMs` later, in basis points; binned by imbalance, with the correlation.
 */
import { InvalidArgumentError } from "../../errors";
import type { BookSnapshotColumns } from "./book-snapshots";

/** Options of `imbalanceAgainstMidMove`. */
export interface ImbalanceMoveOptions {
  /** How far ahead the mid move is measured, ms of event time (default 1000). */
  horizonMs?: number;
  /** Equal-width imbalance bins over −1…+1 (default 10). */
  bins?: number;
}

/** The result of `imbalanceAgainstMidMove`. */
export interface ImbalanceMidMove {
  readonly horizonMs: number;
  /** Pairs: the row's time, its imbalance, and the mid move over the horizon (bps of the mid). */
  readonly length: number;
  readonly time: Float64Array;
  readonly imbalance: Float64Array;
  readonly moveBps: Float64Array;
  /** Per bin: its centre, the mean move (NaN when empty) and the number of pairs. */
  readonly binCenter: Float64Array;
  readonly binMeanMoveBps: Float64Array;
  readonly binCount: Uint32Array;
  /** Pearson correlation of imbalance and move (NaN with fewer than 3 pairs). */
  readonly correlation: number;
}

/**
 * Pairs each synced row's imbalance with the mid move `horizonMs` later (the first row at or after
 * that time), skipping rows where either book is not synced.
 * @example imbalanceAgainstMidMove(bookSnapshots(sample, { levels: 5, intervalMs: 250 }), { horizonMs: 1000 }).correlation
 */
export function imbalanceAgainstMidMove(book: BookSnapshotColumns, options: ImbalanceMoveOptions = {}): ImbalanceMidMove {
  const horizonMs = options.horizonMs ?? 1000;
  const bins = options.bins ?? 10;
  if (!(horizonMs > 0) || !Number.isFinite(horizonMs))
    throw new InvalidArgumentError("INVALID_INTERVAL", `Invalid horizonMs ${JSON.stringify(horizonMs)}: expected a positive number of ms.`);
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000)
    throw new InvalidArgumentError("INVALID_BIN_COUNT", `Invalid bins ${JSON.stringify(bins)}: expected a whole number from 1 to 1000.`);
  const time: number[] = [];
  const imbalance: number[] = [];
  const moveBps: number[] = [];
  let j = 0;
  for (let i = 0; i < book.length; i++) {
    const target = book.time[i] + horizonMs;
    if (j < i) j = i;
    while (j < book.length && book.time[j] < target) j++;
    if (j >= book.length) break;
    const now = book.mid[i];
    const later = book.mid[j];
    const value = book.imbalance[i];
    if (!Number.isFinite(now) || !Number.isFinite(later) || !Number.isFinite(value)) continue;
    time.push(book.time[i]);
    imbalance.push(value);
    moveBps.push(((later - now) / now) * 10_000);
  }
  const binCenter = new Float64Array(bins);
  const binSum = new Float64Array(bins);
  const binCount = new Uint32Array(bins);
  const width = 2 / bins;
  for (let b = 0; b < bins; b++) binCenter[b] = -1 + width * (b + 0.5);
  for (let k = 0; k < imbalance.length; k++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((imbalance[k] + 1) / width)));
    binSum[b] += moveBps[k];
    binCount[b]++;
  }
  const binMeanMoveBps = binSum.map((sum, b) => (binCount[b] > 0 ? sum / binCount[b] : NaN));
  return {
    horizonMs,
    length: imbalance.length,
    time: Float64Array.from(time),
    imbalance: Float64Array.from(imbalance),
    moveBps: Float64Array.from(moveBps),
    binCenter,
    binMeanMoveBps,
    binCount,
    correlation: pearson(imbalance, moveBps),
  };
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 3) return NaN;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i];
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
