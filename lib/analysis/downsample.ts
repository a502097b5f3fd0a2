/**
 * Downsampling for charts: keep a trace small (a few thousand points) without hiding spikes.
 */

/**
 * Indices of the points to keep: the first and last point, and per bucket of consecutive points
 * the one with the lowest and the one with the highest `y` (in their original order), so peaks
 * survive. Returns every index when there are at most `maxPoints`. NaN values never win a bucket.
 * @example const keep = pickDownsampleIndices(cvd, 5000); keep.length // ≤ 5000
 */
export function pickDownsampleIndices(y: ArrayLike<number>, maxPoints = 5000): Uint32Array {
  const n = y.length;
  if (n <= maxPoints || maxPoints < 4) {
    const all = new Uint32Array(n);
    for (let i = 0; i < all.length; i++) all[i] = i;
    return all;
  }
  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const out: number[] = [0];
  const inner = n - 2;
  for (let b = 0; b < bucketCount; b++) {
    const start = 1 + Math.floor((b * inner) / bucketCount);
    const end = 1 + Math.floor(((b + 1) * inner) / bucketCount);
    let minIndex = -1;
    let maxIndex = -1;
    for (let i = start; i < end; i++) {
      const v = y[i];
      if (Number.isNaN(v)) continue;
      if (minIndex < 0 || v < y[minIndex]) minIndex = i;
      if (maxIndex < 0 || v > y[maxIndex]) maxIndex = i;
    }
    if (minIndex < 0) {
      if (end > start) out.push(start);
      continue;
    }
    if (minIndex === maxIndex) out.push(minIndex);
    else if (minIndex < maxIndex) out.push(minIndex, maxIndex);
    else out.push(maxIndex, minIndex);
  }
  out.push(n - 1);
  return Uint32Array.from(out);
}

/**
 * Picks `indices` out of a numeric column into a plain array (what plotly's JSON wants).
 * @example takeValues(trades.price, keep)
 */
export function takeValues(values: ArrayLike<number>, indices: ArrayLike<number>): number[] {
  const out = new Array<number>(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}
