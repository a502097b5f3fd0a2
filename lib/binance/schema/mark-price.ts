/**
 * `<symbol>@markPrice[@1s]`, every 3 s or 1 s: mark price and funding.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream
 */
import { EVENT_HEADER } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `markPriceUpdate`. */
export const MARK_PRICE_SCHEMA = defineEvent({
  eventType: "markPriceUpdate",
  kind: "markPrice",
  fields: [
    ...EVENT_HEADER,
    { path: "p", name: "markPrice", kind: "decimal", unit: "quote asset", meaning: "mark price" },
    { path: "i", name: "indexPrice", kind: "decimal", unit: "quote asset", meaning: "index price" },
    {
      path: "P",
      name: "estimatedSettlePrice",
      kind: "decimal",
      unit: "quote asset",
      meaning: "estimated settle price (useful in the last hour before settlement)",
    },
    { path: "r", name: "fundingRate", kind: "decimal", unit: "fraction per funding interval", meaning: "funding rate" },
    { path: "T", name: "nextFundingTime", kind: "time", unit: "ms", meaning: "next funding time (ms)" },
  ],
  frame: [
    "time",
    "eventTime",
    "symbol",
    "markPrice",
    "indexPrice",
    "estimatedSettlePrice",
    "fundingRate",
    "nextFundingTime",
    "localTimestamp",
  ],
});

/** `<symbol>@markPrice…` payload (`markPriceUpdate`). */
export interface RawMarkPrice extends RawEventOf<typeof MARK_PRICE_SCHEMA> {}

/** A decoded `markPriceUpdate`. */
export interface MarkPrice extends RecordOf<typeof MARK_PRICE_SCHEMA> {}
