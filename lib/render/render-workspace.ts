/**
 * Renders the workspace: executes notebooks headless with the project's kernel, adds a static
 * PNG fallback to every chart (headless Chromium, when installed), signs the notebooks so the
 * user's Jupyter trusts them, and writes `<name>.ipynb`, `<name>.html` and `index.html` to
 * reports/ (or another output folder).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InvalidArgumentError } from "../errors";
import { insertChartFallback, screenshotCharts } from "./chart-fallback";
import { findChromium, launchChromium, loadPlaywright } from "./chromium";
import { executeNotebooks, runPython, type ExecutedNotebook, type ExportSummary, type NotebookError, type SignSummary } from "./execute";
import { formatIndex } from "./index-page";
import { findCharts, findDataLine, findTitle, notebookText, type ChartRef, type NotebookJson } from "./notebook-json";
import { NOTEBOOKS_DIR, REPORTS_DIR } from "./paths";
import { checkKernelRegistered, findPython, jupyterEnv } from "./tools";

/** What `renderWorkspace` did with one notebook. */
export interface RenderedNotebook {
  /** File name without `.ipynb`, e.g. `"02-trade"`. */
  readonly name: string;
  /** The first markdown heading, else the name. */
  readonly title: string;
  /** The data line the notebook printed (`Data: …` or `Source: …`), or null. */
  readonly dataLine: string | null;
  /** The notebook that was executed. */
  readonly source: string;
  readonly html: string;
  readonly ipynb: string;
  /** Number of errors: error outputs, stderr output (TypeScript compile errors), failed cells. */
  readonly errors: number;
  readonly errorDetails: readonly NotebookError[];
  /** Execution time in seconds. */
  readonly seconds: number;
  /** Charts found in the outputs, and how many got a PNG fallback. */
  readonly charts: number;
  readonly fallbacks: number;
  /** Whether the notebook was signed (trusted) in `dataDir`. */
  readonly trusted: boolean;
}

/** The result of `renderWorkspace`. */
export interface RenderSummary {
  readonly notebooks: readonly RenderedNotebook[];
  readonly indexHtml: string;
  /** Whether PNG fallbacks were made (false without Chromium or playwright-core). */
  readonly pngFallbacks: boolean;
  /** The Jupyter data dir holding the signatures, or null when not signed. */
  readonly dataDir: string | null;
  /** Human-readable remarks, e.g. why there are no PNG fallbacks. */
  readonly notes: readonly string[];
  /** Wall time of each step, in ms. */
  readonly timings: { readonly executeMs: number; readonly fallbacksMs: number; readonly signMs: number; readonly exportMs: number };
}

/** Options of `renderWorkspace`. */
export interface RenderOptions {
  /** Notebook files to render. Default: every `*.ipynb` in notebooks/. */
  notebooks?: readonly string[];
  /** Default: reports/. */
  outputDir?: string;
  /** Extra environment for the kernel and Jupyter (e.g. `STREAMLAB_SOURCE`, `JUPYTER_DATA_DIR`). */
  env?: NodeJS.ProcessEnv;
  /** Per-cell execution timeout. Default 120 s. */
  cellTimeoutMs?: number;
  /** Bound for each Python step (execute, sign, export). Default 30 min. */
  stepTimeoutMs?: number;
  /** Don't count stderr output as an error. Default false. */
  allowStderr?: boolean;
  /** Make PNG fallbacks when Chromium is available. Default true. */
  pngFallbacks?: boolean;
  /** Chromium executable; null: don't use Chromium. Default: `findChromium()`. */
  chromiumPath?: string | null;
  /** Sign the notebooks (trusted). Default true. */
  sign?: boolean;
  /** Progress lines go here. */
  out?: NodeJS.WritableStream;
}

/**
 * Executes notebooks with the "streamlab" kernel, adds PNG fallbacks to charts (when Chromium
 * is installed), signs them and writes `<name>.ipynb`, `<name>.html` and `index.html` to
 * reports/ (or `outputDir`).
 * @example const summary = await renderWorkspace({ env: { STREAMLAB_SOURCE: "bundled" } });
 */
export async function renderWorkspace(options: RenderOptions = {}): Promise<RenderSummary> {
  const outputDir = path.resolve(options.outputDir ?? REPORTS_DIR);
  const sources = (options.notebooks ?? listNotebooks(NOTEBOOKS_DIR)).map((file) => path.resolve(file));
  const names = sources.map((file) => path.basename(file, ".ipynb"));
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate)
    throw new InvalidArgumentError(
      "INVALID_NOTEBOOKS",
      `Two notebooks are named "${duplicate}.ipynb": their reports would overwrite each other.`,
    );
  const missing = sources.find((file) => !fs.existsSync(file));
  if (missing) throw new InvalidArgumentError("INVALID_NOTEBOOKS", `No such notebook: ${missing}.`);
  checkKernelRegistered();
  findPython();
  const env = jupyterEnv(options.env);
  const stepTimeoutMs = options.stepTimeoutMs ?? 30 * 60_000;
  const notes: string[] = [];
  const timings = { executeMs: 0, fallbacksMs: 0, signMs: 0, exportMs: 0 };
  let started = Date.now();
  const lap = (): number => {
    const elapsed = Date.now() - started;
    started = Date.now();
    return elapsed;
  };
  fs.mkdirSync(outputDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "streamlab-render-"));
  try {
    // 1. Execute.
    const rendered: Array<{
      name: string;
      source: string;
      nb: NotebookJson;
      run: ExecutedNotebook;
      charts: ChartRef[];
      fallbacks: number;
    }> = [];
    if (sources.length > 0) {
      write(options.out, `executing ${sources.length} notebook(s)…`);
      const executed = await executeNotebooks(sources, {
        outputDir: path.join(work, "executed"),
        env: options.env,
        cellTimeoutMs: options.cellTimeoutMs,
        allowStderr: options.allowStderr,
        timeoutMs: stepTimeoutMs,
      });
      executed.forEach((result, index) => {
        const nb = JSON.parse(fs.readFileSync(result.output, "utf8")) as NotebookJson;
        rendered.push({ name: names[index], source: sources[index], nb, run: result, charts: findCharts(nb), fallbacks: 0 });
        write(options.out, `  ${names[index]}: ${result.errors.length} error(s), ${result.seconds.toFixed(1)} s`);
      });
    }

    timings.executeMs = lap();

    // 2. PNG fallbacks.
    const withCharts = rendered.filter((item) => item.charts.length > 0);
    let pngFallbacks = false;
    const chromium = options.chromiumPath === undefined ? findChromium() : options.chromiumPath;
    if (options.pngFallbacks === false) {
      notes.push("PNG fallbacks were not requested: charts show only where scripts run.");
    } else if (!chromium) {
      notes.push("No PNG fallbacks: Chromium is not installed (`sudo apt-get install chromium`), so charts show only where scripts run.");
    } else if (!loadPlaywright()) {
      notes.push("No PNG fallbacks: playwright-core is not installed (`npm install`), so charts show only where scripts run.");
    } else if (withCharts.length > 0) {
      const previewDir = path.join(work, "preview");
      const exported = await runPython<ExportSummary>(
        ["export", "--output-dir", previewDir, ...withCharts.map((item) => path.join(work, "executed", `${item.name}.ipynb`))],
        env,
        stepTimeoutMs,
      );
      const browser = await launchChromium({ executablePath: chromium });
      try {
        for (const [index, item] of withCharts.entries()) {
          const images = await screenshotCharts(
            browser.context,
            exported.summary.notebooks[index].html,
            item.charts.map((chart) => chart.id),
            60_000,
          );
          for (const chart of item.charts) {
            const png = images.get(chart.id);
            if (!png) continue;
            const output = item.nb.cells[chart.cell].outputs![chart.output];
            const data = output.data!;
            data["text/html"] = insertChartFallback(notebookText(data["text/html"] as string | string[]), chart.id, png);
            item.fallbacks += 1;
          }
          if (item.fallbacks < item.charts.length)
            notes.push(`${item.name}: ${item.charts.length - item.fallbacks} chart(s) did not draw in Chromium and have no PNG fallback.`);
        }
      } finally {
        await browser.close();
      }
      pngFallbacks = true;
    } else {
      pngFallbacks = true;
    }

    timings.fallbacksMs = lap();

    // 3. Write, sign, export.
    const ipynbFiles = rendered.map((item) => path.join(outputDir, `${item.name}.ipynb`));
    rendered.forEach((item, index) => fs.writeFileSync(ipynbFiles[index], JSON.stringify(item.nb, null, 1) + "\n"));
    let dataDir: string | null = null;
    const trusted = new Map<string, boolean>();
    if (options.sign !== false && ipynbFiles.length > 0) {
      const signed = await runPython<SignSummary>(["sign", ...ipynbFiles], env, stepTimeoutMs);
      dataDir = signed.summary.data_dir;
      signed.summary.notebooks.forEach((result, index) => trusted.set(ipynbFiles[index], result.trusted));
    }
    timings.signMs = lap();
    const exportErrors = new Map<string, NotebookError>();
    const htmlFiles = rendered.map((item) => path.join(outputDir, `${item.name}.html`));
    if (ipynbFiles.length > 0) {
      const exported = await runPython<ExportSummary>(["export", "--output-dir", outputDir, ...ipynbFiles], env, stepTimeoutMs);
      exported.summary.notebooks.forEach((result, index) => {
        if (result.missing_scripts > 0) {
          exportErrors.set(ipynbFiles[index], {
            cell: null,
            ename: "ExportError",
            evalue: `nbconvert left out ${result.missing_scripts} of ${result.scripts} output <script> tags: charts won't draw in the HTML.`,
          });
        }
      });
    }

    timings.exportMs = lap();

    // 4. Summary and index.
    const notebooks: RenderedNotebook[] = rendered.map((item, index) => {
      const exportError = exportErrors.get(ipynbFiles[index]);
      const errorDetails = exportError ? [...item.run.errors, exportError] : item.run.errors;
      return {
        name: item.name,
        title: findTitle(item.nb) ?? item.name,
        dataLine: findDataLine(item.nb),
        source: item.source,
        html: htmlFiles[index],
        ipynb: ipynbFiles[index],
        errors: errorDetails.length,
        errorDetails,
        seconds: item.run.seconds,
        charts: item.charts.length,
        fallbacks: item.fallbacks,
        trusted: trusted.get(ipynbFiles[index]) ?? false,
      };
    });
    const indexHtml = path.join(outputDir, "index.html");
    fs.writeFileSync(indexHtml, formatIndex(notebooks, notes, dataDir));
    write(options.out, `wrote ${path.relative(process.cwd(), indexHtml) || indexHtml}`);
    for (const note of notes) write(options.out, note);
    return { notebooks, indexHtml, pngFallbacks, dataDir, notes, timings };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function listNotebooks(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((entry) => entry.endsWith(".ipynb"))
    .sort()
    .map((entry) => path.join(dir, entry));
}

function write(out: NodeJS.WritableStream | undefined, line: string): void {
  out?.write(line + "\n");
}
