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

/** How long Binance keeps a websocket connection: it disconnects at the 24-hour mark. */
export const MAX_CONNECTION_AGE_MS = 24 * 60 * 60 * 1000;

/** Binance's server pings every 3 minutes... */
export const SERVER_PING_INTERVAL_MS = 3 * 60 * 1000;

/** ...and disconnects a connection that sends no pong within 10 minutes (unsolicited pongs are allowed). */
export const PONG_DEADLINE_MS = 10 * 60 * 1000;

/**
 * The longest combined-stream URL streamlab opens. Binance documents no limit; proxies and
 * servers commonly refuse request lines over 4-8 KB, so longer stream lists go by SUBSCRIBE.
 */
export const MAX_COMBINED_URL_LENGTH = 4000;

/** Streams per SUBSCRIBE request streamlab sends (Binance documents no limit; this keeps each request small). */
export const MAX_STREAMS_PER_SUBSCRIBE = 100;
