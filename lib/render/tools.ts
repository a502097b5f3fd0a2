/**
 * The external programs rendering needs, found on this machine: a Python with nbclient and
 * nbconvert, executables on PATH, JupyterLab or the classic Notebook; the environment they run
 * in (the project's kernel on JUPYTER_PATH), and bounded waits for them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StreamlabError } from "../errors";
import { KERNEL_SPEC, PROJECT_JUPYTER_DIR } from "./paths";

const INSTALL_JUPYTER_HINT =
  "install it with `sudo apt-get install python3-nbclient jupyter-nbconvert jupyter-notebook` (Debian/Ubuntu) " +
  "or `pip install nbclient nbconvert jupyterlab`";

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
  throw new StreamlabError(
    "PYTHON_NOT_FOUND",
    `No Python with nbclient and nbconvert was found (tried /usr/bin/python3 and python3 on PATH): ${INSTALL_JUPYTER_HINT}.`,
  );
}

/** The first executable among `names` found on PATH (or in the given extra folders), else null. */
export function findExecutable(names: readonly string[], extraDirs: readonly string[] = []): string | null {
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

/** Whether `file` is an executable regular file. */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
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

/** Settles like `promise`, or rejects with a `StreamlabError` `TIMEOUT` naming `what` after `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StreamlabError("TIMEOUT", `Timed out after ${timeoutMs} ms ${what}.`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The environment for Python/Jupyter: the caller's env plus the project's JUPYTER_PATH. */
export function jupyterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  env.JUPYTER_PATH = [PROJECT_JUPYTER_DIR, env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  env.PYTHONUNBUFFERED = "1";
  return env;
}

/** Throws a `StreamlabError` `KERNEL_NOT_REGISTERED` naming the fix when the project's kernel spec is missing or points nowhere. */
export function checkKernelRegistered(): void {
  let argv: unknown;
  try {
    argv = (JSON.parse(fs.readFileSync(KERNEL_SPEC, "utf8")) as { argv?: unknown }).argv;
  } catch {
    throw new StreamlabError(
      "KERNEL_NOT_REGISTERED",
      `The "streamlab" kernel is not registered (${path.relative(process.cwd(), KERNEL_SPEC)} is missing): run \`node scripts/register-kernel.cjs\` (npm install does it).`,
    );
  }
  const script = Array.isArray(argv) ? argv[1] : undefined;
  if (typeof script !== "string" || !fs.existsSync(script)) {
    throw new StreamlabError(
      "KERNEL_NOT_REGISTERED",
      `The "streamlab" kernel points to ${JSON.stringify(script)}, which does not exist (was the project moved?): run \`node scripts/register-kernel.cjs\`.`,
    );
  }
}
