/**
 * reports/index.html: one row per rendered notebook (title, data line, errors, time), whether
 * the notebooks are signed, and the render notes.
 */
import * as path from "path";
import { escapeHtml } from "../notebook/html";
import type { RenderedNotebook } from "./render-workspace";

/** The index page's HTML for these rendered notebooks, the render notes, and the signatures' Jupyter data dir (null: unsigned). */
export function formatIndex(notebooks: readonly RenderedNotebook[], notes: readonly string[], dataDir: string | null): string {
  const rows = notebooks
    .map((nb) => {
      const html = encodeURIComponent(path.basename(nb.html));
      const ipynb = encodeURIComponent(path.basename(nb.ipynb));
      const errors = nb.errors === 0 ? "0" : `<strong class="errors">${nb.errors}</strong>`;
      return (
        `<tr><td><a href="${html}">${escapeHtml(nb.title)}</a><br><small>${escapeHtml(nb.name)} · <a href="${ipynb}">.ipynb</a></small></td>` +
        `<td>${escapeHtml(nb.dataLine ?? "—")}</td><td class="n">${errors}</td><td class="n">${nb.seconds.toFixed(1)} s</td></tr>`
      );
    })
    .join("\n");
  const trust = dataDir
    ? "<p>The .ipynb files are signed (trusted) for this machine's Jupyter, so their charts draw when opened.</p>"
    : "<p>The .ipynb files are not signed: run <code>jupyter trust</code> on them to let their charts draw.</p>";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>streamlab reports</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ddd; padding: 0.4rem 0.8rem; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.errors { color: #b00020; }
</style>
</head>
<body>
<h1>streamlab reports</h1>
<p>Rendered ${escapeHtml(
    new Date()
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d+Z$/, " UTC"),
  )}.</p>
<table>
<thead><tr><th>Notebook</th><th>Data</th><th>Errors</th><th>Time</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="4">No notebooks.</td></tr>'}
</tbody>
</table>
${trust}
${notes.map((note) => `<p>${escapeHtml(note)}</p>`).join("\n")}
</body>
</html>
`;
}
