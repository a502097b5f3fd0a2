/**
 * Binance's websocket control protocol: the requests a client sends on a market-stream
 * connection (SUBSCRIBE and friends), the replies it gets, and the shape of an error reply.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Live-Subscribing-Unsubscribing-to-streams
 *
 * Binance's docs show an error as `{"code": 2, "msg": "…"}`; its servers send it nested,
 * `{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":1}`, with `id` null when the
 * request's id could not be read.
 */

/** The control methods, in the order Binance lists them in its "unknown variant" error. */
export const CONTROL_METHODS = ["SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY"] as const;

/** One of `CONTROL_METHODS`. */
export type ControlMethod = (typeof CONTROL_METHODS)[number];

/** A control request: `{"method": "SUBSCRIBE", "params": [...], "id": 1}` (the sender adds the `id`). */
export interface ControlRequest {
  method: ControlMethod;
  params?: unknown[];
}

/** A request's id as a reply echoes it: an unsigned integer, or `null` when the request had none readable. */
export type ControlRequestId = number | null;

/** A successful reply: `{"result": null, "id": 1}` (`result` is the list for LIST_SUBSCRIPTIONS, the value for GET_PROPERTY). */
export interface ControlReply {
  readonly result: unknown;
  readonly id: ControlRequestId;
}

/** An error reply as Binance's servers send it: `{"error": {"code", "msg"}, "id"}`. */
export interface ControlErrorReply {
  readonly error: { readonly code: number; readonly msg: string };
  readonly id: ControlRequestId;
}

/** An error reply as Binance's docs show it: `{"code", "msg", "id"}`. */
export interface FlatControlErrorReply {
  readonly code: number;
  readonly msg: string;
  readonly id?: ControlRequestId;
}

/** The `code` of an error reply, from Binance's table of control errors. */
export const CONTROL_ERROR_CODES = {
  /** `"Unknown property"`: SET_PROPERTY / GET_PROPERTY of anything but `combined`. */
  UNKNOWN_PROPERTY: 0,
  /** `"Invalid value type: expected Boolean"`. */
  INVALID_VALUE_TYPE: 1,
  /** `"Invalid request: …"`: bad method, id, params or stream name. */
  INVALID_REQUEST: 2,
  /** `"Invalid JSON: …"`. */
  INVALID_JSON: 3,
} as const;

/** The only property SET_PROPERTY / GET_PROPERTY know: whether frames are combined (`{"stream","data"}`). */
export const COMBINED_PROPERTY = "combined";

/** The text of a successful reply, e.g. `{"result":null,"id":1}`. */
export function formatControlReply(result: unknown, id: ControlRequestId): string {
  const reply: ControlReply = { result, id };
  return JSON.stringify(reply);
}

/** The text of an error reply in the servers' nested shape, e.g. `{"error":{"code":2,"msg":"…"},"id":1}`. */
export function formatControlErrorReply(code: number, msg: string, id: ControlRequestId): string {
  const reply: ControlErrorReply = { error: { code, msg }, id };
  return JSON.stringify(reply);
}

/**
 * The error in a control reply, in either shape Binance uses: flat `{"code", "msg", "id"}` as its
 * docs show, or nested `{"error": {"code", "msg"}, "id"}` as its servers send. `null` otherwise.
 */
export function controlErrorOf(value: unknown): { code: unknown; msg: unknown } | null {
  if (typeof value !== "object" || value === null) return null;
  const reply = value as { code?: unknown; msg?: unknown; error?: { code?: unknown; msg?: unknown } };
  if (reply.code !== undefined && reply.msg !== undefined) return { code: reply.code, msg: reply.msg };
  if (typeof reply.error === "object" && reply.error !== null) return { code: reply.error.code, msg: reply.error.msg };
  return null;
}

/** The shape of a stream name in a path or SUBSCRIBE: `btcusdt@depth@100ms`, `!bookTicker`, `btcusdt@kline_1m`. */
export const STREAM_NAME_PATTERN = /^(?:[A-Za-z0-9_]+@[A-Za-z0-9_]+|![A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)*$/;

/**
 * Whether a text has the shape of a stream name; the stream need not exist. SUBSCRIBE params of
 * any other shape get `"Invalid request: invalid stream"`.
 */
export function looksLikeStreamName(text: string): boolean {
  return STREAM_NAME_PATTERN.test(text);
}
