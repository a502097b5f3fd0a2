/**
 * A query's answer as plain values: rows of objects, typed columns and DataFrames. DuckDB's
 * values become JSON-friendly ones: integers (BIGINT, HUGEINT, …) numbers where they are exact
 * (else strings), DECIMAL numbers where the number shows the same digits (else strings), times
 * ISO 8601 strings in UTC (`2023-04-05T00:38:20.455Z`), dates `YYYY-MM-DD`, JSON parsed, lists
 * and structs as arrays and objects. NaN and infinities stay numbers in rows. Values are read
 * column by column from DuckDB's own value objects (faster than its JSON form).
 */
import type { DuckDBResultReader, DuckDBType, DuckDBValue } from "@duckdb/node-api";
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

/** ISO 8601 in UTC from µs since the epoch, fraction digits as needed: `2023-04-05T00:38:20.455Z`. */
function isoFromMicros(micros: bigint): string {
  const remainder = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const seconds = Number((micros - remainder) / 1_000_000n);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = remainder === 0n ? "" : `.${remainder.toString().padStart(6, "0").replace(/0+$/, "")}`;
  return `${base}${fraction}Z`;
}

/** Micros since the epoch of a DuckDB timestamp value of any unit. */
function timestampMicros(value: object): bigint | null {
  const v = value as { micros?: bigint; millis?: bigint; seconds?: bigint; nanos?: bigint; isFinite?: boolean };
  if (v.isFinite === false) return null;
  if (v.micros !== undefined) return v.micros;
  if (v.millis !== undefined) return v.millis * 1000n;
  if (v.seconds !== undefined) return v.seconds * 1_000_000n;
  if (v.nanos !== undefined) return v.nanos / 1000n;
  return null;
}

function decimalValue(text: string, scale: number): number | string {
  const number = Number(text);
  return Number.isFinite(number) && number.toFixed(scale) === text ? number : text;
}

/** A converter from DuckDB's values of a type (`reader.getColumns()`) to plain values, chosen once per column. */
export function plainConverter(type: DuckDBType): (value: DuckDBValue) => PlainValue {
  const id = type.typeId as number;
  if (INTEGER_TYPES.has(id)) {
    return (value) => {
      if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
      return value as number | null;
    };
  }
  if (id === TYPE.FLOAT || id === TYPE.DOUBLE) return (value) => value as number | null;
  if (id === TYPE.DECIMAL) {
    const scale = (type as DuckDBType & { scale: number }).scale;
    return (value) => (value === null ? null : decimalValue(String(value), scale));
  }
  if (TIMESTAMP_TYPES.has(id)) {
    return (value) => {
      if (value === null) return null;
      const micros = timestampMicros(value as object);
      return micros === null ? String(value) : isoFromMicros(micros);
    };
  }
  if (id === TYPE.DATE) return (value) => (value === null ? null : String(value));
  if (id === TYPE.LIST || id === TYPE.ARRAY) {
    const item = plainConverter((type as DuckDBType & { valueType: DuckDBType }).valueType);
    return (value) => (value === null ? null : (value as unknown as { items: DuckDBValue[] }).items.map(item));
  }
  if (id === TYPE.STRUCT) {
    const struct = type as DuckDBType & { entryNames: readonly string[]; entryTypes: readonly DuckDBType[] };
    const entries = struct.entryNames.map((name, i) => [name, plainConverter(struct.entryTypes[i])] as const);
    return (value) => {
      if (value === null) return null;
      const fields = (value as unknown as { entries: Record<string, DuckDBValue> }).entries;
      const out: Record<string, PlainValue> = {};
      for (const [name, convert] of entries) out[name] = convert(fields[name] ?? null);
      return out;
    };
  }
  if (type.alias === "JSON") {
    return (value) => {
      if (typeof value !== "string") return value === null ? null : String(value);
      try {
        return JSON.parse(value) as PlainValue;
      } catch {
        return value;
      }
    };
  }
  return (value) =>
    value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number" ? value : String(value);
}

/** A DuckDB value as a plain value of its type. */
export function plainValue(value: DuckDBValue, type: DuckDBType): PlainValue {
  return plainConverter(type)(value);
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
    const values = reader.getColumns().map((column, i) => {
      const convert = plainConverter(types[i]);
      return column.map(convert);
    });
    const rows: ResultRow[] = new Array(reader.currentRowCount);
    for (let r = 0; r < rows.length; r++) {
      const row: ResultRow = {};
      for (let c = 0; c < names.length; c++) row[names[c]] = values[c][r];
      rows[r] = row;
    }
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
