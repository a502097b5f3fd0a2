/**
 * Journals left behind: a capture killed, a kernel restarted, a machine rebooted. The next
 * capture in the same folder (or `streamlab recover`) finishes them into samples, except those
 * whose writer is still running.
 */
import * as fs from "fs";
import * as path from "path";
import { StreamlabError } from "../errors";
import { recoverJournalDetailed, type FinishedJournal } from "./finish";
import { JOURNAL_SUFFIX } from "./journal";

/** What `recoverOrphanJournals` did with one journal. */
export interface OrphanRecovery {
  readonly journal: string;
  /** The sample written, or null when it could not be recovered (`error` says why). */
  readonly result: FinishedJournal | null;
  readonly error: string | null;
}

/**
 * Finishes every journal in `dir` whose capture is no longer running; journals still being
 * written (by this process or another live one) are left alone. Never throws for one journal:
 * each outcome is reported.
 */
export function recoverOrphanJournals(dir: string): OrphanRecovery[] {
  if (!fs.existsSync(dir)) return [];
  const outcomes: OrphanRecovery[] = [];
  for (const entry of fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(JOURNAL_SUFFIX))
    .sort()) {
    const journal = path.join(dir, entry);
    try {
      outcomes.push({ journal, result: recoverJournalDetailed(journal), error: null });
    } catch (error) {
      if (error instanceof StreamlabError && error.code === "JOURNAL_IN_USE") continue;
      outcomes.push({ journal, result: null, error: (error as Error).message });
    }
  }
  return outcomes;
}
