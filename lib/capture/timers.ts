/**
 * Timers that can wait any length of time: Node's `setTimeout` fires at once for a delay over
 * 2^31-1 ms (about 24.8 days, or 596 hours), so long waits (a `--duration` of weeks, a handover
 * after days) are chained in steps below that limit.
 */

/** The longest delay `setTimeout` honours. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A timer started by `startLongTimer`. */
export interface LongTimer {
  /** Stops it; calling it again, or after it fired, does nothing. */
  cancel(): void;
}

/**
 * Calls `callback` once after `delayMs` (any finite length; a non-finite delay never fires).
 * `unref`: the timer alone does not keep the process alive.
 * @example const timer = startLongTimer(() => stop(), 30 * 24 * 3600_000); timer.cancel();
 */
export function startLongTimer(callback: () => void, delayMs: number, options: { unref?: boolean } = {}): LongTimer {
  let handle: NodeJS.Timeout | null = null;
  let cancelled = false;
  if (!Number.isFinite(delayMs)) return { cancel: () => undefined };
  const deadline = Date.now() + Math.max(0, delayMs);
  const arm = (remaining: number) => {
    handle = setTimeout(
      () => {
        if (cancelled) return;
        const left = deadline - Date.now();
        if (left > 0 && remaining > MAX_TIMER_DELAY_MS) arm(left);
        else callback();
      },
      Math.min(Math.max(0, remaining), MAX_TIMER_DELAY_MS),
    );
    if (options.unref) handle.unref();
  };
  arm(Math.max(0, delayMs));
  return {
    cancel() {
      cancelled = true;
      if (handle) clearTimeout(handle);
    },
  };
}
