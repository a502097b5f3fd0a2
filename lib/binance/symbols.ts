/**
 * Binance USDⓈ-M symbol rules: what a symbol looks like (`BTCUSDT`, or a delivery contract
 * `BTCUSDT_240628`), its case (lower in stream names, upper in payloads and REST), and how it
 * splits into base and quote asset. See docs/binance.md, "Endpoints".
 */
import { InvalidArgumentError } from "../errors";

const SYMBOL_PATTERN = /^[A-Za-z0-9]{2,20}(_[0-9]{6})?$/;

/** The `_YYMMDD` ending of a delivery (quarterly) contract, e.g. `BTCUSDT_240628`. */
const DELIVERY_SUFFIX = /_\d{6}$/;

/** Quote assets of USDⓈ-M contracts; `USD` last, since `FDUSD`, `BUSD` and `TUSD` end with it. */
const QUOTE_ASSETS = ["USDT", "USDC", "FDUSD", "BUSD", "TUSD", "BTC", "ETH", "BNB", "USD"];

/**
 * Checks a trading symbol (`BTCUSDT`, `btcusdt`, or a delivery contract such as
 * `BTCUSDT_240628`) and returns it upper-cased; throws for anything else, including path tricks.
 */
export function normalizeSymbol(symbol: string): string {
  if (typeof symbol !== "string" || !SYMBOL_PATTERN.test(symbol)) {
    throw new InvalidArgumentError(
      "INVALID_SYMBOL",
      `Invalid symbol ${JSON.stringify(symbol)}: expected 2-20 letters or digits such as "BTCUSDT" ` +
        `(optionally "_YYMMDD" for a delivery contract).`,
    );
  }
  return symbol.toUpperCase();
}

/**
 * The base and quote asset of a symbol, for axis units; `"base asset"` / `"quote asset"` when
 * the quote is not one Binance lists.
 * @example splitSymbolAssets("BTCUSDT") // { base: "BTC", quote: "USDT" }
 */
export function splitSymbolAssets(symbol: string): { base: string; quote: string } {
  const plain = symbol.toUpperCase().replace(DELIVERY_SUFFIX, "");
  for (const quote of QUOTE_ASSETS) {
    if (plain.length > quote.length && plain.endsWith(quote)) return { base: plain.slice(0, -quote.length), quote };
  }
  return { base: "base asset", quote: "quote asset" };
}
