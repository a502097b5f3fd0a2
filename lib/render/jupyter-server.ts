/**
 * JupyterLab (or the classic Notebook) on notebooks/ with the project's kernel: started as its
 * own process group, its URL read from its log, stopped cleanly.
 */
import { spawn } from "child_process";
import * as path from "path";
import { StreamlabError } from "../errors";
import { NOTEBOOKS_DIR } from "./paths";
import { checkKernelRegistered, findJupyter, jupyterEnv, withTimeout } from "./tools";

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
 * Starts JupyterLab (or the classic Notebook) with the project's kernel and resolves once it
 * printed its URL. Stop it with `server.stop()`.
 * @example const server = await startJupyterServer({ app: "notebook", port: 8890, token: "t" });
 */
export async function startJupyterServer(options: JupyterServerOptions = {}): Promise<JupyterServer> {
  const found = findJupyter(options.app);
  if (!found) {
    const missing =
      options.app === "notebook"
        ? "Jupyter Notebook is not"
        : options.app === "lab"
          ? "JupyterLab is not"
          : "Neither JupyterLab nor Jupyter Notebook is";
    throw new StreamlabError(
      "JUPYTER_NOT_FOUND",
      `${missing} installed: install JupyterLab with \`pip install jupyterlab\`, or on Debian/Ubuntu the classic Notebook with \`sudo apt-get install jupyter-notebook\`.`,
    );
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
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
    ]);
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
        void exited.then((code) =>
          reject(
            new StreamlabError(
              "JUPYTER_FAILED",
              `${path.basename(found.command)} exited with code ${code} before it was ready: ${log.trim().split("\n").slice(-10).join("\n")}`,
            ),
          ),
        );
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

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
