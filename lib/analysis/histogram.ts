/**
 * Histograms over typed arrays: equal-width bins on a linear or a log10 scale. Used for trade
 * sizes (heavy-tailed: log bins) and receive latencies.
 */
import { InvalidArgumentError } from "../errors";

/** Bins of a histogram: bin `i` covers `[binStart[i], binEnd[i])`, the last bin includes its end. */
export interface Histogram {
  readonly length: number;
  readonly binStart: Float64Array;
  readonly binEnd: Float64Array;
  readonly count: Float64Array;
  /** Values counted (NaN, and values ≤ 0 on a log scale, are not). */
  readonly total: number;
  /** Values left out: NaN, ±Infinity, or ≤ 0 on a log scale. */
  readonly skippedCount: number;
  readonly scale: "linear" | "log";
}

/** Options of `computeHistogram`. */
export interface HistogramOptions {
  /** Number of bins; default √n clamped to 5..50. Ignored when `binWidth` is set. */
  binCount?: number;
  /** Bin width in the values' unit (linear scale only). */
  binWidth?: number;
  /** `"log"` makes bins equal-width in log10 (for sizes spanning decades). Default `"linear"`. */
  scale?: "linear" | "log";
}

/**
 * Counts values into equal-width bins.
 * @example computeHistogram(trades.quantity, { scale: "log", binCount: 20 })
 */
export function computeHistogram(values: ArrayLike<number>, options: HistogramOptions = {}): Histogram {
  const scale = options.scale ?? "linear";
  if (scale !== "linear" && scale !== "log") {
    throw new InvalidArgumentError("INVALID_SCALE", `Invalid histogram scale ${JSON.stringify(scale)}: expected "linear" or "log".`);
  }
  const isLog = scale === "log";
  const kept = new Float64Array(values.length);
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || (isLog && v <= 0)) continue;
    const x = isLog ? Math.log10(v) : v;
    kept[n++] = x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const skippedCount = values.length - n;
  if (n === 0) {
    return {
      length: 0,
      binStart: new Float64Array(0),
      binEnd: new Float64Array(0),
      count: new Float64Array(0),
      total: 0,
      skippedCount,
      scale,
    };
  }
  let binCount: number;
  let width: number;
  if (options.binWidth !== undefined) {
    if (isLog)
      throw new InvalidArgumentError("INVALID_BIN_WIDTH", 'Option binWidth works on a linear scale only: use binCount with scale "log".');
    if (!(options.binWidth > 0) || !Number.isFinite(options.binWidth)) {
      throw new InvalidArgumentError("INVALID_BIN_WIDTH", `Invalid binWidth ${options.binWidth}: expected a positive number.`);
    }
    width = options.binWidth;
    min = Math.floor(min / width) * width;
    binCount = Math.max(1, Math.floor((max - min) / width) + 1);
    if (binCount > 1_000_000)
      throw new InvalidArgumentError("TOO_MANY_BINS", `binWidth ${width} makes ${binCount} bins: expected at most 1,000,000.`);
  } else {
    binCount = options.binCount ?? Math.min(50, Math.max(5, Math.ceil(Math.sqrt(n))));
    if (!Number.isInteger(binCount) || binCount < 1 || binCount > 1_000_000) {
      throw new InvalidArgumentError("INVALID_BIN_COUNT", `Invalid binCount ${binCount}: expected an integer from 1 to 1,000,000.`);
    }
    if (max === min) binCount = 1;
    width = max === min ? 1 : (max - min) / binCount;
  }
  const count = new Float64Array(binCount);
  for (let i = 0; i < n; i++) {
    let bin = Math.floor((kept[i] - min) / width);
    if (bin >= binCount) bin = binCount - 1;
    if (bin < 0) bin = 0;
    count[bin]++;
  }
  const binStart = new Float64Array(binCount);
  const binEnd = new Float64Array(binCount);
  for (let b = 0; b < binCount; b++) {
    const start = min + b * width;
    const end = max === min && options.binWidth === undefined ? max : min + (b + 1) * width;
    binStart[b] = isLog ? 10 ** start : start;
    binEnd[b] = isLog ? 10 ** end : end;
  }
  return { length: binCount, binStart, binEnd, count, total: n, skippedCount, scale };
}
