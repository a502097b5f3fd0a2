/**
 * `GET /fapi/v1/depth`: the REST order-book snapshot (a body without `e`).
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Order-Book
 */
import { definePayload, type RawPayloadOf } from "./kinds";

/** Schema of the REST depth snapshot body. */
export const DEPTH_SNAPSHOT_SCHEMA = definePayload({
  fields: [
    { path: "lastUpdateId", name: "lastUpdateId", kind: "id", meaning: "update id of the book at the snapshot" },
    { path: "E", name: "eventTime", kind: "time", unit: "ms", meaning: "message output time (ms)" },
    { path: "T", name: "transactionTime", kind: "time", unit: "ms", meaning: "matching-engine time (ms)" },
    { path: "bids", name: "bids", kind: "levels", side: "bid", meaning: "bid levels [price, quantity], best first" },
    { path: "asks", name: "asks", kind: "levels", side: "ask", meaning: "ask levels [price, quantity], best first" },
  ],
});

/** `GET /fapi/v1/depth` response body. */
export interface RawDepthSnapshot extends RawPayloadOf<typeof DEPTH_SNAPSHOT_SCHEMA> {}
