/** Shared test helpers: temp folders and paths of bundled data. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";

/** The project root. */
export const PROJECT_ROOT = path.join(__dirname, "..");
/** data/bundled, the real recordings shipped with the project. */
export const BUNDLED = path.join(PROJECT_ROOT, "data", "bundled");
/** test/fixtures. */
export const FIXTURES = path.join(__dirname, "fixtures");
/** Binance's documented example payloads (not real data), for the families without a real recording here. */
export const DOCUMENTED_EXAMPLES = path.join(PROJECT_ROOT, "data", "examples", "usdm-documented-examples.jsonl");

/** A fresh temporary folder, removed when the process exits. */
export function makeTempDir(prefix = "streamlab-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Raw JSONL lines of a (gzipped) recording. */
export function readRecordingLines(file: string): string[] {
  const buffer = fs.readFileSync(file);
  const text = file.endsWith(".gz") ? zlib.gunzipSync(buffer).toString("utf8") : buffer.toString("utf8");
  return text.split("\n").filter((line: string) => line.length > 0);
}
