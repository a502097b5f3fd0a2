/**
 * `<symbol>@compositeIndex`, every 1000 ms: a composite index symbol's price and its
 * composition (`c`, one entry per base asset).
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Composite-Index-Symbol-Information-Streams
 */
import { EVENT_HEADER } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `compositeIndex`. */
export const COMPOSITE_INDEX_SCHEMA = defineEvent({
  eventType: "compositeIndex",
  kind: "compositeIndex",
  fields: [
    ...EVENT_HEADER,
    { path: "p", name: "price", kind: "decimal", unit: "quote asset", meaning: "index price" },
    { path: "C", name: "component", kind: "text", meaning: "what the components are, e.g. baseAsset" },
    {
      path: "c",
      name: "components",
      kind: "items",
      columnar: false,
      meaning: "composition: one entry per component",
      items: [
        { path: "b", name: "baseAsset", kind: "text", meaning: "base asset" },
        { path: "q", name: "quoteAsset", kind: "text", meaning: "quote asset" },
        { path: "w", name: "weightInQuantity", kind: "decimal", unit: "base asset", meaning: "weight in quantity" },
        { path: "W", name: "weightInPercentage", kind: "decimal", unit: "fraction", meaning: "weight in percentage (as a fraction)" },
        { path: "i", name: "indexPrice", kind: "decimal", unit: "quote asset", meaning: "index price of the component" },
      ],
    },
    {
      name: "componentCount",
      kind: "integer",
      meaning: "how many components the index has",
      derive: (record: Readonly<Record<string, unknown>>): number => (record.components as unknown[]).length,
    },
  ],
  frame: ["time", "eventTime", "symbol", "price", "component", "componentCount", "localTimestamp"],
});

/** `<symbol>@compositeIndex` payload. */
export interface RawCompositeIndex extends RawEventOf<typeof COMPOSITE_INDEX_SCHEMA> {}

/** A decoded `compositeIndex`. */
export interface CompositeIndex extends RecordOf<typeof COMPOSITE_INDEX_SCHEMA> {}
