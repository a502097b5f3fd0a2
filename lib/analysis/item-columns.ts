/**
 * The entries of an `items` field as columns, one row per entry: `!contractInfo`'s notional
 * brackets (`bks`) and a composite index's components (`c`), each row with its message's event
 * time and symbol. The typed columns of the message itself count the entries (`bracketCount`,
 * `componentCount`); these are the entries.
 */
import { InvalidArgumentError } from "../errors";
import { decodeRecords } from "../binance/decode";
import { CONTRACT_INFO_SCHEMA, COMPOSITE_INDEX_SCHEMA, type EventSchema, type FieldSchema } from "../binance/schema";
import { schemaOfEvent } from "../binance/stream-schemas";
import type { MessageLike } from "./columns";

/** One row per entry: the message's time and symbol, the entry's position, then the entry's fields by name. */
export interface ItemColumns {
  readonly length: number;
  /** Row of the message among the messages of the schema's type. */
  readonly messageIndex: Uint32Array;
  readonly eventTime: Float64Array;
  readonly symbol: readonly string[];
  /** Position of the entry in its message. */
  readonly itemIndex: Uint32Array;
  /** The entry's fields: numbers in `Float64Array`s, text in string arrays. */
  readonly fields: Readonly<Record<string, Float64Array | readonly string[]>>;
}

function itemsField(schema: EventSchema, name: string): FieldSchema {
  const field = schema.fields.find((candidate) => candidate.name === name && candidate.kind === "items");
  if (!field) {
    const names = schema.fields.filter((candidate) => candidate.kind === "items").map((candidate) => candidate.name);
    throw new InvalidArgumentError(
      "UNKNOWN_COLUMN",
      `Unknown entries ${JSON.stringify(name)} of ${schema.eventType}: expected one of ${names.join(", ") || "(none)"}.`,
    );
  }
  return field;
}

/**
 * The entries of `field` (an `items` field of `schema`) in every message of that schema, one row each.
 * @example itemColumns(CONTRACT_INFO_SCHEMA, "brackets", sample.messages).fields.maintenanceMarginRatio
 */
export function itemColumns(schema: EventSchema, field: string, messages: readonly MessageLike[]): ItemColumns {
  const items = itemsField(schema, field).items ?? [];
  const rows: Array<{ message: number; eventTime: number; symbol: string; index: number; entry: Readonly<Record<string, unknown>> }> = [];
  let messageIndex = 0;
  for (const message of messages) {
    const stream = typeof message.stream === "string" ? message.stream : undefined;
    const first = Array.isArray(message.data) ? message.data[0] : message.data;
    if (schemaOfEvent(stream, first)?.kind !== schema.kind) continue;
    for (const record of decodeRecords(message) as unknown as Readonly<Record<string, unknown>>[]) {
      const entries = (record[field] as readonly Readonly<Record<string, unknown>>[] | null) ?? [];
      entries.forEach((entry, index) =>
        rows.push({ message: messageIndex, eventTime: record.eventTime as number, symbol: record.symbol as string, index, entry }),
      );
      messageIndex++;
    }
  }
  const fields: Record<string, Float64Array | string[]> = {};
  for (const item of items) {
    fields[item.name] =
      item.kind === "text" || item.kind === "enum"
        ? rows.map((row) => row.entry[item.name] as string)
        : Float64Array.from(rows, (row) => row.entry[item.name] as number);
  }
  return {
    length: rows.length,
    messageIndex: Uint32Array.from(rows, (row) => row.message),
    eventTime: Float64Array.from(rows, (row) => row.eventTime),
    symbol: rows.map((row) => row.symbol),
    itemIndex: Uint32Array.from(rows, (row) => row.index),
    fields,
  };
}

/** `!contractInfo`'s notional brackets, one row per bracket (messages without `bks` give none). */
export function contractBracketColumns(messages: readonly MessageLike[]): ItemColumns {
  return itemColumns(CONTRACT_INFO_SCHEMA, "brackets", messages);
}

/** A composite index's components, one row per component per message. */
export function compositeComponentColumns(messages: readonly MessageLike[]): ItemColumns {
  return itemColumns(COMPOSITE_INDEX_SCHEMA, "components", messages);
}
