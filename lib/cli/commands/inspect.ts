/** `streamlab inspect`: what a sample holds: messages per stream, time range, latency, sequence gaps. */
import { UsageError } from "../../errors";
import { formatInspection, inspectSample } from "../../analysis/inspect";
import { loadSample } from "../../store/read";
import type { Command } from "../command";

/** `streamlab inspect <file> [--json]`: a report on stdout, as text or JSON. */
export const inspectCommand: Command = {
  name: "inspect",
  usage: "  streamlab inspect <file> [--json]                messages per stream, time range, latency, sequence gaps",
  options: { json: { type: "boolean" } },
  run({ flags, positionals }, { out }) {
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? "MISSING_ARGUMENT" : "TOO_MANY_ARGUMENTS", "inspect needs exactly one sample file.");
    }
    const report = inspectSample(loadSample(positionals[0]));
    out.write(flags.json ? JSON.stringify(report, null, 2) + "\n" : formatInspection(report) + "\n");
    return 0;
  },
};
