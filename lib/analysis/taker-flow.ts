/**
 * Taker flow: how much the aggressors bought versus sold. `m: true` means the buyer was the maker,
 * so the taker SOLD; `m: false` means the taker bought (docs/binance.md). The seed notebook's number is
 * `buySellRatioPercent`: buy notional / sell notional × 100 (`14.42 %` for its 20 trades).
 */
import type { AggTrade, Trade } from "../binance/decode";
import { isTakerSell } from "../binance/taker-side";
import { aggTradeColumns, tradeColumns, type AggTradeColumns, type MessageLike, type TradeColumns } from "./columns";

/** Buy versus sell taker activity. Notional is price × quantity, in the quote asset. */
export interface TakerFlow {
  /** Trades (or aggregates) where the taker bought. */
  readonly buyCount: number;
  /** Trades (or aggregates) where the taker sold. */
  readonly sellCount: number;
  readonly buyQuantity: number;
  readonly sellQuantity: number;
  readonly buyNotional: number;
  readonly sellNotional: number;
  /** buyNotional / sellNotional × 100: the seed notebook's ratio (`Infinity` with no sells, `NaN` with neither). */
  readonly buySellRatioPercent: number;
  /** buyNotional / (buyNotional + sellNotional), 0..1 (`NaN` with no trades). */
  readonly takerBuyShare: number;
}

/** What `takerFlow` accepts: stored messages, decoded records, or trade / aggTrade columns. */
export type TakerFlowInput = readonly MessageLike[] | readonly Trade[] | readonly AggTrade[] | TradeColumns | AggTradeColumns;

function isColumns(input: TakerFlowInput): input is TradeColumns | AggTradeColumns {
  return !Array.isArray(input) && (input as TradeColumns).price instanceof Float64Array;
}

function toColumns(input: TakerFlowInput): { price: Float64Array; quantity: Float64Array; isBuyerMaker: Uint8Array } {
  if (isColumns(input)) return input;
  const list = input as readonly unknown[];
  if (list.length === 0) return { price: new Float64Array(0), quantity: new Float64Array(0), isBuyerMaker: new Uint8Array(0) };
  // Trades when there are any, else aggregate trades (never both: they count the same flow twice).
  const eventTypeOf = (item: unknown): unknown => {
    const record = item as { kind?: unknown; data?: { e?: unknown } } | null;
    if (record === null || typeof record !== "object") return undefined;
    return record.kind === "trade" || record.kind === "aggTrade" ? record.kind : record.data?.e;
  };
  const hasTrades = list.some((item) => eventTypeOf(item) === "trade");
  const hasAggTrades = !hasTrades && list.some((item) => eventTypeOf(item) === "aggTrade");
  return hasAggTrades ? aggTradeColumns(list as readonly MessageLike[]) : tradeColumns(list as readonly MessageLike[]);
}

/**
 * Counts and sums taker buys and sells. Given a mixed sample it uses the `trade` messages (or
 * the `aggTrade` ones when there are no trades).
 * @example takerFlow(loadSample("data/bundled/btcusdt-trade.json").messages) // { buyCount: 6, sellCount: 14, ... }
 */
export function takerFlow(trades: TakerFlowInput): TakerFlow {
  const { price, quantity, isBuyerMaker } = toColumns(trades);
  let buyCount = 0;
  let sellCount = 0;
  let buyQuantity = 0;
  let sellQuantity = 0;
  let buyNotional = 0;
  let sellNotional = 0;
  for (let i = 0; i < price.length; i++) {
    const q = quantity[i];
    const notional = price[i] * q;
    if (isTakerSell(isBuyerMaker[i])) {
      sellCount++;
      sellQuantity += q;
      sellNotional += notional;
    } else {
      buyCount++;
      buyQuantity += q;
      buyNotional += notional;
    }
  }
  const total = buyNotional + sellNotional;
  return {
    buyCount,
    sellCount,
    buyQuantity,
    sellQuantity,
    buyNotional,
    sellNotional,
    buySellRatioPercent: sellNotional === 0 ? (buyNotional === 0 ? NaN : Infinity) : (buyNotional / sellNotional) * 100,
    takerBuyShare: total === 0 ? NaN : buyNotional / total,
  };
}

/**
 * Formats a percentage number the way the seed notebook printed it.
 * @example formatPercent(14.4158) // "14.42 %"
 */
export function formatPercent(value: number, digits = 2): string {
  if (Number.isNaN(value)) return "n/a";
  if (value === Infinity) return "∞ %";
  if (value === -Infinity) return "-∞ %";
  return `${value.toFixed(digits)} %`;
}
