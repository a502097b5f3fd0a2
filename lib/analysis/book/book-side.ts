/**
 * One side of an order book in two sorted typed arrays (prices as sort keys, quantities), best
 * level last so the frequent edits near the top move few elements. A side also knows how far it
 * is known: after a snapshot cut at its limit, prices beyond its worst level are unknown (there
 * may be levels there) rather than empty.
 */
import type { Level } from "../../binance/decode";
import { removesLevel } from "../../binance/book-sync";

/** A price level with its quantity. */
export interface PriceLevel {
  readonly price: number;
  readonly quantity: number;
}

/**
 * One side of an order book: price → absolute quantity, sorted. A quantity that removes the level
 * (0, see `removesLevel`) deletes it; removing an absent level is normal and does nothing.
 * @example const bids = new BookSide(false); bids.setLevel(100.5, 2); bids.best() // { price: 100.5, quantity: 2 }
 */
export class BookSide {
  /** True for asks (best = lowest price), false for bids (best = highest price). */
  readonly isAsk: boolean;
  /** Sort keys ascending: price for bids, −price for asks, so the best level is last. */
  private keys: Float64Array;
  private quantities: Float64Array;
  private count = 0;
  /** Keys below this are beyond the known depth: −∞ when the whole side is known, +∞ when nothing is. */
  private knownFromKey = -Infinity;

  /** An empty side; `isAsk` picks the ordering. */
  constructor(isAsk: boolean, initialCapacity = 1024) {
    this.isAsk = isAsk;
    this.keys = new Float64Array(Math.max(1, initialCapacity));
    this.quantities = new Float64Array(Math.max(1, initialCapacity));
  }

  /** Number of levels held (known or beyond the known depth). */
  get size(): number {
    return this.count;
  }

  /** Removes every level; the whole (empty) side is then known. */
  clear(): void {
    this.count = 0;
    this.knownFromKey = -Infinity;
  }

  private keyOf(price: number): number {
    return this.isAsk ? -price : price;
  }

  private priceOfKey(key: number): number {
    return this.isAsk ? -key : key;
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
    const key = this.keyOf(price);
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

  /**
   * Replaces the side with `levels` (a snapshot or a partial-depth picture). With `truncated`,
   * the levels were cut at a limit: prices beyond the worst of them are unknown from now on.
   */
  replaceLevels(levels: readonly Level[], truncated: boolean): void {
    this.count = 0;
    this.knownFromKey = -Infinity;
    this.applyLevels(levels);
    if (truncated) this.knownFromKey = this.count > 0 ? this.keys[0] : Infinity;
  }

  /** Marks every price unknown (a book built from updates only, without a snapshot). */
  markAllUnknown(): void {
    this.knownFromKey = Infinity;
  }

  /** Whether the side's state at `price` is known (within the snapshot's depth, or the side is whole). */
  isKnownAt(price: number): boolean {
    return this.keyOf(price) >= this.knownFromKey;
  }

  /** Whether the side goes on, unknown, beyond its worst known price (the snapshot was cut at its limit). */
  get isTruncated(): boolean {
    return this.knownFromKey !== -Infinity;
  }

  /** The worst price still known (the snapshot's last level), or `null` when the whole side is known. */
  get knownUntilPrice(): number | null {
    if (this.knownFromKey === -Infinity) return null;
    return Number.isFinite(this.knownFromKey) ? this.priceOfKey(this.knownFromKey) : NaN;
  }

  /** Number of levels from the best down to the known depth. */
  get knownLevelCount(): number {
    if (this.knownFromKey === -Infinity) return this.count;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < this.knownFromKey) lo = mid + 1;
      else hi = mid;
    }
    return this.count - lo;
  }

  /** The best level (highest bid / lowest ask), or `null` when the side is empty. */
  best(): PriceLevel | null {
    if (this.count === 0) return null;
    return { price: this.priceOfKey(this.keys[this.count - 1]), quantity: this.quantities[this.count - 1] };
  }

  /** Best price, or NaN when empty. */
  bestPrice(): number {
    return this.count === 0 ? NaN : this.priceOfKey(this.keys[this.count - 1]);
  }

  /** Quantity at the best price, or NaN when empty. */
  bestQuantity(): number {
    return this.count === 0 ? NaN : this.quantities[this.count - 1];
  }

  /** Price of the level `rank` places from the best (0 = best), or NaN when there is none. */
  priceAtRank(rank: number): number {
    const i = this.count - 1 - rank;
    return i >= 0 && rank >= 0 ? this.priceOfKey(this.keys[i]) : NaN;
  }

  /** Quantity of the level `rank` places from the best (0 = best), or NaN when there is none. */
  quantityAtRank(rank: number): number {
    const i = this.count - 1 - rank;
    return i >= 0 && rank >= 0 ? this.quantities[i] : NaN;
  }

  /** Quantity at `price`: 0 when there is no level there, NaN when the price is beyond the known depth. */
  quantityAt(price: number): number {
    const index = this.search(this.keyOf(price));
    if (index >= 0) return this.quantities[index];
    return this.isKnownAt(price) ? 0 : NaN;
  }

  /** The best `limit` levels, best first. */
  topLevels(limit = 20): PriceLevel[] {
    const out: PriceLevel[] = [];
    for (let i = this.count - 1; i >= 0 && out.length < limit; i--) {
      out.push({ price: this.priceOfKey(this.keys[i]), quantity: this.quantities[i] });
    }
    return out;
  }

  /**
   * Total quantity of the best `levels` levels; NaN when fewer than that many are known and the
   * side goes on beyond them.
   */
  quantityOfTop(levels: number): number {
    const known = this.knownLevelCount;
    if (levels > known && this.isTruncated) return NaN;
    let sum = 0;
    const stop = Math.max(0, this.count - Math.min(levels, this.count));
    for (let i = this.count - 1; i >= stop; i--) sum += this.quantities[i];
    return sum;
  }

  /**
   * Total quantity at prices at least as good as `limitPrice` (bids ≥ it, asks ≤ it); NaN when
   * `limitPrice` lies beyond the known depth.
   */
  quantityWithin(limitPrice: number): number {
    const limitKey = this.keyOf(limitPrice);
    if (limitKey < this.knownFromKey) return NaN;
    let sum = 0;
    for (let i = this.count - 1; i >= 0 && this.keys[i] >= limitKey; i--) sum += this.quantities[i];
    return sum;
  }

  /**
   * Writes the best `levels` prices and quantities into column arrays at `row` (NaN past the
   * last level, and past the known depth): `prices[k][row]` is the level k places from the best.
   */
  copyTop(levels: number, prices: readonly Float64Array[], quantities: readonly Float64Array[], row: number): void {
    for (let k = 0; k < levels; k++) {
      const i = this.count - 1 - k;
      if (i >= 0 && this.keys[i] >= this.knownFromKey) {
        prices[k][row] = this.priceOfKey(this.keys[i]);
        quantities[k][row] = this.quantities[i];
      } else {
        prices[k][row] = NaN;
        quantities[k][row] = NaN;
      }
    }
  }
}
