/**
 * `!assetIndex@arr` (an array, one event per asset) and `<assetSymbol>@assetIndex`, every 1 s:
 * the Multi-Assets mode exchange rate of an asset against USD, with its bid/ask buffers.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Multi-Assets-Mode-Asset-Index
 */
import { EVENT_HEADER } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `assetIndexUpdate`. */
export const ASSET_INDEX_SCHEMA = defineEvent({
  eventType: "assetIndexUpdate",
  kind: "assetIndex",
  fields: [
    ...EVENT_HEADER,
    {
      path: "i",
      name: "indexPrice",
      kind: "decimal",
      unit: "USD",
      meaning: "index price of the asset (the asset index symbol, e.g. ADAUSD)",
    },
    { path: "b", name: "bidBuffer", kind: "decimal", unit: "fraction", meaning: "bid buffer (valuation discount)" },
    { path: "a", name: "askBuffer", kind: "decimal", unit: "fraction", meaning: "ask buffer (valuation discount)" },
    { path: "B", name: "bidRate", kind: "decimal", unit: "USD", meaning: "bid rate" },
    { path: "A", name: "askRate", kind: "decimal", unit: "USD", meaning: "ask rate" },
    { path: "q", name: "autoExchangeBidBuffer", kind: "decimal", unit: "fraction", meaning: "auto-exchange bid buffer" },
    { path: "g", name: "autoExchangeAskBuffer", kind: "decimal", unit: "fraction", meaning: "auto-exchange ask buffer" },
    { path: "Q", name: "autoExchangeBidRate", kind: "decimal", unit: "USD", meaning: "auto-exchange bid rate" },
    { path: "G", name: "autoExchangeAskRate", kind: "decimal", unit: "USD", meaning: "auto-exchange ask rate" },
  ],
  frame: [
    "time",
    "eventTime",
    "symbol",
    "indexPrice",
    "bidRate",
    "askRate",
    "bidBuffer",
    "askBuffer",
    "autoExchangeBidRate",
    "autoExchangeAskRate",
    "autoExchangeBidBuffer",
    "autoExchangeAskBuffer",
    "localTimestamp",
  ],
});

/** `!assetIndex@arr` element / `<assetSymbol>@assetIndex` payload (`assetIndexUpdate`). */
export interface RawAssetIndex extends RawEventOf<typeof ASSET_INDEX_SCHEMA> {}

/** A decoded `assetIndexUpdate`. */
export interface AssetIndex extends RecordOf<typeof ASSET_INDEX_SCHEMA> {}
