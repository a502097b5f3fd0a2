/**
 * Finishing capture journals: a journal (.partial.jsonl) becomes a sample file (.json) next to
 * it with one atomic rename, message lines copied byte for byte, and the journal is removed.
 */
import * as fs from "fs";
import { InvalidArgumentError } from "../errors";
import { JOURNAL_SUFFIX } from "./journal";
import { lineFileMeta, parseLines, readText } from "./read";
import type { CaptureEvent } from "./sample-format";
import { sampleFileChunks, writeFileAtomically } from "./write";

/** Options of `finishJournal`. */
export interface FinishJournalOptions {
  /** ISO end time; default now, `null` when unknown. */
  endedAt?: string | null;
  /** Whether the capture got what it asked for. Default true. */
  complete?: boolean;
  /** Events to add after the journal's own. */
  events?: readonly CaptureEvent[];
}

/**
 * Turns a capture journal into a sample file next to it (`<name>.json`) with one atomic rename,
 * then removes the journal. Message lines are copied byte for byte. Returns the sample's path.
 */
export function finishJournal(journalFile: string, options: FinishJournalOptions = {}): string {
  if (!journalFile.endsWith(JOURNAL_SUFFIX)) {
    throw new InvalidArgumentError("NOT_A_JOURNAL", `File ${journalFile} is not a capture journal: expected a name ending in ${JOURNAL_SUFFIX}.`);
  }
  const parsed = parseLines(readText(journalFile), journalFile, true);
  const meta = lineFileMeta(parsed, { kind: "recording" }, {
    endedAt: options.endedAt === undefined ? new Date().toISOString() : options.endedAt,
    complete: options.complete ?? true,
    events: options.events,
  });
  const file = journalFile.slice(0, -JOURNAL_SUFFIX.length) + ".json";
  writeFileAtomically(file, sampleFileChunks(meta, parsed.snapshots, parsed.messageLines));
  fs.unlinkSync(journalFile);
  return file;
}

/**
 * Finishes an unfinished capture's journal as an incomplete sample (`complete: false`, no end
 * time) and returns the sample's path.
 */
export function recoverJournal(journalFile: string): string {
  return finishJournal(journalFile, {
    complete: false,
    endedAt: null,
    events: [{ localTimestamp: Date.now(), kind: "stopped", detail: "Recovered from an unfinished capture journal." }],
  });
}
