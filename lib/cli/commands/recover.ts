/** `streamlab recover`: turns unfinished capture journals into samples, never replacing or deleting captured data. */
import * as fs from "fs";
import * as path from "path";
import { StreamlabError } from "../../errors";
import { JOURNAL_SUFFIX } from "../../store/journal";
import { DEFAULT_CAPTURE_DIR } from "../../store/write";
import { recoverJournalDetailed } from "../../store/finish";
import { expectAtMost, requireExistingPath } from "../args";
import type { Command, CommandIo } from "../command";

/** Recovers one journal and reports it; returns the exit status of a failure, or 0. */
function recoverOne(journal: string, force: boolean, inFolder: boolean, { out, err }: CommandIo): number {
  try {
    const result = recoverJournalDetailed(journal, { force });
    out.write(`${result.file}\n`);
    if (result.keptJournal) {
      err.write(
        `warning: ${result.skippedLines} unreadable line(s) of ${journal} were left out of ${path.basename(result.file)} (quoted in its events); the journal is kept as ${result.keptJournal}\n`,
      );
    }
    return 0;
  } catch (error) {
    if (!inFolder || !(error instanceof StreamlabError)) throw error;
    if (error.code === "JOURNAL_IN_USE") {
      err.write(`skipped: ${error.message}\n`);
      return 0;
    }
    err.write(`streamlab: ${error.message} [${error.code}]\n`);
    return error.exitStatus;
  }
}

/** `streamlab recover [dir|file] [--force]`: prints the path of each sample made (default folder data/captures). */
export const recoverCommand: Command = {
  name: "recover",
  usage: `  streamlab recover [dir|file] [--force]           turn unfinished captures (*${JOURNAL_SUFFIX}) into samples (written beside, never replacing one)
      --force              also finish journals whose capture still seems to run`,
  options: { force: { type: "boolean" } },
  run({ positionals, flags }, io) {
    expectAtMost("recover", positionals, 1, "one folder or journal file");
    const target = requireExistingPath(positionals[0] ?? DEFAULT_CAPTURE_DIR);
    if (!fs.statSync(target).isDirectory()) return recoverOne(target, Boolean(flags.force), false, io);
    const journals = fs
      .readdirSync(target)
      .filter((entry) => entry.endsWith(JOURNAL_SUFFIX))
      .sort()
      .map((entry) => path.join(target, entry));
    if (journals.length === 0) io.out.write(`no unfinished captures in ${target}\n`);
    let status = 0;
    for (const journal of journals) status = Math.max(status, recoverOne(journal, Boolean(flags.force), true, io));
    return status;
  },
};
