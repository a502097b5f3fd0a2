/** `streamlab start` (npm start): runs and renders every notebook into reports/. */
import { runMainJob } from "../main-job";
import { expectAtMost } from "../args";
import type { Command } from "../command";

/** `streamlab start [--source auto|live|replay|bundled]`: exit status 1 when a notebook failed. */
export const startCommand: Command = {
  name: "start",
  usage: "  streamlab start [--source auto|live|replay|bundled]   run and render every notebook into reports/ (npm start)",
  options: { source: { type: "string" } },
  run({ values, positionals }, { out, err }) {
    expectAtMost("start", positionals, 0, "no arguments");
    return runMainJob({ source: values.source, out, err });
  },
};
