/**
 * The parts of the .ipynb JSON rendering reads: its cells and outputs, the title (first markdown
 * heading), the data line a notebook prints, and where its charts are.
 */
import { findChartIds } from "./chart-fallback";

/** A minimal view of the .ipynb JSON. */
export interface NotebookJson {
  cells: Array<{
    cell_type: string;
    source: string | string[];
    outputs?: Array<{ output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }>;
  }>;
  [key: string]: unknown;
}

/** The text of a notebook field, which is a string or a list of lines. */
export function notebookText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join("") : (value ?? "");
}

/** The first markdown heading of a notebook, without the #s and inline markup. */
export function findTitle(nb: NotebookJson): string | null {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(notebookText(cell.source));
    if (heading) return heading[1].replace(/[*_`]/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  }
  return null;
}

/** The first output line that says which data the notebook shows (`Data: …` / `Source: …`). */
export function findDataLine(nb: NotebookJson): string | null {
  const pattern = /^\s*((?:data(?:\s+source)?|source)\s*:\s*\S.*)$/im;
  for (const cell of nb.cells) {
    for (const output of cell.outputs ?? []) {
      const texts: string[] = [];
      if (output.output_type === "stream" && output.name === "stdout") texts.push(notebookText(output.text));
      const data = output.data ?? {};
      for (const mime of ["text/markdown", "text/plain"]) texts.push(notebookText(data[mime] as string | string[] | undefined));
      const html = notebookText(data["text/html"] as string | string[] | undefined);
      if (html.length < 20_000)
        texts.push(
          html
            .replace(/<script\b[\s\S]*?<\/script\s*>/gi, "")
            .replace(/<br\s*\/?>|<\/(?:p|div|li|tr|h\d)>/gi, "\n")
            .replace(/<[^>]*>/g, ""),
        );
      for (const text of texts) {
        const match = pattern.exec(text);
        if (match) return decodeEntities(match[1].trim()).slice(0, 300);
      }
    }
  }
  return null;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** A chart div in a notebook: its id and the output that holds it. */
export interface ChartRef {
  readonly id: string;
  readonly cell: number;
  readonly output: number;
}

/** Every chart in a notebook's outputs, in order. */
export function findCharts(nb: NotebookJson): ChartRef[] {
  const charts: ChartRef[] = [];
  nb.cells.forEach((cell, cellIndex) => {
    (cell.outputs ?? []).forEach((output, outputIndex) => {
      const html = notebookText(output.data?.["text/html"] as string | string[] | undefined);
      if (!html.includes("streamlab-chart")) return;
      for (const id of findChartIds(html)) charts.push({ id, cell: cellIndex, output: outputIndex });
    });
  });
  return charts;
}
