/**
 * A query result as text: `--json` (an array of row objects, as `QueryResult.rows`), `--csv`
 * (RFC 4180: a header line, fields quoted when they hold a comma, a quote or a line break), or
 * an aligned table for people.
 */
import type { PlainValue, QueryResult } from "./result";

/** The result as one JSON array of row objects (NaN and infinities become null). */
export function formatJson(result: QueryResult): string {
  return JSON.stringify(result.rows);
}

function cellText(value: PlainValue): string {
  if (value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The result as CSV with a header line; NULL is an empty field. */
export function formatCsv(result: QueryResult): string {
  const names = result.columns.map((column) => column.name);
  const lines = [names.map(csvField).join(",")];
  for (const row of result.rows) lines.push(names.map((name) => csvField(cellText(row[name]))).join(","));
  return lines.join("\n") + "\n";
}

/** Widest a column of `formatTable` gets; longer values are cut with `…`. */
const MAX_CELL_WIDTH = 48;

/** The result as an aligned text table (numbers right-aligned), with a row count line. */
export function formatTable(result: QueryResult): string {
  const names = result.columns.map((column) => column.name);
  const cells = result.rows.map((row) => names.map((name) => cellText(row[name])));
  const cut = (text: string) => (text.length > MAX_CELL_WIDTH ? `${text.slice(0, MAX_CELL_WIDTH - 1)}…` : text);
  const widths = names.map((name, i) => Math.max(cut(name).length, ...cells.map((row) => cut(row[i]).length)));
  const numeric = result.columns.map((column) => /INT|DOUBLE|FLOAT|DECIMAL/.test(column.type));
  const line = (values: string[]) =>
    values
      .map((value, i) => (numeric[i] ? cut(value).padStart(widths[i]) : cut(value).padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const out = [line(names), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line)];
  out.push(`(${result.length} ${result.length === 1 ? "row" : "rows"})`);
  return out.join("\n") + "\n";
}
