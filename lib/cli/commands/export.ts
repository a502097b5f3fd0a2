/** `streamlab export`: samples → a partitioned Parquet dataset. */
import { UsageError } from "../../errors";
import { exportDataset, type SampleExport } from "../../dataset/export";
import type { Command } from "../command";

function describe(report: SampleExport): string {
  const tables = report.tables.map((table) => `${table.table} ${table.rows}`).join(", ") || "no rows";
  const files = `${report.written.length} written, ${report.unchanged.length} unchanged${report.removed.length > 0 ? `, ${report.removed.length} removed` : ""}`;
  return `${report.file}\t${report.messages} messages\t${tables}\t${files}\t${(report.bytes / 1e6).toFixed(2)} MB\n`;
}

/**
 * `streamlab export <sample|dir>... --format parquet --out <dataset>`: one line per sample
 * (rows per table, files written or unchanged), then the dataset's path.
 */
export const exportCommand: Command = {
  name: "export",
  usage: "  streamlab export <sample|dir>... --format parquet --out <dataset>   samples to a Parquet dataset (table/symbol=/date=)",
  options: { format: { type: "string" }, out: { type: "string" } },
  async run({ values, positionals }, { out }) {
    if (positionals.length === 0)
      throw new UsageError(
        "MISSING_ARGUMENT",
        "export needs samples or folders of samples, e.g. streamlab export data/bundled --out data/dataset.",
      );
    if (values.format !== undefined && values.format !== "parquet") {
      throw new UsageError("INVALID_FLAG_VALUE", `Invalid --format ${JSON.stringify(values.format)}: expected parquet.`);
    }
    if (values.out === undefined) throw new UsageError("MISSING_ARGUMENT", "export needs --out <dataset folder>, e.g. --out data/dataset.");
    await exportDataset(positionals, { out: values.out, onSample: (report) => out.write(describe(report)) });
    out.write(`${values.out}\n`);
    return 0;
  },
};
