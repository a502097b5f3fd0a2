/**
 * Binance's documented example payloads (data/examples/), one per stream family that has no
 * real recording in the project. They are examples from Binance's API pages, not market data:
 * whatever shows one must say so (`documented` and `doc` tell).
 */
import * as fs from "fs";
import * as path from "path";
import { SampleFileError } from "../errors";
import { checkMessage } from "./read";
import type { StoredMessage } from "./sample-format";

/** The file of documented examples shipped with the project. */
export const DOCUMENTED_EXAMPLES_FILE = path.join(__dirname, "..", "..", "data", "examples", "usdm-documented-examples.jsonl");

/** A documented example: a stream message as Binance's page shows it, with the page. */
export interface DocumentedExample extends StoredMessage {
  /** The Binance page the example comes from. */
  readonly doc: string;
}

/**
 * Every documented example, in file order (`localTimestamp` null: nobody received them).
 * @example loadDocumentedExamples().find((m) => m.stream === "!forceOrder@arr")?.doc
 */
export function loadDocumentedExamples(file: string = DOCUMENTED_EXAMPLES_FILE): DocumentedExample[] {
  if (!fs.existsSync(file)) throw new SampleFileError("FILE_NOT_FOUND", `No documented examples at ${file}.`, file);
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line, i) => {
      let value: { doc?: unknown };
      try {
        value = JSON.parse(line) as { doc?: unknown };
      } catch {
        throw new SampleFileError("CORRUPT_LINE", `Line ${i + 1} of ${file} is not JSON.`, file);
      }
      const message = checkMessage(value, `Line ${i + 1}`, file);
      return { ...message, localTimestamp: null, doc: String(value.doc ?? "") };
    });
}
