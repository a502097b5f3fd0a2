/**
 * The merge of a connection's subscribed recordings: one cursor per stream, and a min-heap that
 * yields the next frame due, by (due time, file, position in file), so frames from several
 * streams and files interleave in recorded order.
 */
import type { StreamRecording } from "./recordings";

/** A stream's position in one subscription's replay. */
export interface Cursor {
  readonly recording: StreamRecording;
  /** The next frame to send. */
  index: number;
  /** When the subscription started (performance.now ms) and the recorded offset it started from. */
  readonly startMs: number;
  readonly originMs: number;
  /** When the frame at `index` is due (performance.now ms); the merge key. */
  dueMs: number;
  /** Set by UNSUBSCRIBE; the heap drops it when it comes up. */
  cancelled: boolean;
}

/**
 * When a cursor's current frame is due: its recorded offset since the subscription's origin,
 * divided by the pace multiplier (`null`, as fast as possible, orders like 1×).
 */
export function dueTimeOf(cursor: Cursor, paceMultiplier: number | null): number {
  const multiplier = paceMultiplier ?? 1;
  return cursor.startMs + (cursor.recording.offsetsMs[cursor.index] - cursor.originMs) / multiplier;
}

/**
 * Cursors for recordings subscribed together at `startMs`: they share the origin (the earliest
 * first offset among them), so they keep their recorded spacing relative to each other.
 */
export function startCursors(recordings: readonly StreamRecording[], startMs: number, paceMultiplier: number | null): Cursor[] {
  if (recordings.length === 0) return [];
  const originMs = Math.min(...recordings.map((recording) => recording.offsetsMs[0]));
  return recordings.map((recording) => {
    const cursor: Cursor = { recording, index: 0, startMs, originMs, dueMs: 0, cancelled: false };
    cursor.dueMs = dueTimeOf(cursor, paceMultiplier);
    return cursor;
  });
}

function isBefore(a: Cursor, b: Cursor): boolean {
  if (a.dueMs !== b.dueMs) return a.dueMs < b.dueMs;
  if (a.recording.fileIndex !== b.recording.fileIndex) return a.recording.fileIndex < b.recording.fileIndex;
  return a.recording.positions[a.index] < b.recording.positions[b.index];
}

/** A binary min-heap of cursors by (due time, file, position in file). */
export class CursorHeap {
  private readonly items: Cursor[] = [];

  /** The cursor whose frame is due first, left in the heap. */
  peek(): Cursor | undefined {
    return this.items[0];
  }

  /** Adds a cursor (again, after its `index` and `dueMs` moved on). */
  push(cursor: Cursor): void {
    const items = this.items;
    let i = items.push(cursor) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!isBefore(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  /** Removes and returns the cursor whose frame is due first. */
  pop(): Cursor | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && isBefore(items[left], items[smallest])) smallest = left;
        if (right < items.length && isBefore(items[right], items[smallest])) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}
