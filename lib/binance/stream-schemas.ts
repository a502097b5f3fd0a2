/**
 * Which schema a message follows: its stream's family names it (`btcusdt@depth20` is partial
 * depth, `btcusdt@depth` diff depth, though both send `e: "depthUpdate"`); a message without a
 * known stream name is read by its `e`, with the first schema listed for that `e`.
 */
import { findEventSchema, findSchemaByKind, type EventSchema } from "./schema";
import { parseStreamName, type StreamName } from "./stream-names";

const parsedStreams = new Map<string, StreamName | null>();

/**
 * A stream name parsed once and remembered (`null` for a name no family has), for readers that
 * look at every message.
 */
export function parseStreamNameOnce(stream: string): StreamName | null {
  let parsed = parsedStreams.get(stream);
  if (parsed === undefined) {
    try {
      parsed = parseStreamName(stream);
    } catch {
      parsed = null;
    }
    if (parsedStreams.size > 10_000) parsedStreams.clear();
    parsedStreams.set(stream, parsed);
  }
  return parsed;
}

/**
 * The schema of a stream's events, or `undefined` for a name no family has.
 * @example schemaOfStream("btcusdt@depth5@100ms")?.kind // "partialDepth"
 */
export function schemaOfStream(stream: string): EventSchema | undefined {
  const parsed = parseStreamNameOnce(stream);
  return parsed === null ? undefined : findSchemaByKind(parsed.family.kind);
}

/**
 * The schema one event of a message follows: its stream's, else its `e`'s (`undefined` when
 * neither is known).
 * @example schemaOfEvent("btcusdt@depth20", data)?.kind // "partialDepth"
 */
export function schemaOfEvent(stream: string | undefined, event: unknown): EventSchema | undefined {
  const byStream = typeof stream === "string" ? schemaOfStream(stream) : undefined;
  if (byStream) return byStream;
  const eventType = typeof event === "object" && event !== null ? (event as { e?: unknown }).e : undefined;
  return typeof eventType === "string" ? findEventSchema(eventType) : undefined;
}

const symbolPaths = new Map<EventSchema, readonly string[]>();

/**
 * The symbol an event is about, read where its schema keeps it (`s`; `o.s` in a liquidation,
 * the pair `ps` in a continuous kline), or `null`.
 * @example symbolOfEvent("!forceOrder@arr", { e: "forceOrder", o: { s: "BTCUSDT" } }) // "BTCUSDT"
 */
export function symbolOfEvent(stream: string | undefined, event: unknown): string | null {
  if (typeof event !== "object" || event === null) return null;
  const s = (event as { s?: unknown }).s;
  if (typeof s === "string") return s;
  const schema = schemaOfEvent(stream, event);
  let keys = schema ? symbolPaths.get(schema) : ["s"];
  if (keys === undefined && schema) {
    keys = (schema.fields.find((field) => field.name === "symbol")?.path ?? "s").split(".");
    symbolPaths.set(schema, keys);
  }
  let value: unknown = event;
  for (const key of keys ?? ["s"])
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value : null;
}
