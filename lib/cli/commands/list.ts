/** `streamlab list`: the samples in a folder, newest first. */
import { DEFAULT_CAPTURE_DIR } from "../../store/write";
import { listSamples } from "../../store/list";
import { expectAtMost, requireExistingPath } from "../args";
import type { Command } from "../command";

/** `streamlab list [dir]`: one tab-separated line per sample (default folder data/captures, which may not exist yet). */
export const listCommand: Command = {
  name: "list",
  usage: "  streamlab list [dir]                             samples in a folder, newest first",
  options: {},
  run({ positionals }, { out }) {
    expectAtMost("list", positionals, 1, "one folder");
    const dir = positionals.length > 0 ? requireExistingPath(positionals[0]) : DEFAULT_CAPTURE_DIR;
    for (const summary of listSamples(dir)) {
      const state = summary.complete ? "" : " (unfinished)";
      out.write(`${summary.name}\t${summary.count} messages\t${summary.streams.join(",")}\t${summary.startedAt ?? "-"}${state}\n`);
    }
    return 0;
  },
};
