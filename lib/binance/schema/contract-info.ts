/**
 * `!contractInfo`, real time, only when a contract changes (listing, settlement, status, brackets):
 * one contract's status and, when its brackets changed, its notional brackets (`bks`).
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Contract-Info-Stream
 */
import { CONTRACT_TYPE, EVENT_HEADER } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `contractInfo`. */
export const CONTRACT_INFO_SCHEMA = defineEvent({
  eventType: "contractInfo",
  kind: "contractInfo",
  fields: [
    ...EVENT_HEADER,
    { path: "ps", name: "pair", kind: "text", meaning: "pair" },
    CONTRACT_TYPE,
    { path: "dt", name: "deliveryTime", kind: "time", unit: "ms", meaning: "delivery date time (ms; far in the future for perpetuals)" },
    { path: "ot", name: "onboardTime", kind: "time", unit: "ms", meaning: "onboard (listing) date time (ms)" },
    {
      path: "cs",
      name: "contractStatus",
      kind: "enum",
      values: ["PENDING_TRADING", "TRADING", "PRE_DELIVERING", "DELIVERING", "DELIVERED", "PRE_SETTLE", "SETTLING", "CLOSE"],
      meaning: "contract status",
    },
    {
      path: "bks",
      name: "brackets",
      kind: "items",
      optional: true,
      columnar: false,
      meaning: "notional brackets, only when they changed",
      items: [
        { path: "bs", name: "bracket", kind: "integer", meaning: "notional bracket number" },
        { path: "bnf", name: "floorNotional", kind: "number", unit: "quote asset", meaning: "floor notional of this bracket" },
        { path: "bnc", name: "capNotional", kind: "number", unit: "quote asset", meaning: "cap notional of this bracket" },
        { path: "mmr", name: "maintenanceMarginRatio", kind: "number", unit: "fraction", meaning: "maintenance margin ratio" },
        { path: "cf", name: "auxiliaryNumber", kind: "number", unit: "quote asset", meaning: "auxiliary number for quick calculation" },
        { path: "mi", name: "minLeverage", kind: "number", meaning: "minimum leverage of this bracket" },
        { path: "ma", name: "maxLeverage", kind: "number", meaning: "maximum leverage of this bracket" },
      ],
    },
    {
      name: "bracketCount",
      kind: "integer",
      meaning: "how many brackets the message carries (0 when bks is absent)",
      derive: (record: Readonly<Record<string, unknown>>): number => (record.brackets as unknown[] | null)?.length ?? 0,
    },
  ],
  frame: [
    "time",
    "eventTime",
    "symbol",
    "pair",
    "contractType",
    "contractStatus",
    "onboardTime",
    "deliveryTime",
    "bracketCount",
    "localTimestamp",
  ],
});

/** `!contractInfo` payload. */
export interface RawContractInfo extends RawEventOf<typeof CONTRACT_INFO_SCHEMA> {}

/** A decoded `contractInfo`; `brackets` is `null` when the message carries none. */
export interface ContractInfo extends RecordOf<typeof CONTRACT_INFO_SCHEMA> {}
