/**
 * `<symbol>@depth<levels>[@500ms|@100ms]` (levels 5, 10 or 20), every 250, 500 or 100 ms: the
 * top levels of the book, a whole picture each time (not a diff), with the diff stream's ids.
 * Same `e` as diff depth (`depthUpdate`): the stream name tells them apart.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Partial-Book-Depth-Streams
 */
import { BEST_LEVELS, EVENT_HEADER, TRANSACTION_TIME, depthUpdateFields } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of partial depth (`depthUpdate` on a `@depth<levels>` stream). */
export const PARTIAL_DEPTH_SCHEMA = defineEvent({
  eventType: "depthUpdate",
  kind: "partialDepth",
  fields: [
    ...EVENT_HEADER,
    TRANSACTION_TIME,
    ...depthUpdateFields({
      U: "first update id since the previous picture",
      u: "update id of the book in this picture",
      pu: "previous picture's u",
      b: "the top bid levels [price, quantity]",
      a: "the top ask levels [price, quantity]",
    }),
    ...BEST_LEVELS,
  ],
  frame: [
    "time",
    "eventTime",
    "transactionTime",
    "symbol",
    "stream",
    "finalUpdateId",
    "bidPrice",
    "bidQuantity",
    "askPrice",
    "askQuantity",
    "spread",
    "bidLevelCount",
    "askLevelCount",
    "localTimestamp",
  ],
});

/** `<symbol>@depth<levels>…` payload (`depthUpdate`, a whole top-N picture). */
export interface RawPartialDepth extends RawEventOf<typeof PARTIAL_DEPTH_SCHEMA> {}

/** A decoded partial-depth picture: its levels as numbers, and the best bid and ask. */
export interface PartialDepth extends RecordOf<typeof PARTIAL_DEPTH_SCHEMA> {}
