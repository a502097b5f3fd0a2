/**
 * `<symbol>@forceOrder` and `!forceOrder@arr`, at most one per symbol per 1000 ms, nothing when
 * nothing is liquidated: the latest liquidation order, nested under `o`.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Liquidation-Order-Streams
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/All-Market-Liquidation-Order-Streams
 */
import { EVENT_TIME, EVENT_TYPE } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** The position a liquidation closed: a forced SELL closes a long, a forced BUY a short. */
export type LiquidatedPosition = "long" | "short";

/** Schema of `forceOrder`. */
export const FORCE_ORDER_SCHEMA = defineEvent({
  eventType: "forceOrder",
  kind: "forceOrder",
  fields: [
    EVENT_TYPE,
    EVENT_TIME,
    { path: "o.s", name: "symbol", kind: "text", meaning: "symbol" },
    { path: "o.S", name: "orderSide", kind: "enum", values: ["BUY", "SELL"], meaning: "side of the liquidation order: SELL closes a long" },
    { path: "o.o", name: "orderType", kind: "enum", values: ["LIMIT"], meaning: "order type" },
    { path: "o.f", name: "timeInForce", kind: "enum", values: ["IOC"], meaning: "time in force" },
    { path: "o.q", name: "quantity", kind: "decimal", unit: "base asset", meaning: "original quantity" },
    { path: "o.p", name: "price", kind: "decimal", unit: "quote asset", meaning: "order price" },
    { path: "o.ap", name: "averagePrice", kind: "decimal", unit: "quote asset", meaning: "average fill price" },
    { path: "o.X", name: "orderStatus", kind: "enum", values: ["FILLED", "PARTIALLY_FILLED", "EXPIRED"], meaning: "order status" },
    { path: "o.l", name: "lastFilledQuantity", kind: "decimal", unit: "base asset", meaning: "quantity filled by the last fill" },
    { path: "o.z", name: "filledQuantity", kind: "decimal", unit: "base asset", meaning: "quantity filled so far (accumulated)" },
    { path: "o.T", name: "tradeTime", kind: "time", unit: "ms", meaning: "order trade time (ms)" },
    {
      name: "filledNotional",
      kind: "decimal",
      unit: "quote asset",
      meaning: "average price × filled quantity: the size of the liquidation in quote asset",
      derive: (record: Readonly<Record<string, unknown>>): number => (record.averagePrice as number) * (record.filledQuantity as number),
    },
    {
      name: "liquidatedPosition",
      kind: "enum",
      values: ["long", "short"],
      meaning: "the position closed: long when the order sells, short when it buys",
      derive: (record: Readonly<Record<string, unknown>>): LiquidatedPosition => (record.orderSide === "SELL" ? "long" : "short"),
    },
  ],
  frame: [
    "time",
    "eventTime",
    "tradeTime",
    "symbol",
    "orderSide",
    "liquidatedPosition",
    "price",
    "averagePrice",
    "quantity",
    "filledQuantity",
    "lastFilledQuantity",
    "filledNotional",
    "orderStatus",
    "orderType",
    "timeInForce",
    "localTimestamp",
  ],
});

/** `<symbol>@forceOrder` / `!forceOrder@arr` payload; the order is nested under `o`. */
export interface RawForceOrder extends RawEventOf<typeof FORCE_ORDER_SCHEMA> {}

/** A decoded `forceOrder` (the fields of `o` flattened). */
export interface ForceOrder extends RecordOf<typeof FORCE_ORDER_SCHEMA> {}
