/**
 * What a notebook's capture cell prints after `captureOrLoad` (workspace.ts): why live Binance
 * was not used (when it was not), the `Data: …` line, and the files the notebook really reads —
 * the saved sample, the recordings a replay played, or the bundled files read directly.
 */
import * as path from "path";
import type { NotebookData } from "./workspace";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/**
 * A file as the reader knows it: relative to the project (`data/captures/x.json`, with `/`),
 * or as it is when it lies outside the project.
 * @example projectRelativePath(path.join(BUNDLED_DIR, "btcusdt-trade.json")) // "data/bundled/btcusdt-trade.json"
 */
export function projectRelativePath(file: string): string {
  const relative = path.relative(PROJECT_DIR, path.resolve(file));
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join("/");
}

/** The files of the bundled recordings behind the data, project-relative. */
function recordingFiles(data: NotebookData): string[] {
  return data.recordings.flatMap((recording) => (recording.file ? [projectRelativePath(recording.file)] : []));
}

/**
 * The lines the capture cell prints: the fallback reason (when live Binance was not reached),
 * the `Data: …` description, then the files behind the data — `Sample file:` for a capture or a
 * saved sample, `Recordings replayed:` for a replay, `Bundled files read:` for the bundled source.
 * @example describeNotebookData(await captureOrLoad({ symbol: "BTCUSDT", types: ["trade"], source: "bundled" }))
 * // ["Data: bundled recording (btcusdt-trade.json); …", "Bundled files read: data/bundled/btcusdt-trade.json"]
 */
export function describeNotebookData(data: NotebookData): string[] {
  const lines: string[] = [];
  if (data.fallbackReason) lines.push(`Live Binance could not be reached (${data.fallbackReason}).`);
  lines.push(data.description);
  if (data.file !== null) lines.push(`Sample file: ${projectRelativePath(data.file)}`);
  const recordings = recordingFiles(data).join(", ");
  if (data.source === "replay") lines.push(`Recordings replayed: ${recordings || "none"}`);
  if (data.source === "bundled") lines.push(`Bundled files read: ${recordings || "none"}`);
  return lines;
}

/**
 * Prints which data the notebook shows (`describeNotebookData`): the capture cell's output.
 * @example const data = await captureOrLoad(SETTINGS); showNotebookData(data);
 */
export function showNotebookData(data: NotebookData): void {
  for (const line of describeNotebookData(data)) console.log(line);
}
