/**
 * The schemas in lib/binance/schema are the one place where Binance's letters get their names:
 * these tests fail when a schema and its decoder, its field descriptions, its typed columns or
 * its DataFrame disagree, checked over every real message the project ships, and, for the event
 * types without a real recording here, over Binance's documented examples (data/examples/).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { STREAM_FAMILIES } from "../lib/binance/endpoints";
import { schemaOfEvent } from "../lib/binance/stream-schemas";
import { DECODERS, decodeMessage, decoderFor } from "../lib/binance/decode";
import { FIELD_DESCRIPTIONS, describeFields, describeSchema } from "../lib/binance/fields";
import {
  DEPTH_SNAPSHOT_SCHEMA,
  EVENT_SCHEMAS,
  TRADE_SCHEMA,
  columnarFields,
  decodedFields,
  defineEvent,
  eventsOf,
  findEventSchema,
  findSchemaByKind,
  toSnakeCase,
  wireFields,
  type EventSchema,
  type FieldSchema,
  type Kline,
  type PayloadSchema,
  type RawDepthSnapshot,
  type RawKline,
  type Trade,
} from "../lib/binance/schema";
import * as columns from "../lib/analysis/columns";
import { COMPUTED_FRAME_COLUMNS, eventFrame } from "../lib/notebook/frames";
import * as frames from "../lib/notebook/frames";
import * as decode from "../lib/binance/decode";
import { DecodeError } from "../lib/errors";
import { loadSample } from "../lib/store/read";
import { BUNDLED, DOCUMENTED_EXAMPLES, FIXTURES, readRecordingLines } from "./helpers";

/** Every recording shipped in data/bundled. */
const RECORDINGS = fs.readdirSync(BUNDLED).filter((name) => /\.jsonl?(\.gz)?$/.test(name));

interface Message {
  readonly stream?: string;
  readonly data: unknown;
  readonly localTimestamp?: number | null;
}

/** Every stream message the project ships (array payloads expanded), and the REST snapshot bodies. */
function realMessages(): { messages: Message[]; snapshots: Record<string, unknown>[] } {
  const messages: Message[] = [];
  assert.ok(RECORDINGS.length >= 7, RECORDINGS.join(", "));
  for (const name of RECORDINGS) {
    for (const message of loadSample(path.join(BUNDLED, name)).messages) {
      for (const data of eventsOf(message.data)) messages.push({ ...message, data });
    }
  }
  const snapshots: Record<string, unknown>[] = [];
  for (const line of readRecordingLines(path.join(FIXTURES, "usdm-single-messages-crypto-crawler.jsonl"))) {
    const value = JSON.parse(line);
    if (value.stream !== undefined) {
      for (const data of Array.isArray(value.data) ? value.data : [value.data]) messages.push({ stream: value.stream, data });
    } else if (value.lastUpdateId !== undefined) {
      snapshots.push(value);
    }
  }
  return { messages, snapshots };
}

const { messages: MESSAGES, snapshots: SNAPSHOTS } = realMessages();

/** Binance's documented example of each stream family without a real recording here, array payloads expanded. */
const EXAMPLES: Message[] = readRecordingLines(DOCUMENTED_EXAMPLES).flatMap((line) => {
  const { stream, data } = JSON.parse(line) as { stream: string; data: unknown };
  return eventsOf(data).map((event) => ({ stream, data: event }));
});

/** The schema a message follows: its stream's, else its `e`'s. */
function schemaOf(message: Message): EventSchema {
  const schema = schemaOfEvent(message.stream, message.data);
  assert.ok(schema, `a schema for ${message.stream} ${String((message.data as { e?: unknown }).e)}`);
  return schema;
}

function byKind(messages: readonly Message[]): Map<string, Message[]> {
  const groups = new Map<string, Message[]>();
  for (const message of messages) {
    const kind = schemaOf(message).kind;
    groups.set(kind, [...(groups.get(kind) ?? []), message]);
  }
  return groups;
}

/** Real messages per schema kind. */
const GROUPS = byKind(MESSAGES);
/** Documented examples per schema kind. */
const EXAMPLE_GROUPS = byKind(EXAMPLES);

/** The event types without a real message in the project: these are checked on Binance's documented examples. */
const WITHOUT_REAL_MESSAGES = ["continuousKline", "forceOrder", "contractInfo", "assetIndex", "compositeIndex"];

/** The real messages of a schema, or its documented examples when there is no real one. */
function messagesOf(schema: EventSchema): Message[] {
  const messages = GROUPS.get(schema.kind) ?? EXAMPLE_GROUPS.get(schema.kind);
  assert.ok(messages && messages.length > 0, `messages of ${schema.kind}`);
  return messages;
}

function wireValue(data: Record<string, unknown>, fieldPath: string): unknown {
  return fieldPath.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], data);
}

/** Every wire key of a payload as a path (`k.o` inside a nested object). */
function wirePaths(data: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(data).flatMap(([key, value]) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? wirePaths(value as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

/** The decoded value a field of a kind must have, given its wire value. */
function expectedValue(field: FieldSchema, wire: unknown): unknown {
  if (wire === undefined && field.optional) return null;
  switch (field.kind) {
    case "decimal":
      return Number(wire);
    case "levels":
      return (wire as [string, string][]).map(([price, quantity]) => [Number(price), Number(quantity)]);
    case "items":
      return (wire as Record<string, unknown>[]).map((entry) =>
        Object.fromEntries(field.items!.map((item) => [item.name, expectedValue(item, entry[item.path!])])),
      );
    default:
      return wire;
  }
}

function checkDecodedAgainstSchema(
  schema: EventSchema,
  record: Record<string, unknown>,
  data: Record<string, unknown>,
  where: string,
): void {
  const decoded = decodedFields(schema);
  const expectedKeys = ["kind", ...decoded.map((field) => field.name)];
  expectedKeys.splice(expectedKeys.indexOf("eventTime") + 1, 0, "localTimestamp");
  assert.deepEqual(Object.keys(record), expectedKeys, `${where}: the record's keys are the schema's names, in its order`);
  assert.equal(record.kind, schema.kind);
  for (const field of decoded) {
    const value = record[field.name];
    if (field.path === undefined) {
      assert.notEqual(value, undefined, `${where}: derived ${field.name}`);
      continue;
    }
    const wire = wireValue(data, field.path);
    assert.deepEqual(value, expectedValue(field, wire), `${where}: ${field.path} → ${field.name} (${field.kind})`);
    if (field.kind === "id" || field.kind === "integer" || field.kind === "time")
      assert.ok(Number.isSafeInteger(value), `${where}: ${field.name} is an integer`);
    if (field.kind === "enum" && field.values && field.name !== "executionType")
      assert.ok(field.values.includes(value as string), `${where}: ${field.name} ${String(value)} is documented`);
  }
}

test("every stream family has a schema with its event type, and every schema a family (its route)", () => {
  // Each schema, in order, is the schema of the first family of its kind; a family's kind names its schema.
  assert.deepEqual(
    EVENT_SCHEMAS.map((schema) => schema.kind),
    [...new Set(STREAM_FAMILIES.map((family) => family.kind))],
  );
  for (const family of STREAM_FAMILIES) {
    assert.equal(findSchemaByKind(family.kind)?.eventType, family.eventType, family.type);
    assert.ok(DECODERS[family.kind], `a decoder for ${family.type}`);
  }
  for (const schema of EVENT_SCHEMAS) {
    const symbolFamily = STREAM_FAMILIES.find((family) => family.kind === schema.kind && family.scope !== "market");
    // The family of one symbol (or pair, or asset) has the schema's kind as its type; !contractInfo has no such family.
    if (schema.kind === "contractInfo") assert.equal(symbolFamily, undefined);
    else assert.equal(symbolFamily?.type, schema.kind, `${schema.kind}: its family of one symbol`);
  }
  // Two schemas share an e only where a stream name tells them apart, and the first is meant without one.
  assert.equal(findEventSchema("depthUpdate")?.kind, "depth");
  assert.deepEqual(
    EVENT_SCHEMAS.filter((schema) => findEventSchema(schema.eventType) !== schema).map((schema) => schema.kind),
    ["partialDepth"],
  );
});

test("each schema is well formed: unique letters, names and columns; snake_case columns; a side on levels; derivations without a letter", () => {
  const schemas: Array<[string, PayloadSchema]> = [
    ...EVENT_SCHEMAS.map((schema): [string, PayloadSchema] => [schema.eventType, schema]),
    ["depth snapshot", DEPTH_SNAPSHOT_SCHEMA],
  ];
  for (const [name, schema] of schemas) {
    const unique = (values: string[], what: string) => assert.equal(new Set(values).size, values.length, `${name}: ${what} are unique`);
    unique(
      wireFields(schema).map((field) => field.path!),
      "wire paths",
    );
    unique(
      schema.fields.map((field) => field.name),
      "names",
    );
    unique(
      schema.fields.map((field) => field.column),
      "columns",
    );
    for (const field of schema.fields) {
      assert.match(field.name, /^[a-z][A-Za-z]*$/, `${name}: ${field.name} is camelCase`);
      assert.equal(field.column, toSnakeCase(field.name), `${name}: ${field.name} → ${field.column}`);
      assert.ok(field.meaning.length > 2, `${name}: ${field.name} has a meaning`);
      assert.equal(field.kind === "levels", field.side !== undefined, `${name}: ${field.name}: a side exactly on levels`);
      assert.equal(field.path === undefined, field.derive !== undefined, `${name}: ${field.name}: derived exactly when it has no letter`);
      if (field.kind === "enum" && field.values) assert.ok(field.values.length > 0);
    }
  }
  for (const schema of EVENT_SCHEMAS) {
    const fields = schema.fields as readonly FieldSchema[];
    assert.deepEqual(
      fields.slice(0, 2).map((field) => field.path),
      ["e", "E"],
      `${schema.eventType} starts with e and E`,
    );
    // The symbol is `s`, except where Binance puts it elsewhere: a liquidation's `o.s`, a continuous kline's pair `ps`.
    const symbol = fields.find((field) => field.name === "symbol");
    assert.equal(
      symbol?.path,
      { forceOrder: "o.s", continuousKline: "ps" }[schema.kind as string] ?? "s",
      `${schema.eventType}: its symbol`,
    );
    assert.equal(fields[2], symbol, `${schema.eventType}: the symbol comes third`);
    for (const field of fields) {
      assert.equal(field.kind === "items", field.items !== undefined, `${schema.eventType}: ${field.name}: entries exactly on items`);
      if (field.kind === "items")
        assert.equal(
          field.columnar,
          false,
          `${schema.eventType}: ${field.name}: entries are counted by a derived column, not a typed column`,
        );
      for (const item of field.items ?? []) {
        assert.match(item.name, /^[a-z][A-Za-z]*$/);
        assert.equal(item.column, toSnakeCase(item.name));
        assert.ok(item.path && item.meaning.length > 2, `${schema.eventType}: ${field.name}.${item.name}`);
      }
    }
  }
});

test("decoders agree with their schemas on every real message: each field named, typed and valued as the schema says", () => {
  const counts: Record<string, number> = {};
  for (const message of MESSAGES) {
    const data = message.data as Record<string, unknown>;
    const schema = schemaOf(message);
    const record = decodeMessage(message) as unknown as Record<string, unknown>;
    checkDecodedAgainstSchema(schema, record, data, `${message.stream} #${counts[schema.kind] ?? 0}`);
    const documented = new Set(wireFields(schema).map((field) => field.path));
    for (const key of wirePaths(data)) assert.ok(documented.has(key), `${schema.eventType}: wire field ${key} is in the schema`);
    counts[schema.kind] = (counts[schema.kind] ?? 0) + 1;
  }
  for (const schema of EVENT_SCHEMAS) {
    if (!WITHOUT_REAL_MESSAGES.includes(schema.kind))
      assert.ok((counts[schema.kind] ?? 0) > 0, `real ${schema.kind} messages were checked`);
    else
      assert.equal(
        counts[schema.kind],
        undefined,
        `${schema.kind} now has real messages: check it on them and take it off WITHOUT_REAL_MESSAGES`,
      );
  }
});

test("decoders agree with their schemas on Binance's documented examples (the event types without a real recording here)", () => {
  const checked = new Set<string>();
  for (const message of EXAMPLES) {
    const schema = schemaOf(message);
    const data = message.data as Record<string, unknown>;
    checkDecodedAgainstSchema(
      schema,
      decodeMessage(message) as unknown as Record<string, unknown>,
      data,
      `${message.stream} (documented example)`,
    );
    const documented = new Set(wireFields(schema).map((field) => field.path));
    for (const key of wirePaths(data)) assert.ok(documented.has(key), `${schema.eventType}: wire field ${key} is in the schema`);
    checked.add(schema.kind);
  }
  for (const kind of WITHOUT_REAL_MESSAGES) assert.ok(checked.has(kind), `a documented example of ${kind}`);
});

test("the REST depth snapshot bodies have exactly the snapshot schema's fields", () => {
  assert.ok(SNAPSHOTS.length > 0);
  for (const body of SNAPSHOTS) {
    assert.deepEqual(
      Object.keys(body).sort(),
      wireFields(DEPTH_SNAPSHOT_SCHEMA)
        .map((field) => field.path!)
        .sort(),
    );
    const levels = decode.decodeLevels(body.bids, "bids");
    assert.deepEqual(levels, expectedValue(DEPTH_SNAPSHOT_SCHEMA.fields[3], body.bids));
  }
});

test("a wrong value in any field is refused with that field's path and its kind's code", () => {
  const CODES: Record<string, string> = {
    decimal: "INVALID_DECIMAL",
    id: "INVALID_INTEGER",
    integer: "INVALID_INTEGER",
    time: "INVALID_INTEGER",
    boolean: "INVALID_BOOLEAN",
    enum: "INVALID_STRING",
    text: "INVALID_STRING",
    levels: "INVALID_LEVELS",
    number: "INVALID_NUMBER",
    items: "INVALID_ITEMS",
  };
  for (const schema of EVENT_SCHEMAS) {
    const good = messagesOf(schema)[0].data as Record<string, unknown>;
    const decoder = decoderFor(schema);
    for (const field of decodedFields(schema).filter((f) => f.path !== undefined)) {
      const broken = structuredClone(good);
      const keys = field.path!.split(".");
      const holder = keys.slice(0, -1).reduce((object, key) => object[key] as Record<string, unknown>, broken);
      holder[keys[keys.length - 1]] =
        field.kind === "decimal" || field.kind === "levels"
          ? 12.5
          : field.kind === "boolean"
            ? "true"
            : field.kind === "text" || field.kind === "enum"
              ? ""
              : "7";
      assert.throws(
        () => decoder(broken),
        (error: unknown) => {
          assert.ok(error instanceof DecodeError);
          assert.equal(error.code, CODES[field.kind], `${schema.eventType}.${field.path}`);
          assert.equal(error.field, field.path);
          assert.ok(error.message.includes(`field "${field.path}" of ${schema.eventType}`), error.message);
          return true;
        },
      );
    }
  }
});

test("typed columns are the schema's columnar fields, with the kind's array type and the records' values", () => {
  for (const schema of EVENT_SCHEMAS) {
    const messages = messagesOf(schema);
    const c = columns.eventColumns(schema, messages) as unknown as Record<string, unknown>;
    const records = messages.map((message) => decodeMessage(message) as unknown as Record<string, unknown>);
    assert.equal(c.length, records.length);
    assert.equal(c.kind, schema.kind);
    const expected = new Set(["kind", "length", "stream", "localTimestamp"]);
    for (const field of columnarFields(schema)) {
      if (field.kind === "levels") {
        for (const [suffix, count] of [
          ["LevelCount", (l: number[][]) => l.length],
          ["RemovalCount", (l: number[][]) => l.filter((x) => x[1] === 0).length],
        ] as const) {
          const name = `${field.side}${suffix}`;
          expected.add(name);
          assert.ok(c[name] instanceof Uint32Array, `${schema.eventType}.${name}`);
          assert.deepEqual(
            Array.from(c[name] as Uint32Array),
            records.map((r) => count(r[field.name] as number[][])),
          );
        }
        continue;
      }
      expected.add(field.name);
      const column = c[field.name];
      const values = records.map((r) => r[field.name]);
      if (field.kind === "boolean") {
        assert.ok(column instanceof Uint8Array, `${schema.eventType}.${field.name} is a Uint8Array`);
        assert.deepEqual(
          Array.from(column),
          values.map((v) => (v ? 1 : 0)),
        );
      } else if (field.kind === "text" || field.kind === "enum") {
        assert.deepEqual(column, values, `${schema.eventType}.${field.name} is a string array`);
      } else {
        assert.ok(column instanceof Float64Array, `${schema.eventType}.${field.name} is a Float64Array`);
        assert.deepEqual(Array.from(column), values);
      }
    }
    assert.deepEqual(new Set(Object.keys(c)), expected, `${schema.eventType}: no other columns`);
  }
  // The named builders are the schema's.
  const named: Array<[keyof typeof columns, EventSchema]> = [
    ["tradeColumns", TRADE_SCHEMA],
    ["tickerColumns", findEventSchema("24hrTicker")!],
    ["miniTickerColumns", findEventSchema("24hrMiniTicker")!],
    ["aggTradeColumns", findEventSchema("aggTrade")!],
    ["depthColumns", findEventSchema("depthUpdate")!],
    ["bookTickerColumns", findEventSchema("bookTicker")!],
    ["markPriceColumns", findSchemaByKind("markPrice")!],
    ["klineColumns", findSchemaByKind("kline")!],
    ["partialDepthColumns", findSchemaByKind("partialDepth")!],
    ["continuousKlineColumns", findSchemaByKind("continuousKline")!],
    ["forceOrderColumns", findSchemaByKind("forceOrder")!],
    ["contractInfoColumns", findSchemaByKind("contractInfo")!],
    ["assetIndexColumns", findSchemaByKind("assetIndex")!],
    ["compositeIndexColumns", findSchemaByKind("compositeIndex")!],
  ];
  for (const [name, schema] of named) {
    const messages = messagesOf(schema);
    assert.deepEqual((columns[name] as (m: Message[]) => unknown)(messages), columns.eventColumns(schema, messages), name);
  }
});

test("every DataFrame has its schema's column order, each column a typed column or a computed one over typed columns", () => {
  for (const schema of EVENT_SCHEMAS) {
    assert.equal(new Set(schema.frame).size, schema.frame.length, `${schema.eventType}: frame columns are unique`);
    assert.equal(schema.frame[0], "time");
    const messages = messagesOf(schema);
    const c = columns.eventColumns(schema, messages) as unknown as Record<string, unknown>;
    for (const name of schema.frame as readonly string[]) {
      const computed = COMPUTED_FRAME_COLUMNS[name];
      if (computed) for (const input of computed.from) assert.ok(input in c, `${schema.eventType}: ${name} reads ${input}`);
      else assert.ok(name in c && name !== "kind" && name !== "length", `${schema.eventType}: frame column ${name} is a typed column`);
    }
    const frame = eventFrame(schema, messages.slice(0, 5));
    assert.deepEqual(frame.columns, [...schema.frame]);
    assert.deepEqual(eventFrame(schema, []).columns, [...schema.frame]);
  }
  const named: Array<[keyof typeof frames, string]> = [
    ["tradesFrame", "trade"],
    ["aggTradesFrame", "aggTrade"],
    ["tickersFrame", "ticker"],
    ["miniTickersFrame", "miniTicker"],
    ["depthUpdatesFrame", "depth"],
    ["bookTickersFrame", "bookTicker"],
    ["markPricesFrame", "markPrice"],
    ["klinesFrame", "kline"],
    ["partialDepthFrame", "partialDepth"],
    ["continuousKlinesFrame", "continuousKline"],
    ["forceOrdersFrame", "forceOrder"],
    ["contractInfoFrame", "contractInfo"],
    ["assetIndexFrame", "assetIndex"],
    ["compositeIndexFrame", "compositeIndex"],
  ];
  for (const [name, kind] of named) {
    const schema = findSchemaByKind(kind)!;
    const frame = (frames[name] as (m: Message[]) => { columns: string[] })(messagesOf(schema).slice(0, 3));
    assert.deepEqual(frame.columns, [...schema.frame], name);
  }
});

test("describeFields names every field of every real message (and documented example) from its schema, kline's nested fields included", () => {
  for (const [kind, messages] of [...GROUPS, ...EXAMPLE_GROUPS]) {
    const { stream, data } = messages[0];
    const rows = describeFields(data, stream);
    assert.deepEqual(
      rows.map((row) => row.field),
      wirePaths(data as Record<string, unknown>),
    );
    for (const row of rows) assert.notEqual(row.name, "(not documented)", `${kind}.${row.field}`);
    const schema = findSchemaByKind(kind)!;
    assert.deepEqual(
      Object.keys(FIELD_DESCRIPTIONS[schema.eventType]),
      wireFields(findEventSchema(schema.eventType)!).map((field) => field.path),
    );
  }
  // A partial-depth picture is described as one, though it shares diff depth's e.
  const partial = GROUPS.get("partialDepth")![0];
  assert.equal(
    describeFields(partial.data, partial.stream).find((row) => row.field === "u")?.meaning,
    "update id of the book in this picture",
  );
  assert.equal(describeFields(partial.data).find((row) => row.field === "u")?.meaning, "final update id in this event");
  const kline = describeFields(GROUPS.get("kline")![0].data);
  assert.deepEqual(
    kline.find((row) => row.field === "k.o"),
    { field: "k.o", name: "open", meaning: "open price", value: (GROUPS.get("kline")![0].data as RawKline).k.o },
  );
  assert.deepEqual(
    describeSchema("trade")
      .map((row) => [row.field, row.name, row.kind])
      .slice(3),
    [
      ["t", "tradeId", "id"],
      ["T", "tradeTime", "time"],
      ["p", "price", "decimal"],
      ["q", "quantity", "decimal"],
      ["X", "executionType", "enum"],
      ["m", "isBuyerMaker", "boolean"],
      ["", "side", "enum"],
    ],
  );
});

test("snake_case column names for dataset tables: the typed columns of a trade", () => {
  assert.deepEqual(
    columnarFields(TRADE_SCHEMA).map((field) => field.column),
    ["event_time", "symbol", "trade_id", "trade_time", "price", "quantity", "execution_type", "is_buyer_maker"],
  );
  assert.deepEqual(
    DEPTH_SNAPSHOT_SCHEMA.fields.map((field) => field.column),
    ["last_update_id", "event_time", "transaction_time", "bids", "asks"],
  );
});

test("the types derived from a schema: wire payloads and records", () => {
  // Compile-time checks: these lines stop compiling if a schema and its types disagree.
  const trade: Pick<Trade, "side" | "executionType" | "isBuyerMaker" | "tradeId"> = {
    side: "buy",
    executionType: "MARKET",
    isBuyerMaker: false,
    tradeId: 1,
  };
  const kline: Pick<Kline, "interval" | "isClosed" | "open"> = { interval: "1m", isClosed: true, open: 1 };
  const raw: RawKline["k"]["o"] = "1.5";
  const snapshot: RawDepthSnapshot["bids"] = [["1.5", "2"]];
  assert.ok(trade && kline && raw && snapshot);
});

test("a new event type is a schema row set: decoder, columns, frame and descriptions follow", () => {
  // `forceOrder` (liquidations), nested under `o`, declared the way a schema file declares it.
  const FORCE_ORDER = defineEvent({
    eventType: "forceOrder",
    kind: "forceOrder",
    fields: [
      ...EVENT_SCHEMAS[0].fields.slice(0, 2),
      { path: "o.s", name: "symbol", kind: "text", meaning: "symbol" },
      { path: "o.S", name: "orderSide", kind: "enum", values: ["BUY", "SELL"], meaning: "side of the liquidation order" },
      { path: "o.p", name: "price", kind: "decimal", unit: "quote asset", meaning: "order price" },
      { path: "o.q", name: "quantity", kind: "decimal", unit: "base asset", meaning: "original quantity" },
      { path: "o.T", name: "tradeTime", kind: "time", unit: "ms", meaning: "order trade time (ms)" },
    ],
    frame: ["time", "eventTime", "symbol", "orderSide", "price", "quantity", "notional", "tradeTime"],
  });
  const message = {
    stream: "btcusdt@forceOrder",
    data: { e: "forceOrder", E: 1568014460893, o: { s: "BTCUSDT", S: "SELL", p: "9910", q: "0.014", T: 1568014460893 } },
  };
  const record = decoderFor(FORCE_ORDER)(message.data, 5);
  assert.deepEqual(record, {
    kind: "forceOrder",
    eventTime: 1568014460893,
    localTimestamp: 5,
    symbol: "BTCUSDT",
    orderSide: "SELL",
    price: 9910,
    quantity: 0.014,
    tradeTime: 1568014460893,
  });
  const c = columns.eventColumns(FORCE_ORDER, [message]);
  assert.equal(c.price[0], 9910);
  assert.deepEqual(c.orderSide, ["SELL"]);
  const frame = eventFrame(FORCE_ORDER, [message]);
  assert.deepEqual(frame.columns, [...FORCE_ORDER.frame]);
  assert.equal((frame.column("notional").values as number[])[0], 9910 * 0.014);
  assert.throws(
    () => decoderFor(FORCE_ORDER)({ ...message.data, o: { ...message.data.o, p: "9,910" } }),
    (error: DecodeError) => error.field === "o.p",
  );
});
