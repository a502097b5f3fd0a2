/**
 * Prices and quantities as Binance writes them. Binance's payloads give every price of a symbol
 * with the same number of decimals (its tick size) and every quantity likewise (its step size),
 * e.g. `["28145.10", "3.818"]`, so a book that keeps numbers can print its levels exactly as the
 * payloads did once it has seen how many decimals each has.
 */
import type { RawLevel } from "../../binance/raw";
import type { PriceLevel } from "./book-side";

/** Decimals after the point in a decimal string: `"28145.10"` → 2, `"45277"` → 0. */
export function decimalsOf(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * The number of decimals of a symbol's prices and quantities, learned from the strings seen.
 * @example const text = new LevelText(); text.observe([["28145.10", "3.818"]]); text.formatLevel({ price: 28145.1, quantity: 3.818 }) // ["28145.10", "3.818"]
 */
export class LevelText {
  /** Decimals of prices seen so far (the most of any). */
  priceDecimals = 0;
  /** Decimals of quantities seen so far (the most of any). */
  quantityDecimals = 0;
  /** Whether any level has been seen. */
  seen = false;

  /** Learns the decimals of raw `[price, quantity]` levels. */
  observe(levels: readonly RawLevel[] | unknown): void {
    if (!Array.isArray(levels)) return;
    for (const level of levels) {
      if (!Array.isArray(level) || typeof level[0] !== "string" || typeof level[1] !== "string") continue;
      const p = decimalsOf(level[0]);
      const q = decimalsOf(level[1]);
      if (p > this.priceDecimals) this.priceDecimals = p;
      if (q > this.quantityDecimals) this.quantityDecimals = q;
      this.seen = true;
    }
  }

  /** A price as Binance writes it. */
  formatPrice(price: number): string {
    return price.toFixed(this.priceDecimals);
  }

  /** A quantity as Binance writes it. */
  formatQuantity(quantity: number): string {
    return quantity.toFixed(this.quantityDecimals);
  }

  /** A level as Binance writes it: `[price, quantity]` strings. */
  formatLevel(level: PriceLevel): [price: string, quantity: string] {
    return [this.formatPrice(level.price), this.formatQuantity(level.quantity)];
  }
}
