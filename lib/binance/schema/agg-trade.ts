/**
 * `<symbol>@aggTrade`, every 100 ms: trades at one price from one taker order, aggregated.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Aggregate-Trade-Streams
 */
import { EVENT_HEADER, TAKER_FIELDS, TRADE_PRICE, TRADE_TIME } from "./common";
import { defineEvent, type InvalidValue, type RawEventOf, type RecordOf } from "./kinds";

/** `l − f + 1`, refusing a last trade id below the first. */
function countAggregatedTrades(record: Readonly<Record<string, unknown>>, invalid: InvalidValue): number {
  const first = record.firstTradeId as number;
  const last = record.lastTradeId as number;
  if (last < first) invalid("INVALID_RANGE", "l", last, `a last trade id ≥ the first (${first})`);
  return last - first + 1;
}

/** Schema of `aggTrade`. */
export const AGG_TRADE_SCHEMA = defineEvent({
  eventType: "aggTrade",
  kind: "aggTrade",
  fields: [
    ...EVENT_HEADER,
    { path: "a", name: "aggTradeId", kind: "id", meaning: "aggregate trade id (consecutive per symbol)" },
    TRADE_PRICE,
    { path: "q", name: "quantity", kind: "decimal", unit: "base asset", meaning: "quantity, base asset (all trades in the aggregate)" },
    { path: "f", name: "firstTradeId", kind: "id", meaning: "first trade id in the aggregate" },
    { path: "l", name: "lastTradeId", kind: "id", meaning: "last trade id in the aggregate" },
    { name: "tradeCount", kind: "integer", meaning: "l − f + 1: how many trades were aggregated", derive: countAggregatedTrades },
    TRADE_TIME,
    ...TAKER_FIELDS,
  ],
  frame: [
    "time",
    "eventTime",
    "tradeTime",
    "symbol",
    "aggTradeId",
    "price",
    "quantity",
    "notional",
    "side",
    "isBuyerMaker",
    "firstTradeId",
    "lastTradeId",
    "tradeCount",
    "localTimestamp",
  ],
});

/** `<symbol>@aggTrade` payload. */
export interface RawAggTrade extends RawEventOf<typeof AGG_TRADE_SCHEMA> {}

/** A decoded `aggTrade`; `tradeCount` is `l − f + 1`. */
export interface AggTrade extends RecordOf<typeof AGG_TRADE_SCHEMA> {}
