/** `streamlab query`: SQL over samples and Parquet datasets, with DuckDB. */
import * as fs from "fs";
import { UsageError } from "../../errors";
import { query } from "../../query/database";
import { formatCsv, formatJson, formatTable } from "../../query/format";
import { DEFAULT_CAPTURE_DIR } from "../../store/write";
import type { Command } from "../command";

/**
 * `streamlab query [--from <sample|dataset|dir>]... [--json|--csv] "<SQL>"`: one view per table
 * (`trade`, `depth`, …, `_events`, `messages`; docs/datasets.md) over the sources (default
 * data/captures); the rows on stdout as a table, JSON or CSV.
 */
export const queryCommand: Command = {
  name: "query",
  usage:
    '  streamlab query [--from <sample|dataset|dir>]... [--json|--csv] "<SQL>"   SQL over samples and datasets (views trade, depth, …)',
  options: { from: { type: "string", multiple: true }, json: { type: "boolean" }, csv: { type: "boolean" } },
  async run({ flags, positionals, lists }, { out }) {
    if (positionals.length === 0)
      throw new UsageError(
        "MISSING_ARGUMENT",
        'query needs the SQL, e.g. streamlab query --from data/bundled "SELECT count(*) FROM trade".',
      );
    if (positionals.length > 1) {
      throw new UsageError(
        "TOO_MANY_ARGUMENTS",
        `query takes one SQL argument, got ${positionals.length}: quote the SQL, and name each source with --from.`,
      );
    }
    if (flags.json && flags.csv) throw new UsageError("CONFLICTING_FLAGS", "Give --json or --csv, not both.");
    const from = lists.from ?? [];
    if (from.length === 0 && !fs.existsSync(DEFAULT_CAPTURE_DIR)) {
      throw new UsageError(
        "NO_SUCH_PATH",
        `No --from given and ${DEFAULT_CAPTURE_DIR} does not exist: name a sample, a folder or a dataset with --from.`,
      );
    }
    const result = await query(positionals[0], { from: from.length > 0 ? from : [DEFAULT_CAPTURE_DIR] });
    out.write(flags.json ? formatJson(result) + "\n" : flags.csv ? formatCsv(result) : formatTable(result));
    return 0;
  },
};
