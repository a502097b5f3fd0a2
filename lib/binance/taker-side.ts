/**
 * The taker's side of a trade, from Binance's `m` field ("is the buyer the market maker?"):
 * `m: true` means the buyer was the maker, so the taker SOLD (a sell market order); `m: false`
 * means the taker bought. The one place this rule is written (docs/binance.md, "Payloads").
 */

/** Which side the taker (the aggressor) was on. */
export type TakerSide = "buy" | "sell";

/**
 * The taker's side for a trade's `m` (as a boolean, or as the 0/1 flag of trade columns).
 * @example takerSideOf(true) // "sell"
 */
export function takerSideOf(isBuyerMaker: boolean | number): TakerSide {
  return isBuyerMaker ? "sell" : "buy";
}

/** True when the taker sold (`m: true`). */
export function isTakerSell(isBuyerMaker: boolean | number): boolean {
  return Boolean(isBuyerMaker);
}
