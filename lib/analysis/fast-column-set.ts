/**
 * What the fast column path (analysis/fast-columns.ts) writes into: a plan per event schema
 * (which one-byte keys it reads, and how: decimal, integer, flag, string) and growable typed
 * columns in the shape and key order of analysis/columns.ts.
 */
import { columnarFields, decodedFields, type EventSchema, type FieldKind } from "../binance/schema";

/** One payload key the plan reads: the field it fills and its kind. */
export interface Slot {
  readonly name: string;
  readonly kind: FieldKind;
  readonly columnar: boolean;
}

/** Slot code: the event type (`e`), checked, never stored. */
export const EVENT = 0;
/** Slot code: a decimal string such as `"83849.70"`. */
export const DECIMAL = 1;
/** Slot code: an integer (id, time, count). */
export const INTEGER = 2;
/** Slot code: `true` / `false`. */
export const FLAG = 3;
/** Slot code: a string (text or enum). */
export const TEXT = 4;

/** How to read one event type's payloads. */
export interface Plan {
  readonly slots: readonly Slot[];
  /** Per slot: EVENT, DECIMAL, INTEGER, FLAG or TEXT. */
  readonly codes: Int8Array;
  /** Slot per one-byte key, -1 for keys the schema does not read. */
  readonly byKey: Int16Array;
  readonly eventSlot: number;
  readonly eventType: Uint8Array;
}

/** The plan of a schema, or `null` when it has nested fields, levels or derived columns (no fast path). */
export function planFor(schema: EventSchema): Plan | null {
  const byKey = new Int16Array(128).fill(-1);
  const slots: Slot[] = [];
  const columnar = new Set(columnarFields(schema).map((field) => field.name));
  for (const field of columnarFields(schema)) {
    if (field.path === undefined || field.derive !== undefined || field.kind === "levels") return null;
  }
  let eventSlot = -1;
  for (const field of [...schema.fields.filter((f) => f.path === "e"), ...decodedFields(schema)]) {
    if (field.path === undefined) continue;
    if (field.path.length !== 1 || field.path.charCodeAt(0) >= 128) return null;
    if (byKey[field.path.charCodeAt(0)] >= 0) continue;
    byKey[field.path.charCodeAt(0)] = slots.length;
    if (field.path === "e") eventSlot = slots.length;
    slots.push({ name: field.name, kind: field.kind, columnar: field.path !== "e" && columnar.has(field.name) });
  }
  if (eventSlot < 0) return null;
  const codes = Int8Array.from(slots, (slot, s) =>
    s === eventSlot
      ? EVENT
      : slot.kind === "decimal"
        ? DECIMAL
        : slot.kind === "boolean"
          ? FLAG
          : slot.kind === "enum" || slot.kind === "text"
            ? TEXT
            : INTEGER,
  );
  return { slots, codes, byKey, eventSlot, eventType: Buffer.from(schema.eventType, "latin1") };
}

/** Growable columns of one schema: per slot a number, flag or string column (null where not columnar). */
export class ColumnSet {
  capacity: number;
  length = 0;
  stream: string[];
  localTimestamp: Float64Array;
  readonly numbers: Array<Float64Array | null>;
  readonly flags: Array<Uint8Array | null>;
  readonly texts: Array<string[] | null>;

  constructor(
    private readonly plan: Plan,
    capacity: number,
  ) {
    const n = (this.capacity = Math.max(16, capacity));
    this.stream = new Array<string>(n);
    this.localTimestamp = new Float64Array(n);
    const { slots, codes } = plan;
    this.numbers = slots.map((slot, s) => (slot.columnar && (codes[s] === DECIMAL || codes[s] === INTEGER) ? new Float64Array(n) : null));
    this.flags = slots.map((slot, s) => (slot.columnar && codes[s] === FLAG ? new Uint8Array(n) : null));
    this.texts = slots.map((slot, s) => (slot.columnar && codes[s] === TEXT ? new Array<string>(n) : null));
  }

  /** Room for one more row. */
  reserve(): void {
    if (this.length < this.capacity) return;
    const capacity = this.capacity * 2;
    const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(capacity);
      next.set(a);
      return next;
    };
    this.localTimestamp = grow(this.localTimestamp);
    for (let s = 0; s < this.numbers.length; s++) {
      const numbers = this.numbers[s];
      const flags = this.flags[s];
      if (numbers !== null) this.numbers[s] = grow(numbers);
      if (flags !== null) this.flags[s] = grow(flags);
    }
    this.capacity = capacity;
  }

  /** Writes a decoded record as row `length` (the same conversions as analysis/columns.ts). */
  pushRecord(record: Readonly<Record<string, unknown>>, stream: string): void {
    this.reserve();
    const row = this.length;
    this.plan.slots.forEach((slot, s) => {
      const value = record[slot.name];
      const numbers = this.numbers[s];
      const flags = this.flags[s];
      const texts = this.texts[s];
      if (numbers !== null) numbers[row] = value as number;
      if (flags !== null) flags[row] = value ? 1 : 0;
      if (texts !== null) texts[row] = value as string;
    });
    const time = record.localTimestamp;
    this.localTimestamp[row] = typeof time === "number" ? time : NaN;
    this.stream[row] = stream;
    this.length++;
  }

  /** The finished columns, in the key order of analysis/columns.ts. */
  finish(kind: string): Record<string, unknown> {
    const n = this.length;
    // Close to full: a view (no second copy at the peak); else a copy, so the spare room is freed.
    const cut = <T extends Float64Array | Uint8Array | string[]>(a: T): T => {
      if (Array.isArray(a)) {
        a.length = n;
        return a;
      }
      if (a.length === n) return a;
      return (n >= a.length * 0.9 ? a.subarray(0, n) : a.slice(0, n)) as T;
    };
    const out: Record<string, unknown> = { kind, length: n, stream: cut(this.stream), localTimestamp: cut(this.localTimestamp) };
    this.plan.slots.forEach((slot, s) => {
      const column = this.numbers[s] ?? this.flags[s] ?? this.texts[s];
      if (column !== null) out[slot.name] = cut(column);
    });
    return out;
  }
}
