/**
 * Binance USDⓈ-M futures limits that a client (or a server imitating Binance) has to respect.
 * Websocket limits: https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 * Depth limits: https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Order-Book
 */

/** Incoming messages a websocket connection may send per second (pings and pongs included); beyond it, Binance disconnects. */
export const MAX_INCOMING_MESSAGES_PER_SECOND = 10;

/** Streams one websocket connection may listen to. */
export const MAX_STREAMS_PER_CONNECTION = 1024;

/** Valid `limit` values of `GET /fapi/v1/depth`. */
export const DEPTH_SNAPSHOT_LIMITS = [5, 10, 20, 50, 100, 500, 1000] as const;

/** The `limit` of `GET /fapi/v1/depth` when the request has none. */
export const DEFAULT_DEPTH_SNAPSHOT_LIMIT = 500;

/** The largest `limit` of `GET /fapi/v1/depth`; above it Binance answers -1130 instead of -4021. */
export const MAX_DEPTH_SNAPSHOT_LIMIT = 1000;
