/**
 * `<symbol>@depth[@100ms|@500ms|@0ms]`: order-book changes since the previous event.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Diff-Book-Depth-Streams
 */
import { EVENT_HEADER, TRANSACTION_TIME, depthUpdateFields } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `depthUpdate` (diff and partial depth). */
export const DEPTH_UPDATE_SCHEMA = defineEvent({
  eventType: "depthUpdate",
  kind: "depth",
  fields: [
    ...EVENT_HEADER,
    TRANSACTION_TIME,
    ...depthUpdateFields({
      U: "first update id in this event",
      u: "final update id in this event",
      pu: "previous event's u: the chain to check",
      b: "bid levels [price, new absolute quantity]; 0 removes",
      a: "ask levels [price, new absolute quantity]; 0 removes",
    }),
  ],
  frame: [
    "time",
    "eventTime",
    "transactionTime",
    "symbol",
    "stream",
    "firstUpdateId",
    "finalUpdateId",
    "previousFinalUpdateId",
    "bidLevelCount",
    "askLevelCount",
    "bidRemovalCount",
    "askRemovalCount",
    "localTimestamp",
  ],
});

/** `<symbol>@depth…` payload (`depthUpdate`). */
export interface RawDepthUpdate extends RawEventOf<typeof DEPTH_UPDATE_SCHEMA> {}

/** A decoded `depthUpdate`: `bids` and `asks` as numbers, quantity 0 removes the level. */
export interface DepthUpdate extends RecordOf<typeof DEPTH_UPDATE_SCHEMA> {}
