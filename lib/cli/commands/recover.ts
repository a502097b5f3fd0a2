/** `streamlab recover`: turns unfinished capture journals into samples. */
import * as fs from "fs";
import * as path from "path";
import { JOURNAL_SUFFIX } from "../../store/journal";
import { DEFAULT_CAPTURE_DIR } from "../../store/write";
import { recoverJournal } from "../../store/finish";
import { expectAtMost, requireExistingPath } from "../args";
import type { Command } from "../command";

/** `streamlab recover [dir|file]`: prints the path of each sample made (default folder data/captures). */
export const recoverCommand: Command = {
  name: "recover",
  usage: `  streamlab recover [dir|file]                     turn unfinished captures (*${JOURNAL_SUFFIX}) into samples`,
  options: {},
  run({ positionals }, { out }) {
    expectAtMost("recover", positionals, 1, "one folder or journal file");
    const target = requireExistingPath(positionals[0] ?? DEFAULT_CAPTURE_DIR);
    const journals = fs.statSync(target).isDirectory()
      ? fs.readdirSync(target).filter((entry) => entry.endsWith(JOURNAL_SUFFIX)).map((entry) => path.join(target, entry))
      : [target];
    if (journals.length === 0) out.write(`no unfinished captures in ${target}\n`);
    for (const journal of journals) out.write(`${recoverJournal(journal)}\n`);
    return 0;
  },
};
