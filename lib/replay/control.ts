/**
 * Control messages on a replay connection, answered as Binance answers them: SUBSCRIBE,
 * UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY and GET_PROPERTY, with Binance's error codes and
 * messages (including serde's wording for bad JSON) in its servers' nested error shape.
 */
import {
  COMBINED_PROPERTY,
  CONTROL_ERROR_CODES,
  CONTROL_METHODS,
  formatControlErrorReply,
  formatControlReply,
  looksLikeStreamName,
  type ControlRequestId,
} from "../binance/control";
import { MAX_STREAMS_PER_CONNECTION } from "../binance/limits";

/** What control messages act on: one connection's subscriptions and its `combined` property. */
export interface ControlSession {
  /** Subscribed stream names, in subscription order. */
  readonly subscriptions: ReadonlyMap<string, unknown>;
  /** Whether frames go out as `{"stream","data"}`. */
  combined: boolean;
  subscribe(streams: readonly string[]): void;
  unsubscribe(streams: readonly string[]): void;
}

/** A control request that could not be served; becomes an error reply, never leaves this module. */
class ControlError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

const { UNKNOWN_PROPERTY, INVALID_VALUE_TYPE, INVALID_REQUEST, INVALID_JSON } = CONTROL_ERROR_CODES;

/**
 * Serves one incoming text message on `session` and returns the reply to send: `{"result","id"}`,
 * or `{"error":{"code","msg"},"id"}` for a request Binance would refuse (`id` null when unreadable).
 * Anything else thrown (a bug, a failing subscribe) propagates: the caller closes the connection.
 */
export function answerControlMessage(text: string, session: ControlSession): string {
  let id: ControlRequestId = null;
  try {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch (error) {
      throw new ControlError(INVALID_JSON, `Invalid JSON: ${describeJsonError(text, error)}`);
    }
    if (!isRecord(request))
      throw new ControlError(
        INVALID_REQUEST,
        `Invalid request: expected an object such as {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}`,
      );
    if (!isRequestId(request.id)) throw new ControlError(INVALID_REQUEST, "Invalid request: request ID must be an unsigned integer");
    id = request.id;
    return formatControlReply(handleRequest(request, session), id);
  } catch (error) {
    if (!(error instanceof ControlError)) throw error;
    return formatControlErrorReply(error.errorCode, error.message, id);
  }
}

/** Serves one control request; returns its `result` or throws a ControlError. */
function handleRequest(request: Record<string, unknown>, session: ControlSession): unknown {
  const method = request.method;
  if (method === undefined) throw new ControlError(INVALID_REQUEST, "Invalid request: missing field `method`");
  if (typeof method !== "string" || !(CONTROL_METHODS as readonly string[]).includes(method)) {
    const variant = typeof method === "string" ? method : JSON.stringify(method);
    throw new ControlError(
      INVALID_REQUEST,
      `Invalid request: unknown variant \`${variant}\`, expected one of ${CONTROL_METHODS.map((m) => `\`${m}\``).join(", ")}`,
    );
  }
  const params = request.params;
  switch (method) {
    case "SUBSCRIBE":
    case "UNSUBSCRIBE": {
      const streams = checkStreamParams(params);
      if (method === "SUBSCRIBE") {
        const fresh = streams.filter((stream) => !session.subscriptions.has(stream));
        if (session.subscriptions.size + new Set(fresh).size > MAX_STREAMS_PER_CONNECTION) {
          throw new ControlError(
            INVALID_REQUEST,
            `Invalid request: too many streams (at most ${MAX_STREAMS_PER_CONNECTION} per connection)`,
          );
        }
        session.subscribe(streams);
      } else {
        session.unsubscribe(streams);
      }
      return null;
    }
    case "LIST_SUBSCRIPTIONS":
      if (params !== undefined && !(Array.isArray(params) && params.length === 0))
        throw new ControlError(INVALID_REQUEST, "Invalid request: too many parameters");
      return [...session.subscriptions.keys()];
    case "SET_PROPERTY": {
      const value = checkPropertyParams(params, 2);
      if (typeof value !== "boolean") throw new ControlError(INVALID_VALUE_TYPE, "Invalid value type: expected Boolean");
      session.combined = value;
      return null;
    }
    default: // GET_PROPERTY
      checkPropertyParams(params, 1);
      return session.combined;
  }
}

function checkStreamParams(params: unknown): string[] {
  if (params === undefined) throw new ControlError(INVALID_REQUEST, "Invalid request: missing field `params`");
  if (!Array.isArray(params)) throw new ControlError(INVALID_REQUEST, "Invalid request: invalid type, expected a sequence of stream names");
  for (const stream of params) {
    if (typeof stream !== "string" || !looksLikeStreamName(stream))
      throw new ControlError(INVALID_REQUEST, "Invalid request: invalid stream");
  }
  return params as string[];
}

/** Checks `["combined"]` / `["combined", value]`; returns the value (undefined for GET). */
function checkPropertyParams(params: unknown, expectedLength: 1 | 2): unknown {
  if (!Array.isArray(params) || typeof params[0] !== "string")
    throw new ControlError(INVALID_REQUEST, "Invalid request: property name must be a string");
  if (params.length > expectedLength) throw new ControlError(INVALID_REQUEST, "Invalid request: too many parameters");
  if (params[0] !== COMBINED_PROPERTY) throw new ControlError(UNKNOWN_PROPERTY, "Unknown property");
  return params[1];
}

function isRequestId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Binance (serde) style position of a JSON syntax error: "at line L column C". */
function describeJsonError(text: string, error: unknown): string {
  if (text.trim() === "") return "EOF while parsing a value at line 1 column 0";
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : "");
  const position = match ? Number(match[1]) : text.length;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - (before.lastIndexOf("\n") + 1) + 1;
  return `expected value at line ${line} column ${column}`;
}
