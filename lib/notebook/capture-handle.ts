/**
 * Captures that run in a notebook while the user works in other cells: `startCapture(...)`
 * returns at once with a handle (live counts, `stop()`, `done`) and shows the capture's status
 * line as one output that updates in place. Re-running the cell stops the capture it started
 * before (same streams and folder, or the same `key`) and finishes that sample. A kernel restart
 * kills the capture but leaves its journal, which `streamlab recover` or the next capture in the
 * same folder finishes.
 */
import { capture, type CaptureResult } from "../capture/session";
import type { CaptureOptions, CaptureProgress } from "../capture/options";
import { resolveCaptureStreams } from "../capture/options";
import { formatCaptureStatus } from "../capture/progress";
import { DEFAULT_CAPTURE_DIR } from "../store/write";
import { updatingTextOutput } from "./charts";

/** A capture running in the background. */
export interface CaptureHandle {
  /** What identifies it for re-runs: `options.key`, else its streams and folder. */
  readonly key: string;
  /** The latest status (null before the first), and its line. */
  readonly progress: CaptureProgress | null;
  readonly status: string;
  /** Messages stored so far, per stream. */
  readonly counts: Readonly<Record<string, number>>;
  /** Whether it is still running. */
  readonly running: boolean;
  /** Stops it (closing the connections and finishing the sample); resolves like `done`. */
  stop(): Promise<CaptureResult>;
  /** Resolves with the capture's result when it ends; rejects when it fails (the sample is still saved, `error.sampleFile`). */
  readonly done: Promise<CaptureResult>;
}

/** Options of `startCapture`: those of `capture`, plus how it shows itself. */
export interface StartCaptureOptions extends Omit<CaptureOptions, "signal"> {
  /** Identifies the capture for re-runs of its cell; default its streams and folder. */
  key?: string;
  /** Where the status line goes: default an updating notebook output (nothing outside a notebook); `false` for none. */
  display?: false | ((status: string, progress: CaptureProgress) => void);
}

const REGISTRY = Symbol.for("streamlab.notebook.captures");

/** Running captures by key, kept on the global object so a re-evaluated module still finds them. */
function registry(): Map<string, CaptureHandle> {
  const holder = globalThis as unknown as Record<symbol, Map<string, CaptureHandle> | undefined>;
  return (holder[REGISTRY] ??= new Map());
}

/**
 * Starts a capture in the background and returns its handle at once; a capture started before
 * with the same key (re-running the cell) is stopped first, and its sample finished.
 * @example const handle = startCapture({ symbols: ["BTCUSDT"], types: ["trade"], durationMs: 3_600_000 }); // later: await handle.stop()
 */
export function startCapture(options: StartCaptureOptions): CaptureHandle {
  const streams = resolveCaptureStreams(options);
  const key = options.key ?? `${[...streams].sort().join(",")} → ${options.outDir ?? DEFAULT_CAPTURE_DIR}`;
  const previous = registry().get(key);
  if (previous?.running) void previous.stop().catch(() => undefined);
  const controller = new AbortController();
  let progress: CaptureProgress | null = null;
  let status = "starting";
  let running = true;
  const show: ((status: string, progress: CaptureProgress) => void) | null = options.display === false ? null : (options.display ?? updatingTextOutput());
  const { key: _key, display: _display, ...captureOptions } = options;
  const done = capture({
    ...captureOptions,
    signal: controller.signal,
    progressIntervalMs: options.progressIntervalMs ?? 1000,
    onProgress: (next) => {
      progress = next;
      status = formatCaptureStatus(next);
      options.onProgress?.(next);
      show?.(status, next);
    },
  }).finally(() => {
    running = false;
    if (registry().get(key) === handle) registry().delete(key);
  });
  done.catch(() => undefined);
  const handle: CaptureHandle = {
    key,
    get progress() {
      return progress;
    },
    get status() {
      return status;
    },
    get counts() {
      return progress?.counts ?? Object.fromEntries(streams.map((stream) => [stream, 0]));
    },
    get running() {
      return running;
    },
    stop() {
      controller.abort();
      return done;
    },
    done,
  };
  registry().set(key, handle);
  return handle;
}

/** Every capture started with `startCapture` that is still running. */
export function runningCaptures(): CaptureHandle[] {
  return [...registry().values()].filter((handle) => handle.running);
}
