/**
 * A query's answer as plain values: rows of objects, typed columns and DataFrames. DuckDB's
 * values become JSON-friendly ones: integers (BIGINT, HUGEINT, …) numbers where they are exact
 * (else strings), DECIMAL numbers where the number shows the same digits (else strings), times
 * ISO 8601 strings in UTC (`2023-04-05T00:38:20.455Z`), dates `YYYY-MM-DD`, JSON parsed, lists
 * and structs as arrays and objects. NaN and infinities stay numbers in rows.
 */
import type { DuckDBResultReader, DuckDBType, Json } from "@duckdb/node-api";
import { InvalidArgumentError } from "../errors";

/** A value of a result cell. */
export type PlainValue = number | string | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/** One row: column name → value. */
export type ResultRow = Record<string, PlainValue>;

/** A column of a result: its name and DuckDB type, e.g. `{ name: "n", type: "BIGINT" }`. */
export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

// DuckDBTypeId values (from @duckdb/node-api), kept here so that this module does not load DuckDB.
const TYPE = {
  TINYINT: 2,
  SMALLINT: 3,
  INTEGER: 4,
  BIGINT: 5,
  UTINYINT: 6,
  USMALLINT: 7,
  UINTEGER: 8,
  UBIGINT: 9,
  FLOAT: 10,
  DOUBLE: 11,
  TIMESTAMP: 12,
  DATE: 13,
  HUGEINT: 16,
  UHUGEINT: 32,
  DECIMAL: 19,
  TIMESTAMP_S: 20,
  TIMESTAMP_MS: 21,
  TIMESTAMP_NS: 22,
  LIST: 24,
  STRUCT: 25,
  MAP: 26,
  ARRAY: 33,
  TIMESTAMP_TZ: 31,
} as const;

const INTEGER_TYPES = new Set<number>([
  TYPE.TINYINT,
  TYPE.SMALLINT,
  TYPE.INTEGER,
  TYPE.BIGINT,
  TYPE.UTINYINT,
  TYPE.USMALLINT,
  TYPE.UINTEGER,
  TYPE.UBIGINT,
  TYPE.HUGEINT,
  TYPE.UHUGEINT,
]);
const TIMESTAMP_TYPES = new Set<number>([TYPE.TIMESTAMP, TYPE.TIMESTAMP_S, TYPE.TIMESTAMP_MS, TYPE.TIMESTAMP_NS, TYPE.TIMESTAMP_TZ]);

/** `2023-04-05 00:38:20.455` (DuckDB's text of a UTC timestamp) → `2023-04-05T00:38:20.455Z`. */
function isoTime(text: string): string {
  const match = /^(-?\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?:\+00(?::00)?)?$/.exec(text);
  return match ? `${match[1]}T${match[2]}Z` : text;
}

function decimalValue(text: string, scale: number): number | string {
  const number = Number(text);
  return Number.isFinite(number) && number.toFixed(scale) === text ? number : text;
}

/** A value of DuckDB's JSON form as a plain value of its type. */
export function plainValue(value: Json, type: DuckDBType): PlainValue {
  if (value === null) return null;
  const id = type.typeId as number;
  if (INTEGER_TYPES.has(id)) {
    const number = Number(value);
    return typeof value === "number" || Number.isSafeInteger(number) ? number : String(value);
  }
  if (id === TYPE.FLOAT || id === TYPE.DOUBLE) return typeof value === "number" ? value : Number(value);
  if (id === TYPE.DECIMAL) return decimalValue(String(value), (type as DuckDBType & { scale: number }).scale);
  if (TIMESTAMP_TYPES.has(id)) return isoTime(String(value));
  if (id === TYPE.DATE) return String(value);
  if ((id === TYPE.LIST || id === TYPE.ARRAY) && Array.isArray(value)) {
    const item = (type as DuckDBType & { valueType: DuckDBType }).valueType;
    return value.map((element) => plainValue(element, item));
  }
  if (id === TYPE.STRUCT && typeof value === "object" && !Array.isArray(value)) {
    const struct = type as DuckDBType & { entryNames: readonly string[]; entryTypes: readonly DuckDBType[] };
    const out: Record<string, PlainValue> = {};
    struct.entryNames.forEach((name, i) => (out[name] = plainValue((value as Record<string, Json>)[name] ?? null, struct.entryTypes[i])));
    return out;
  }
  if (type.alias === "JSON" && typeof value === "string") {
    try {
      return JSON.parse(value) as PlainValue;
    } catch {
      return value;
    }
  }
  return value as PlainValue;
}

/** True for the DuckDB types that `numbers()` reads as ms since the epoch. */
function isTimeType(type: string): boolean {
  return /^(TIMESTAMP|DATE)/.test(type);
}

/** A query's answer: columns with their types, and rows. */
export class QueryResult {
  /** The columns, in the query's order. */
  readonly columns: readonly ResultColumn[];
  /** Every row, as an object keyed by column name. */
  readonly rows: readonly ResultRow[];

  constructor(columns: readonly ResultColumn[], rows: readonly ResultRow[]) {
    this.columns = columns;
    this.rows = rows;
  }

  /** Reads every row of a DuckDB result. */
  static fromReader(reader: DuckDBResultReader): QueryResult {
    const names = reader.deduplicatedColumnNames();
    const types = reader.columnTypes();
    const columns = names.map((name, i) => ({ name, type: types[i].toString() }));
    const rows = reader.getRowsJson().map((values) => {
      const row: ResultRow = {};
      values.forEach((value, i) => (row[names[i]] = plainValue(value, types[i])));
      return row;
    });
    return new QueryResult(columns, rows);
  }

  /** How many rows. */
  get length(): number {
    return this.rows.length;
  }

  private checkColumn(name: string): ResultColumn {
    const column = this.columns.find((candidate) => candidate.name === name);
    if (!column)
      throw new InvalidArgumentError(
        "UNKNOWN_COLUMN",
        `Unknown column ${JSON.stringify(name)}: the result has ${this.columns.map((c) => c.name).join(", ")}.`,
      );
    return column;
  }

  /** The values of one column. */
  column(name: string): PlainValue[] {
    this.checkColumn(name);
    return this.rows.map((row) => row[name]);
  }

  /**
   * A numeric column as a `Float64Array`; times and dates as ms since the epoch (what the
   * figures take); NULL as NaN.
   * @example result.numbers("second") // → Float64Array of ms
   */
  numbers(name: string): Float64Array {
    const column = this.checkColumn(name);
    const time = isTimeType(column.type);
    const out = new Float64Array(this.rows.length);
    this.rows.forEach((row, i) => {
      const value = row[name];
      out[i] = value === null ? NaN : time ? Date.parse(String(value)) : Number(value);
    });
    return out;
  }

  /** The columns as arrays: numbers (and times, in ms) in `Float64Array`s, the rest as value arrays. */
  typedColumns(): Record<string, Float64Array | PlainValue[]> {
    const out: Record<string, Float64Array | PlainValue[]> = {};
    for (const column of this.columns) {
      const numeric =
        /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|DECIMAL)/.test(column.type) || isTimeType(column.type);
      out[column.name] = numeric && !isTimeType(column.type) ? this.numbers(column.name) : this.column(column.name);
    }
    return out;
  }

  /** A danfojs DataFrame of the rows, for display (danfojs is loaded on first call). */
  toFrame(): ReturnType<typeof import("../notebook/frames").buildFrame> {
    // Loaded here, not at the top, so that queries without frames never load danfojs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildFrame } = require("../notebook/frames") as typeof import("../notebook/frames");
    const columns = this.typedColumns() as Record<string, Float64Array | (string | number | boolean | null)[]>;
    for (const [name, values] of Object.entries(columns)) {
      if (Array.isArray(values))
        columns[name] = values.map((value) => (value !== null && typeof value === "object" ? JSON.stringify(value) : value));
    }
    return buildFrame(
      columns,
      this.columns.map((column) => column.name),
    );
  }
}
