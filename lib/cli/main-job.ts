/**
 * `npm start`: the workspace's main job. Checks whether Binance can be reached; if not, says so
 * and uses the bundled real recordings through a local replay server. Then executes every
 * notebook with the project's kernel, signs them, and writes shareable HTML to reports/.
 */
import * as path from "path";
import { InvalidArgumentError } from "../errors";
import { combinedStreamUrl, resolveEndpoints } from "../binance/endpoints";
import { StreamConnection } from "../capture/connection";
import { renderWorkspace } from "../render/render-workspace";
import { SOURCE_ENV, type DataSource } from "../notebook/workspace";

/** Options of `runMainJob`. */
export interface MainJobOptions {
  /** `auto` (default: live when reachable, else replay), `live`, `replay` or `bundled`. */
  source?: string;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** How long to wait for Binance before falling back. Default 5000 ms. */
  probeTimeoutMs?: number;
  /** Passed on to renderWorkspace. */
  outputDir?: string;
  notebooks?: readonly string[];
}

/**
 * Resolves with `null` when a websocket to Binance opens (a market stream connection is opened
 * and closed at once), else with the reason it could not.
 */
export async function probeLive(timeoutMs = 5000): Promise<string | null> {
  const { wsBaseUrl } = resolveEndpoints();
  const url = combinedStreamUrl(wsBaseUrl, "market", ["btcusdt@miniTicker"]);
  try {
    const connection = await StreamConnection.open(url, { onFrame: () => undefined }, { connectTimeoutMs: timeoutMs });
    await connection.close();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Runs the main job and resolves with the exit code (0 when every notebook ran without errors). */
export async function runMainJob(options: MainJobOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout;
  const requested = options.source ?? process.env[SOURCE_ENV] ?? "auto";
  if (!["auto", "live", "replay", "bundled"].includes(requested)) {
    throw new InvalidArgumentError(
      "INVALID_SOURCE",
      `Invalid source ${JSON.stringify(requested)}: expected auto, live, replay or bundled.`,
    );
  }
  let source = requested as DataSource | "auto";
  if (source === "auto" || source === "live") {
    const reason = await probeLive(options.probeTimeoutMs);
    if (reason === null) {
      source = "live";
      out.write("Binance is reachable: the notebooks capture live data.\n");
    } else if (source === "auto") {
      source = "replay";
      out.write(`No network to Binance (${reason}).\nUsing the bundled real recordings (data/bundled) through a local replay server.\n`);
    } else {
      out.write(`Binance cannot be reached (${reason}); the notebooks fall back to saved or bundled samples.\n`);
    }
  }
  const summary = await renderWorkspace({
    env: { [SOURCE_ENV]: source },
    out,
    outputDir: options.outputDir,
    notebooks: options.notebooks,
  });
  const failed = summary.notebooks.filter((notebook) => notebook.errors > 0);
  for (const notebook of summary.notebooks) {
    out.write(
      `  ${notebook.errors === 0 ? "ok  " : "FAIL"} ${path.relative(process.cwd(), notebook.html)} (${notebook.seconds.toFixed(1)} s, ${notebook.charts} charts${notebook.errors ? `, ${notebook.errors} errors` : ""})\n`,
    );
  }
  out.write(`Reports: ${path.relative(process.cwd(), summary.indexHtml) || summary.indexHtml}\n`);
  return failed.length === 0 ? 0 : 1;
}
