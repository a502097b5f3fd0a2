/**
 * A capture's status as one line, the same for the CLI (a live line on a terminal, periodic
 * lines otherwise) and a notebook capture handle (an updating output): messages per stream,
 * rate, connections and their replacements, gaps and file size.
 */
import type { CaptureProgress } from "./options";

/** Streams listed one by one in the status line; more are summarized. */
const LISTED_STREAMS = 6;

/** A byte count as B, KB, MB or GB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Elapsed time as `12.3 s`, `4 min 05 s` or `3 h 02 min`. */
export function formatElapsed(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/**
 * The status line, e.g. `capturing 12.3 s: 4567 messages (btcusdt@trade 1234/5000, …) · 350 msg/s
 * · 1 connection · reconnects 0 · stalls 0 · handovers 0 · gaps 0 · 1.2 MB`.
 */
export function formatCaptureStatus(progress: CaptureProgress): string {
  const entries = Object.entries(progress.counts);
  const of = progress.target === null ? "" : `/${progress.target}`;
  const streams =
    entries.length <= LISTED_STREAMS
      ? entries.map(([stream, n]) => `${stream} ${n}${of}`).join(", ")
      : `${entries.length} streams, ${progress.doneStreams.length} done, fewest ${Math.min(...entries.map(([, n]) => n))}${of}`;
  const parts = [
    `${progress.ratePerSecond.toFixed(progress.ratePerSecond < 10 ? 1 : 0)} msg/s`,
    `${progress.connections} connection${progress.connections === 1 ? "" : "s"}`,
    `reconnects ${progress.reconnects}`,
    `stalls ${progress.stalls}`,
    `handovers ${progress.handovers}`,
    `gaps ${progress.gaps}`,
  ];
  if (progress.malformedFrames > 0) parts.push(`bad frames ${progress.malformedFrames}`);
  parts.push(
    formatBytes(progress.totalBytes) + (progress.files.length > 0 ? ` in ${progress.files.length + (progress.final ? 0 : 1)} files` : ""),
  );
  return `${progress.final ? "captured" : "capturing"} ${formatElapsed(progress.elapsedMs)}: ${progress.total} messages (${streams}) · ${parts.join(" · ")}`;
}
