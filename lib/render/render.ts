/**
 * Renders the workspace: executes notebooks headless with the project's kernel (through
 * scripts/execute_notebooks.py), adds a static PNG fallback to every chart (headless Chromium,
 * when installed), signs the notebooks so the user's Jupyter trusts them, and writes
 * `reports/<name>.ipynb`, `reports/<name>.html` and `reports/index.html`.
 * Also starts JupyterLab (or the classic Notebook) on notebooks/ with the project's kernel.
 *
 * Chart contract (lib/html.ts): a chart is a `text/html` output holding
 * `<div class="streamlab-chart" id="…">` and a script that draws with `Plotly.newPlot` when
 * `globalThis.Plotly` exists and then hides `<img class="streamlab-chart-fallback">` inside the div.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import type { BrowserContext } from "playwright-core";
import { StreamlabError } from "../errors";
import { escapeHtml } from "../notebook/html";

/** The project's root folder. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** The notebooks `renderWorkspace` executes by default. */
export const NOTEBOOKS_DIR = path.join(PROJECT_ROOT, "notebooks");
/** Where rendered notebooks and the index go by default. */
export const REPORTS_DIR = path.join(PROJECT_ROOT, "reports");
/** The folder Jupyter finds the "streamlab" kernel in (via `JUPYTER_PATH`). */
export const PROJECT_JUPYTER_DIR = path.join(PROJECT_ROOT, ".jupyter");
const EXECUTE_SCRIPT = path.join(PROJECT_ROOT, "scripts", "execute_notebooks.py");
const KERNEL_SPEC = path.join(PROJECT_JUPYTER_DIR, "kernels", "streamlab", "kernel.json");

/** Headless Chromium flags used for screenshots and browser tests. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const INSTALL_JUPYTER_HINT =
  "install it with `sudo apt-get install python3-nbclient jupyter-nbconvert jupyter-notebook` (Debian/Ubuntu) " +
  "or `pip install nbclient nbconvert jupyterlab`";

/** One failure found in an executed notebook. `cell` is null for kernel-level failures. */
export interface NotebookError {
  readonly cell: number | null;
  readonly ename: string;
  readonly evalue: string;
}

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

/** A minimal view of the .ipynb JSON. */
interface NotebookJson {
  cells: Array<{
    cell_type: string;
    source: string | string[];
    outputs?: Array<{ output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }>;
  }>;
  [key: string]: unknown;
}

interface PythonResult<T> {
  readonly code: number | null;
  readonly summary: T;
  readonly stderr: string;
}

interface RunSummary {
  notebooks: Array<{ path: string; output: string; seconds: number; error_count: number; errors: NotebookError[] }>;
}
interface SignSummary {
  notebooks: Array<{ path: string; trusted: boolean }>;
  data_dir: string;
}
interface ExportSummary {
  notebooks: Array<{ path: string; html: string; scripts: number; missing_scripts: number }>;
}

let cachedPython: string | undefined;

/**
 * The Python that runs notebooks: /usr/bin/python3 when it has nbclient and nbconvert, else
 * `python3` from PATH when it has them. Throws a `StreamlabError` naming the install commands.
 */
export function findPython(): string {
  if (cachedPython) return cachedPython;
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    const result = spawnSync(candidate, ["-c", "import nbclient, nbformat, nbconvert"], { stdio: "ignore", timeout: 30_000 });
    if (result.status === 0) return (cachedPython = candidate);
  }
  throw new StreamlabError("PYTHON_NOT_FOUND", `No Python with nbclient and nbconvert was found (tried /usr/bin/python3 and python3 on PATH): ${INSTALL_JUPYTER_HINT}.`);
}

/** The first executable among `names` found on PATH (or in the given extra folders), else null. */
function findExecutable(names: readonly string[], extraDirs: readonly string[] = []): string | null {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const name of names) {
    if (path.isAbsolute(name)) {
      if (isExecutable(name)) return name;
      continue;
    }
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium (or Chrome) executable: `STREAMLAB_CHROMIUM` when set, else Debian's
 * /usr/bin/chromium, else chromium/chrome on PATH; null when none is installed.
 */
export function findChromium(): string | null {
  const fromEnv = process.env.STREAMLAB_CHROMIUM;
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : null;
  return findExecutable(["/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]);
}

/** A headless Chromium with a fresh profile that only loads file:, data: and localhost URLs. */
export interface HeadlessBrowser {
  readonly context: BrowserContext;
  /** Closes the browser (bounded) and removes its profile. */
  close(): Promise<void>;
}

/**
 * Launches headless Chromium through playwright-core with `CHROMIUM_ARGS`, a fresh temporary
 * profile and every request to anything but file:, data:, blob: and localhost aborted.
 * @example const browser = await launchChromium(); try { … } finally { await browser.close(); }
 */
export async function launchChromium(options: { executablePath?: string; viewport?: { width: number; height: number } } = {}): Promise<HeadlessBrowser> {
  const executablePath = options.executablePath ?? findChromium();
  if (!executablePath) throw new StreamlabError("CHROMIUM_NOT_FOUND", "Chromium was not found: install it with `sudo apt-get install chromium` or set STREAMLAB_CHROMIUM to its path.");
  const playwright = loadPlaywright();
  if (!playwright) throw new StreamlabError("PLAYWRIGHT_NOT_FOUND", "playwright-core is not installed: run `npm install` (it is a dev dependency).");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "streamlab-chromium-"));
  let context: BrowserContext;
  try {
    context = await playwright.chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: options.viewport ?? { width: 1024, height: 768 },
      deviceScaleFactor: 1,
      timeout: 60_000,
    });
    await context.route("**/*", (route) => (isOfflineUrl(route.request().url()) ? route.continue() : route.abort()));
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      await withTimeout(context.close(), 30_000, "closing Chromium").catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

function isOfflineUrl(url: string): boolean {
  const parsed = new URL(url);
  if (["file:", "data:", "blob:", "about:"].includes(parsed.protocol)) return true;
  return ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
}

function loadPlaywright(): typeof import("playwright-core") | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require("playwright-core") as typeof import("playwright-core");
  } catch {
    return null;
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StreamlabError("TIMEOUT", `Timed out after ${timeoutMs} ms ${what}.`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The environment for Python/Jupyter: the caller's env plus the project's JUPYTER_PATH. */
function jupyterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  env.JUPYTER_PATH = [PROJECT_JUPYTER_DIR, env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  env.PYTHONUNBUFFERED = "1";
  return env;
}

function checkKernelRegistered(): void {
  let argv: unknown;
  try {
    argv = (JSON.parse(fs.readFileSync(KERNEL_SPEC, "utf8")) as { argv?: unknown }).argv;
  } catch {
    throw new StreamlabError("KERNEL_NOT_REGISTERED", `The "streamlab" kernel is not registered (${path.relative(process.cwd(), KERNEL_SPEC)} is missing): run \`node scripts/register-kernel.cjs\` (npm install does it).`);
  }
  const script = Array.isArray(argv) ? argv[1] : undefined;
  if (typeof script !== "string" || !fs.existsSync(script)) {
    throw new StreamlabError("KERNEL_NOT_REGISTERED", `The "streamlab" kernel points to ${JSON.stringify(script)}, which does not exist (was the project moved?): run \`node scripts/register-kernel.cjs\`.`);
  }
}

/**
 * Runs scripts/execute_notebooks.py and parses its JSON summary line. Exit code 1 means "some
 * notebook failed" and still has a summary; anything else without a summary throws.
 */
function runPython<T>(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<PythonResult<T>> {
  const python = findPython();
  return new Promise((resolve, reject) => {
    // Not detached: Ctrl-C reaches Python too, which then shuts its kernel down.
    const child = spawn(python, [EXECUTE_SCRIPT, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    const onExit = () => child.kill("SIGTERM");
    process.once("exit", onExit);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      // SIGTERM lets Python shut its kernel down (the kernel runs in its own session).
      child.kill("SIGTERM");
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), 10_000).unref();
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      process.removeListener("exit", onExit);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      process.removeListener("exit", onExit);
      const step = `execute_notebooks.py ${args[0]}`;
      if (timedOut) return reject(new StreamlabError("TIMEOUT", `${step} did not finish within ${timeoutMs} ms.`));
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        if (code !== 0 && code !== 1) throw new Error("no summary");
        resolve({ code, summary: JSON.parse(last) as T, stderr });
      } catch {
        reject(new StreamlabError("RENDER_FAILED", `${step} failed (exit code ${code}): ${stderr.trim().split("\n").slice(-15).join("\n")}`));
      }
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function notebookText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join("") : value ?? "";
}

/** The ids of the `streamlab-chart` divs in an HTML fragment, in order. */
export function findChartIds(html: string): string[] {
  const ids: string[] = [];
  for (const match of html.matchAll(/<div\b([^>]*)>/gi)) {
    const classes = attribute(match[1], "class");
    const id = attribute(match[1], "id");
    if (id && classes && classes.split(/\s+/).includes("streamlab-chart")) ids.push(id);
  }
  return ids;
}

function attribute(attributes: string, name: string): string | null {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i").exec(attributes);
  return match ? match[1] ?? match[2] ?? match[3] : null;
}

/**
 * Puts `<img class="streamlab-chart-fallback" src="data:image/png;base64,…">` first inside the
 * chart div with this id, in place of the div's current fallback (html.ts's text note or an
 * earlier image). Returns the HTML unchanged when the div is not there.
 */
export function insertChartFallback(html: string, id: string, png: Buffer): string {
  for (const match of html.matchAll(/<div\b([^>]*)>/gi)) {
    if (attribute(match[1], "id") !== id) continue;
    const start = (match.index ?? 0) + match[0].length;
    let rest = html.slice(start);
    const old =
      /^\s*<img\b[^>]*\bstreamlab-chart-fallback\b[^>]*>/i.exec(rest) ??
      /^\s*<div\b[^>]*\bstreamlab-chart-fallback\b[^>]*>[^<]*<\/div>/i.exec(rest);
    let alt = "Chart";
    if (old) {
      rest = rest.slice(old[0].length);
      alt = attribute(old[0].slice(0, old[0].indexOf(">")), "alt") ?? /Chart “([^”]*)”/.exec(old[0])?.[1] ?? alt;
    }
    const img = `<img class="streamlab-chart-fallback" alt="${alt}" src="data:image/png;base64,${png.toString("base64")}" style="max-width:100%;max-height:100%">`;
    return html.slice(0, start) + img + rest;
  }
  return html;
}

/** The first markdown heading of a notebook, without the #s and inline markup. */
function findTitle(nb: NotebookJson): string | null {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const heading = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(notebookText(cell.source));
    if (heading) return heading[1].replace(/[*_`]/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  }
  return null;
}

/** The first output line that says which data the notebook shows (`Data: …` / `Source: …`). */
function findDataLine(nb: NotebookJson): string | null {
  const pattern = /^\s*((?:data(?:\s+source)?|source)\s*:\s*\S.*)$/im;
  for (const cell of nb.cells) {
    for (const output of cell.outputs ?? []) {
      const texts: string[] = [];
      if (output.output_type === "stream" && output.name === "stdout") texts.push(notebookText(output.text));
      const data = output.data ?? {};
      for (const mime of ["text/markdown", "text/plain"]) texts.push(notebookText(data[mime] as string | string[] | undefined));
      const html = notebookText(data["text/html"] as string | string[] | undefined);
      if (html.length < 20_000) texts.push(html.replace(/<script\b[\s\S]*?<\/script\s*>/gi, "").replace(/<br\s*\/?>|<\/(?:p|div|li|tr|h\d)>/gi, "\n").replace(/<[^>]*>/g, ""));
      for (const text of texts) {
        const match = pattern.exec(text);
        if (match) return decodeEntities(match[1].trim()).slice(0, 300);
      }
    }
  }
  return null;
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

interface ChartRef {
  readonly id: string;
  readonly cell: number;
  readonly output: number;
}

function findCharts(nb: NotebookJson): ChartRef[] {
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

/**
 * Opens an exported notebook HTML offline, waits (bounded) until plotly has drawn the charts,
 * and screenshots each chart div. Charts that never drew get no image.
 */
async function screenshotCharts(context: BrowserContext, htmlFile: string, ids: readonly string[], timeoutMs: number): Promise<Map<string, Buffer>> {
  const page = await context.newPage();
  const images = new Map<string, Buffer>();
  try {
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load", timeout: timeoutMs });
    await page
      .waitForFunction(`${JSON.stringify(ids)}.every((id) => document.getElementById(id)?.querySelector(".main-svg"))`, undefined, { timeout: timeoutMs })
      .catch(() => undefined);
    for (const id of ids) {
      const chart = page.locator(`[id="${id.replace(/["\\]/g, "\\$&")}"]`);
      if ((await chart.locator(".main-svg").count()) === 0) continue;
      images.set(id, await chart.screenshot({ type: "png", animations: "disabled", timeout: timeoutMs }));
    }
  } finally {
    await page.close().catch(() => undefined);
  }
  return images;
}

function write(out: NodeJS.WritableStream | undefined, line: string): void {
  out?.write(line + "\n");
}

/** One notebook executed by `executeNotebooks`. */
export interface ExecutedNotebook {
  /** The notebook that was executed. */
  readonly path: string;
  /** The executed copy. */
  readonly output: string;
  readonly seconds: number;
  readonly errors: readonly NotebookError[];
}

/** Options of `executeNotebooks`. */
export interface ExecuteOptions {
  /** Where the executed copies go (same file names). */
  outputDir: string;
  /** Extra environment for the kernel (e.g. `STREAMLAB_SOURCE`). */
  env?: NodeJS.ProcessEnv;
  /** Per-cell timeout. Default 120 s. */
  cellTimeoutMs?: number;
  /** Bound for the whole run. Default 30 min. */
  timeoutMs?: number;
  /** Don't count stderr output as an error. Default false. */
  allowStderr?: boolean;
}

/**
 * Executes notebooks headless, one after the other, with the "streamlab" kernel in each
 * notebook's folder; every error output, stderr output (tslab's compile and runtime errors) and
 * failed cell is an error. Outputs are kept after a failing cell: later cells still run.
 * @example const [result] = await executeNotebooks(["notebooks/02-trade.ipynb"], { outputDir: "reports" });
 */
export async function executeNotebooks(notebooks: readonly string[], options: ExecuteOptions): Promise<ExecutedNotebook[]> {
  checkKernelRegistered();
  const cellTimeoutSec = Math.max(1, Math.ceil((options.cellTimeoutMs ?? 120_000) / 1000));
  const args = ["run", "--output-dir", path.resolve(options.outputDir), "--timeout", String(cellTimeoutSec)];
  if (options.allowStderr) args.push("--allow-stderr");
  const run = await runPython<RunSummary>([...args, ...notebooks.map((file) => path.resolve(file))], jupyterEnv(options.env), options.timeoutMs ?? 30 * 60_000);
  return run.summary.notebooks.map((result) => ({ path: result.path, output: result.output, seconds: result.seconds, errors: result.errors }));
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
  if (duplicate) throw new StreamlabError("INVALID_NOTEBOOKS", `Two notebooks are named "${duplicate}.ipynb": their reports would overwrite each other.`);
  const missing = sources.find((file) => !fs.existsSync(file));
  if (missing) throw new StreamlabError("INVALID_NOTEBOOKS", `No such notebook: ${missing}.`);
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
    const rendered: Array<{ name: string; source: string; nb: NotebookJson; run: ExecutedNotebook; charts: ChartRef[]; fallbacks: number }> = [];
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
      const exported = await runPython<ExportSummary>(["export", "--output-dir", previewDir, ...withCharts.map((item) => path.join(work, "executed", `${item.name}.ipynb`))], env, stepTimeoutMs);
      const browser = await launchChromium({ executablePath: chromium });
      try {
        for (const [index, item] of withCharts.entries()) {
          const images = await screenshotCharts(browser.context, exported.summary.notebooks[index].html, item.charts.map((chart) => chart.id), 60_000);
          for (const chart of item.charts) {
            const png = images.get(chart.id);
            if (!png) continue;
            const output = item.nb.cells[chart.cell].outputs![chart.output];
            const data = output.data!;
            data["text/html"] = insertChartFallback(notebookText(data["text/html"] as string | string[]), chart.id, png);
            item.fallbacks += 1;
          }
          if (item.fallbacks < item.charts.length) notes.push(`${item.name}: ${item.charts.length - item.fallbacks} chart(s) did not draw in Chromium and have no PNG fallback.`);
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
          exportErrors.set(ipynbFiles[index], { cell: null, ename: "ExportError", evalue: `nbconvert left out ${result.missing_scripts} of ${result.scripts} output <script> tags: charts won't draw in the HTML.` });
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

function formatIndex(notebooks: readonly RenderedNotebook[], notes: readonly string[], dataDir: string | null): string {
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
<p>Rendered ${escapeHtml(new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"))}.</p>
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

/** Options of `startJupyterServer` and `openLab`. */
export interface JupyterServerOptions {
  /** Default: "lab" when JupyterLab is installed, else "notebook". */
  app?: "lab" | "notebook";
  /** Default: notebooks/. */
  notebookDir?: string;
  /** Default: Jupyter's own (8888 or the next free port). */
  port?: number;
  /** Default "127.0.0.1". */
  ip?: string;
  /** Default: Jupyter's own random token. */
  token?: string;
  /** Open the user's browser. Default true for `openLab`, false for `startJupyterServer`. */
  openBrowser?: boolean;
  /** Extra environment (merged over the caller's, plus JUPYTER_PATH). */
  env?: NodeJS.ProcessEnv;
  /** The server's log is copied here. */
  out?: NodeJS.WritableStream;
  /** How long to wait for the server's URL. Default 60 s. */
  startTimeoutMs?: number;
}

/** A running Jupyter server. */
export interface JupyterServer {
  readonly app: "lab" | "notebook";
  readonly command: string;
  readonly args: readonly string[];
  /** The URL it printed, with its token. */
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code when the server exits. */
  readonly exited: Promise<number>;
  /** SIGTERM (the server shuts its kernels down), then SIGKILL after `timeoutMs` (default 15 s). */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * How to start JupyterLab or the classic Notebook here, or null when it isn't installed.
 * Prefers `jupyter-lab`, then `python3 -m jupyterlab`, then `jupyter-notebook`.
 */
export function findJupyter(app?: "lab" | "notebook"): { app: "lab" | "notebook"; command: string; args: string[] } | null {
  const extraDirs = ["/usr/local/bin", "/usr/bin", path.join(os.homedir(), ".local", "bin")];
  const canRun = (command: string, args: string[]) => spawnSync(command, args, { stdio: "ignore", timeout: 30_000 }).status === 0;
  if (app !== "notebook") {
    const lab = findExecutable(["jupyter-lab"], extraDirs);
    if (lab && canRun(lab, ["--version"])) return { app: "lab", command: lab, args: [] };
    for (const python of ["/usr/bin/python3", "python3"]) {
      if (canRun(python, ["-c", "import jupyterlab"])) return { app: "lab", command: python, args: ["-m", "jupyterlab"] };
    }
  }
  if (app !== "lab") {
    const notebook = findExecutable(["jupyter-notebook"], extraDirs);
    if (notebook && canRun(notebook, ["--version"])) return { app: "notebook", command: notebook, args: [] };
  }
  return null;
}

/**
 * Starts JupyterLab (or the classic Notebook) with the project's kernel and resolves once it
 * printed its URL. Stop it with `server.stop()`.
 * @example const server = await startJupyterServer({ app: "notebook", port: 8890, token: "t" });
 */
export async function startJupyterServer(options: JupyterServerOptions = {}): Promise<JupyterServer> {
  const found = findJupyter(options.app);
  if (!found) {
    const missing = options.app === "notebook" ? "Jupyter Notebook is not" : options.app === "lab" ? "JupyterLab is not" : "Neither JupyterLab nor Jupyter Notebook is";
    throw new StreamlabError("JUPYTER_NOT_FOUND", `${missing} installed: install JupyterLab with \`pip install jupyterlab\`, or on Debian/Ubuntu the classic Notebook with \`sudo apt-get install jupyter-notebook\`.`);
  }
  checkKernelRegistered();
  const notebookDir = path.resolve(options.notebookDir ?? NOTEBOOKS_DIR);
  const args = [...found.args, `--notebook-dir=${notebookDir}`, `--ip=${options.ip ?? "127.0.0.1"}`];
  if (options.port !== undefined) args.push(`--port=${options.port}`);
  if (options.token !== undefined) args.push(`--NotebookApp.token=${options.token}`, `--ServerApp.token=${options.token}`);
  if (!options.openBrowser) args.push("--no-browser");
  // Containers and CI often run as root, where Jupyter refuses to start without this flag.
  if (process.getuid?.() === 0) args.push("--allow-root");
  // Detached (its own process group): Ctrl-C reaches only us, and `stop` shuts it down cleanly.
  const child = spawn(found.command, args, { env: jupyterEnv(options.env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  const pid = child.pid;
  const onExit = () => killGroup(pid, "SIGTERM");
  process.once("exit", onExit);
  const exited = new Promise<number>((resolve) =>
    child.on("close", (code, signal) => {
      process.removeListener("exit", onExit);
      resolve(code ?? (signal ? 128 : 1));
    }),
  );
  const stop = async (timeoutMs = 15_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(pid, "SIGTERM");
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
    if (!done) {
      killGroup(pid, "SIGKILL");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    }
  };
  let log = "";
  try {
    if (pid === undefined) throw new StreamlabError("JUPYTER_FAILED", `Could not start ${found.command}.`);
    const url = await withTimeout(
      new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          const text = chunk.toString("utf8");
          log += text;
          options.out?.write(text);
          const match = /(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|[\w.-]+):\d+\/[^\s]*)/.exec(log);
          if (match) resolve(match[1]);
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        child.on("error", reject);
        void exited.then((code) => reject(new StreamlabError("JUPYTER_FAILED", `${path.basename(found.command)} exited with code ${code} before it was ready: ${log.trim().split("\n").slice(-10).join("\n")}`)));
      }),
      options.startTimeoutMs ?? 60_000,
      `waiting for ${path.basename(found.command)} to start`,
    );
    return { app: found.app, command: found.command, args, url, pid, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Opens JupyterLab (or the classic Notebook when Lab is missing) on notebooks/ with the
 * project's kernel, prints its URL and resolves with its exit code when it stops (Ctrl-C stops it).
 * Throws a `StreamlabError` with install instructions when neither is installed.
 */
export async function openLab(options: JupyterServerOptions = {}): Promise<number> {
  const server = await startJupyterServer({ openBrowser: true, ...options });
  options.out?.write(`Jupyter${server.app === "lab" ? "Lab" : " Notebook"} is running at ${server.url} (Ctrl-C stops it)\n`);
  const onSignal = () => void server.stop();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await server.exited;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
