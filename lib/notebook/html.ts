/**
 * HTML renderers for notebooks and exported pages: tables, plotly charts and the inlined
 * plotly.js bundle. Pure string functions (no tslab); charts.ts displays what they return.
 *
 * Everything shown is escaped: table cells, headers and captions with `escapeHtml`; a figure's
 * titles, names, text and hover text with `escapeFigureText` (plotly reads those strings as
 * pseudo-HTML); the figure JSON and the bundle are made safe to inline in a `<script>`. Data
 * such as `<img src=x onerror=alert(1)>` therefore shows as text and runs nothing.
 */
import * as fs from "fs";
import { randomBytes } from "crypto";
import { InvalidArgumentError } from "../errors";

/** A plotly trace: `{ type: "scatter", x: [...], y: [...], name: "..." }`. */
export type PlotlyTrace = Record<string, unknown>;
/** A plotly layout: `{ title: { text: "..." }, xaxis: {...}, ... }` (plotly.js 4: titles are objects). */
export type PlotlyLayout = Record<string, unknown>;

/** A plotly figure, as `Plotly.newPlot(div, data, layout, config)` takes it. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout?: PlotlyLayout;
  config?: Record<string, unknown>;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for HTML element content and quoted attribute values.
 * @example escapeHtml('<img src=x onerror="alert(1)">') // "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Formats a number for reading: integers as they are, other numbers rounded to about 8
 * significant digits (at least 2 decimals for numbers ≥ 1, so cents survive) without trailing
 * zeros; very small or large magnitudes in exponent form.
 * @example formatNumber(83849.123456789) // "83849.123"; formatNumber(0.1 + 0.2) // "0.3"
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "-∞";
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-6 || magnitude >= 1e15) return value.toExponential(4).replace(/\.?0+e/, "e");
  const integerDigits = magnitude >= 1 ? Math.floor(Math.log10(magnitude)) + 1 : 0;
  const decimals = magnitude >= 1 ? Math.max(2, 8 - integerDigits) : Math.min(12, 8 - Math.floor(Math.log10(magnitude)) - 1);
  const text = value.toFixed(decimals);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** How one table cell reads (not yet escaped): numbers by `formatNumber`, null/undefined empty, dates ISO, objects as JSON. */
export function formatCellValue(value: unknown, maxLength = 200): string {
  let text: string;
  if (value === null || value === undefined) text = "";
  else if (typeof value === "number") text = formatNumber(value);
  else if (typeof value === "bigint") text = value.toString();
  else if (typeof value === "string") text = value;
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  else if (typeof value === "object") {
    try {
      text =
        JSON.stringify(value, (_key, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)) ??
        String(value);
    } catch {
      text = String(value);
    }
  } else text = String(value);
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** The shape of a danfojs DataFrame (or Series) that tables read: no danfojs import needed. */
export interface DataFrameLike {
  readonly columns: readonly string[];
  readonly values: readonly unknown[];
  readonly shape: readonly number[];
}

/** What `renderTableHtml` accepts. */
export type TableInput =
  DataFrameLike | readonly object[] | { readonly columns: readonly string[]; readonly rows: readonly (readonly unknown[])[] };

/** Options of `renderTableHtml`. */
export interface RenderTableOptions {
  /** Rows shown at most (default 20); the info line says when rows were left out. */
  maxRows?: number;
  /** A caption above the table. */
  caption?: string;
  /** Which columns, in which order (default: all). */
  columns?: readonly string[];
  /** Longest cell text before it is cut with "…" (default 200). */
  maxCellLength?: number;
}

interface TableParts {
  columns: string[];
  rowCount: number;
  /** Cell of row `r` (< rowCount), column `c` (index into `columns`). */
  cell(r: number, c: number): unknown;
}

function isDataFrameLike(data: unknown): data is DataFrameLike {
  const d = data as DataFrameLike;
  return (
    typeof d === "object" &&
    d !== null &&
    !Array.isArray(d) &&
    Array.isArray(d.columns) &&
    Array.isArray(d.values) &&
    Array.isArray(d.shape)
  );
}

function readTable(data: TableInput): TableParts {
  if (Array.isArray(data)) {
    const rows = data as readonly object[];
    const columns: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      if (typeof row !== "object" || row === null) {
        throw new InvalidArgumentError("INVALID_TABLE", `A table row must be an object, got ${formatCellValue(row, 80)}.`);
      }
      for (const key of Object.keys(row)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
    }
    return { columns, rowCount: rows.length, cell: (r, c) => (rows[r] as Record<string, unknown>)[columns[c]] };
  }
  if (isDataFrameLike(data)) {
    const values = data.values;
    const columns = data.columns.map(String);
    const isSeries = values.length > 0 && !Array.isArray(values[0]);
    return {
      columns,
      rowCount: values.length,
      cell: isSeries ? (r) => values[r] : (r, c) => (values[r] as readonly unknown[])[c],
    };
  }
  const table = data as { columns?: unknown; rows?: unknown };
  if (typeof table === "object" && table !== null && Array.isArray(table.columns) && Array.isArray(table.rows)) {
    const rows = table.rows as readonly (readonly unknown[])[];
    return { columns: (table.columns as unknown[]).map(String), rowCount: rows.length, cell: (r, c) => rows[r][c] };
  }
  throw new InvalidArgumentError(
    "INVALID_TABLE",
    `Cannot show ${formatCellValue(data, 80)} as a table: expected a danfojs DataFrame, an array of row objects, or { columns, rows }.`,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Renders a table: header, at most `maxRows` rows, and a line "N rows × M columns" (plus
 * "showing first K" when rows were left out). Every header, cell and caption is escaped.
 * @example renderTableHtml(tradesFrame(messages), { maxRows: 5, caption: "First trades" })
 */
export function renderTableHtml(data: TableInput, options: RenderTableOptions = {}): string {
  const maxRows = options.maxRows ?? 20;
  if (!Number.isInteger(maxRows) || maxRows < 0) {
    throw new InvalidArgumentError("INVALID_MAX_ROWS", `Invalid maxRows ${String(maxRows)}: expected a whole number ≥ 0.`);
  }
  const table = readTable(data);
  let columnIndices = table.columns.map((_, i) => i);
  if (options.columns) {
    columnIndices = options.columns.map((name) => {
      const index = table.columns.indexOf(name);
      if (index < 0) {
        throw new InvalidArgumentError(
          "UNKNOWN_COLUMN",
          `Unknown column ${JSON.stringify(name)}: the table has ${table.columns.join(", ")}.`,
        );
      }
      return index;
    });
  }
  const shown = Math.min(maxRows, table.rowCount);
  const maxCellLength = options.maxCellLength ?? 200;
  const parts: string[] = ['<div class="streamlab-table" style="overflow-x:auto;font:13px/1.4 sans-serif">'];
  parts.push('<table style="border-collapse:collapse;font:13px/1.4 sans-serif;font-variant-numeric:tabular-nums">');
  if (options.caption !== undefined)
    parts.push(`<caption style="text-align:left;font-weight:bold;padding:2px 8px">${escapeHtml(options.caption)}</caption>`);
  parts.push("<thead><tr>");
  for (const c of columnIndices) {
    const first = shown > 0 ? table.cell(0, c) : undefined;
    const align = typeof first === "number" || typeof first === "bigint" ? "right" : "left";
    parts.push(
      `<th style="text-align:${align};padding:2px 8px;border-bottom:1px solid #999;white-space:nowrap">${escapeHtml(table.columns[c])}</th>`,
    );
  }
  parts.push("</tr></thead><tbody>");
  for (let r = 0; r < shown; r++) {
    parts.push("<tr>");
    for (const c of columnIndices) {
      const value = table.cell(r, c);
      const text = formatCellValue(value, maxCellLength);
      const align = typeof value === "number" || typeof value === "bigint" ? "right" : "left";
      const wrap = text.length <= 40 ? ";white-space:nowrap" : "";
      parts.push(`<td style="text-align:${align};padding:2px 8px${wrap}">${escapeHtml(text)}</td>`);
    }
    parts.push("</tr>");
  }
  parts.push("</tbody></table>");
  const info =
    `${plural(table.rowCount, "row")} × ${plural(columnIndices.length, "column")}` +
    (shown < table.rowCount ? `, showing first ${shown}` : "");
  parts.push(`<p class="streamlab-table-info" style="margin:0.3em 0;color:#666;font-size:90%">${escapeHtml(info)}</p></div>`);
  return parts.join("");
}

/** Figure keys whose strings are templates written by code (`%{y}`, `<br>`): tags plotly knows are kept. */
const TEMPLATE_KEYS = new Set(["hovertemplate", "texttemplate", "hovertemplatefallback"]);
/** Keys whose strings are URLs, not shown text. */
const URL_KEYS = new Set(["source"]);
const PLOTLY_TAG = /^<\/?(br|b|i|em|sup|sub|extra)\s*\/?>$/i;

/** Escapes text that plotly will show: `&`, `<`, `>` as entities (plotly decodes these back to characters). */
function escapePlotlyText(text: string): string {
  return text.replace(/[&<>]/g, (c) => HTML_ESCAPES[c]);
}

/** Escapes a template: plotly's own simple tags (`<br>`, `<b>`, `<extra>` ...) stay, every other `<`/`>` is escaped. */
function escapePlotlyTemplate(text: string): string {
  return text.replace(/<[^<>]*>|[<>]/g, (part) => (PLOTLY_TAG.test(part) ? part : escapePlotlyText(part)));
}

function escapeFigureValue(value: unknown, key: string): unknown {
  // plotly.js 4 ignores string titles: `title: "x"` becomes `title: { text: "x" }`.
  if (key === "title" && typeof value === "string") return { text: escapePlotlyText(value) };
  if (typeof value === "string") {
    if (URL_KEYS.has(key)) return value;
    return TEMPLATE_KEYS.has(key) ? escapePlotlyTemplate(value) : escapePlotlyText(value);
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((item) => escapeFigureValue(item, key));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = escapeFigureValue(v, k);
    return out;
  }
  return value;
}

/**
 * A copy of a figure with every string plotly may show (titles, axis titles, trace names, text,
 * hover text, category labels, annotations) escaped, so data can't inject markup; templates
 * (`hovertemplate`) keep plotly's simple tags such as `<br>`. Typed arrays become plain arrays,
 * and string titles become `{ text }` (plotly.js 4 shows no string titles). Apply once:
 * `renderChartHtml` does.
 */
export function escapeFigureText(figure: PlotlyFigure): PlotlyFigure {
  return escapeFigureValue(figure, "") as PlotlyFigure;
}

/**
 * JSON that is safe inside a `<script>`: `<`, `>`, `&`, U+2028 and U+2029 become `\uXXXX`
 * escapes (still the same JSON value).
 */
export function serializeScriptJson(value: unknown): string {
  const json =
    JSON.stringify(value, (_key, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)) ?? "null";
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Makes JavaScript source safe to inline in one `<script>` element: `</script` and `<!--`
 * (which would end or confuse the element) get their `<` written as `\x3C`, which means the
 * same inside strings, templates and regular expressions.
 */
export function escapeScriptContent(code: string): string {
  return code.replace(/<(\/script|!--)/gi, "\\x3C$1");
}

/** Options of `renderChartHtml`. */
export interface RenderChartOptions {
  /** The div's id: letters, digits, `-` and `_`, starting with a letter (default: random). */
  id?: string;
  /** Height in px (default: the layout's, else 380). */
  height?: number;
  /** A static PNG of the chart (base64, optionally as a data URL), shown where scripts never run and hidden once plotly draws. */
  fallbackPngBase64?: string;
  /** How long the script waits for plotly.js to load, ms (default 10000). */
  waitForPlotlyMs?: number;
}

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

function titleOf(figure: PlotlyFigure): string {
  const title = figure.layout?.title;
  if (typeof title === "string") return title;
  if (typeof title === "object" && title !== null && typeof (title as { text?: unknown }).text === "string")
    return (title as { text: string }).text;
  return "Chart";
}

/**
 * A chart as HTML: a `<div>` (holding the PNG fallback or a short note) and a `<script>` that
 * draws the figure with `Plotly.newPlot` once `globalThis.Plotly` is there (it retries while
 * the bundle loads, see `renderPlotlyBundleHtml`). The figure's text is escaped and its JSON is
 * inlined safely.
 * @example renderChartHtml({ data: [{ type: "scatter", x: [1, 2], y: [3, 4] }], layout: { title: { text: "Demo" } } })
 */
export function renderChartHtml(figure: PlotlyFigure, options: RenderChartOptions = {}): string {
  if (typeof figure !== "object" || figure === null || !Array.isArray(figure.data)) {
    throw new InvalidArgumentError(
      "INVALID_FIGURE",
      `Invalid figure ${formatCellValue(figure, 80)}: expected { data: [traces], layout?: {...} }.`,
    );
  }
  const id = options.id ?? `streamlab-chart-${randomBytes(6).toString("hex")}`;
  if (!ID_PATTERN.test(id)) {
    throw new InvalidArgumentError(
      "INVALID_CHART_ID",
      `Invalid chart id ${JSON.stringify(id)}: expected letters, digits, "-" or "_", starting with a letter.`,
    );
  }
  const layoutHeight = figure.layout?.height;
  const height = options.height ?? (typeof layoutHeight === "number" ? layoutHeight : 380);
  if (!Number.isFinite(height) || height < 50 || height > 5000) {
    throw new InvalidArgumentError("INVALID_HEIGHT", `Invalid chart height ${String(height)}: expected a number of px from 50 to 5000.`);
  }
  const safe = escapeFigureText(figure);
  safe.layout = { ...(safe.layout ?? {}), height, autosize: true };
  safe.config = { responsive: true, displaylogo: false, ...(safe.config ?? {}) };
  const title = escapeHtml(titleOf(figure));
  let inner: string;
  if (options.fallbackPngBase64 !== undefined) {
    const base64 = options.fallbackPngBase64.replace(/^data:image\/png;base64,/, "").replace(/\s+/g, "");
    if (!BASE64_PATTERN.test(base64)) {
      throw new InvalidArgumentError("INVALID_PNG", "Invalid fallbackPngBase64: expected base64 text of a PNG image.");
    }
    inner = `<img class="streamlab-chart-fallback" alt="${title}" src="data:image/png;base64,${base64}" style="max-width:100%;max-height:100%">`;
  } else {
    inner =
      `<div class="streamlab-chart-fallback" style="padding:1em;color:#666;font:14px sans-serif">Chart “${title}”: drawn by plotly.js where the notebook is trusted` +
      " and initCharts() ran in a cell above.</div>";
  }
  const waitMs = options.waitForPlotlyMs ?? 10000;
  const script = `(function () {
  var id = ${serializeScriptJson(id)};
  var figure = ${serializeScriptJson(safe)};
  var deadline = Date.now() + ${Math.max(0, Math.floor(waitMs))};
  function draw() {
    var root = typeof globalThis !== "undefined" ? globalThis : window;
    var el = document.getElementById(id);
    var Plotly = root.Plotly;
    if (!el || !Plotly || typeof Plotly.newPlot !== "function") {
      if (Date.now() < deadline) { setTimeout(draw, 100); return; }
      var note = el && el.querySelector("div.streamlab-chart-fallback");
      if (note) note.textContent = "plotly.js is not loaded: run initCharts() in a cell above, then run this cell again.";
      return;
    }
    var fallback = el.querySelector(".streamlab-chart-fallback");
    if (fallback) fallback.style.display = "none";
    Promise.resolve(Plotly.newPlot(el, figure.data, figure.layout, figure.config)).catch(function (error) {
      if (fallback) {
        fallback.style.display = "";
        if (fallback.tagName === "DIV") fallback.textContent = "The chart could not be drawn: " + (error && error.message ? error.message : String(error));
      }
    });
  }
  draw();
})();`;
  return (
    `<div id="${escapeHtml(id)}" class="streamlab-chart" style="width:100%;height:${height}px">${inner}</div>\n` +
    `<script type="text/javascript">\n${escapeScriptContent(script)}\n</script>`
  );
}

let bundleCache: { version: string; html: string } | null = null;

/** The version of the plotly.js bundle that `renderPlotlyBundleHtml` inlines. */
export function readPlotlyVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(require.resolve("plotly.js-dist-min/package.json"), "utf8")) as { version: string };
  return manifest.version;
}

/**
 * The plotly.js-dist-min bundle inlined in one `<script>` (about 4.8 MB): emit it once per
 * notebook, from a setup cell (`initCharts()`), before any chart. Running it again where that
 * version is already loaded does nothing.
 */
export function renderPlotlyBundleHtml(): string {
  if (bundleCache) return bundleCache.html;
  const version = readPlotlyVersion();
  const code = fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8");
  const html =
    `<script type="text/javascript">\n/* plotly.js ${escapeScriptContent(version)} (MIT License, Plotly, Inc.), inlined by streamlab's initCharts() */\n` +
    `(function () {\nvar root = typeof globalThis !== "undefined" ? globalThis : window;\n` +
    `root.PlotlyConfig = root.PlotlyConfig || { MathJaxConfig: "local" };\n` +
    `if (root.Plotly && root.Plotly.version === ${serializeScriptJson(version)}) return;\n` +
    // `module` and `exports` are shadowed so the UMD wrapper sets window.Plotly even where a page defines them.
    `(function (module, exports, define) {\n${escapeScriptContent(code)}\n}).call(root);\n})();\n</script>`;
  bundleCache = { version, html };
  return html;
}

/**
 * A complete HTML page: the plotly.js bundle (unless `includePlotly: false`) and the given
 * fragments (charts, tables) in order. For exporting and for browser tests.
 * @example fs.writeFileSync("page.html", renderHtmlPage([renderChartHtml(fig), renderTableHtml(rows)]))
 */
export function renderHtmlPage(fragments: string | readonly string[], options: { title?: string; includePlotly?: boolean } = {}): string {
  const body = typeof fragments === "string" ? fragments : fragments.join("\n");
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(options.title ?? "streamlab")}</title>\n</head>\n<body>\n` +
    (options.includePlotly === false ? "" : renderPlotlyBundleHtml() + "\n") +
    body +
    "\n</body>\n</html>\n"
  );
}
