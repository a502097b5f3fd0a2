/**
 * Executing notebooks headless with the project's kernel, through scripts/execute_notebooks.py
 * (which also signs and exports them): one Python process per step, its JSON summary parsed.
 */
import { spawn } from "child_process";
import * as path from "path";
import { StreamlabError } from "../errors";
import { EXECUTE_SCRIPT } from "./paths";
import { checkKernelRegistered, findPython, jupyterEnv } from "./tools";

/** One failure found in an executed notebook. `cell` is null for kernel-level failures. */
export interface NotebookError {
  readonly cell: number | null;
  readonly ename: string;
  readonly evalue: string;
}

/** What a step of execute_notebooks.py returned: its exit code (0, or 1 when some notebook failed), its summary and its stderr. */
export interface PythonResult<T> {
  readonly code: number | null;
  readonly summary: T;
  readonly stderr: string;
}

/** The summary of the `run` step: per notebook its executed copy, time and errors. */
export interface RunSummary {
  notebooks: Array<{ path: string; output: string; seconds: number; error_count: number; errors: NotebookError[] }>;
}

/** The summary of the `sign` step: per notebook whether it is trusted, and the Jupyter data dir holding the signatures. */
export interface SignSummary {
  notebooks: Array<{ path: string; trusted: boolean }>;
  data_dir: string;
}

/** The summary of the `export` step: per notebook its HTML and how many output scripts nbconvert kept. */
export interface ExportSummary {
  notebooks: Array<{ path: string; html: string; scripts: number; missing_scripts: number }>;
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
  const run = await runPython<RunSummary>(
    [...args, ...notebooks.map((file) => path.resolve(file))],
    jupyterEnv(options.env),
    options.timeoutMs ?? 30 * 60_000,
  );
  return run.summary.notebooks.map((result) => ({
    path: result.path,
    output: result.output,
    seconds: result.seconds,
    errors: result.errors,
  }));
}

/**
 * Runs scripts/execute_notebooks.py and parses its JSON summary line. Exit code 1 means "some
 * notebook failed" and still has a summary; anything else without a summary throws.
 */
export function runPython<T>(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<PythonResult<T>> {
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
        reject(
          new StreamlabError("RENDER_FAILED", `${step} failed (exit code ${code}): ${stderr.trim().split("\n").slice(-15).join("\n")}`),
        );
      }
    });
  });
}
