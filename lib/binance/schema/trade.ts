/** `<symbol>@trade`: every trade. https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Trade-Streams */
import { EVENT_HEADER, TAKER_FIELDS, TRADE_PRICE, TRADE_TIME } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `trade`. */
export const TRADE_SCHEMA = defineEvent({
  eventType: "trade",
  kind: "trade",
  fields: [
    ...EVENT_HEADER,
    { path: "t", name: "tradeId", kind: "id", meaning: "trade id (consecutive per symbol)" },
    TRADE_TIME,
    TRADE_PRICE,
    { path: "q", name: "quantity", kind: "decimal", unit: "base asset", meaning: "quantity, base asset" },
    {
      path: "X",
      name: "executionType",
      kind: "enum",
      values: ["MARKET", "INSURANCE_FUND", "ADL", "NA"],
      meaning: "MARKET, or INSURANCE_FUND / ADL / NA",
    },
    ...TAKER_FIELDS,
  ],
  frame: [
    "time",
    "eventTime",
    "tradeTime",
    "symbol",
    "tradeId",
    "price",
    "quantity",
    "notional",
    "side",
    "isBuyerMaker",
    "executionType",
    "localTimestamp",
  ],
});

/** `<symbol>@trade` payload. */
export interface RawTrade extends RawEventOf<typeof TRADE_SCHEMA> {}

/** A decoded `trade`; `side` is the taker's: `"sell"` when `isBuyerMaker`, else `"buy"`. */
export interface Trade extends RecordOf<typeof TRADE_SCHEMA> {}
