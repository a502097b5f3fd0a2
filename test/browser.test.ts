import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { pathToFileURL } from "url";
import { findChartIds } from "../lib/render/chart-fallback";
import { findChromium, launchChromium, type HeadlessBrowser } from "../lib/render/chromium";
import { startJupyterServer, type JupyterServer } from "../lib/render/jupyter-server";
import { renderWorkspace } from "../lib/render/render-workspace";
import { CHARTS_DRAWN, missingTool, readPage } from "./browser-helpers";
import { FIXTURES, makeTempDir } from "./helpers";

const SMOKE = path.join(FIXTURES, "notebooks", "smoke.ipynb");
const WAIT_MS = 90_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Kills (by pid) processes whose command line names `marker`, e.g. kernels started in our runtime dir. */
function killProcessesMentioning(marker: string): number[] {
  if (!fs.existsSync("/proc")) return [];
  const killed: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) continue;
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return killed;
}

/** Shuts the server's kernels down through its REST API (bounded). */
async function shutDownKernels(server: JupyterServer, token: string): Promise<void> {
  const base = new URL(server.url).origin;
  const headers = { Authorization: `token ${token}` };
  const response = await fetch(`${base}/api/kernels`, { headers, signal: AbortSignal.timeout(10_000) });
  const kernels = (await response.json()) as Array<{ id: string }>;
  await Promise.all(
    kernels.map((kernel) => fetch(`${base}/api/kernels/${kernel.id}`, { method: "DELETE", headers, signal: AbortSignal.timeout(10_000) })),
  );
}

test("rendered notebooks draw their charts offline, in exported HTML and in the classic Notebook", { timeout: 600_000 }, async (t) => {
  const missing = missingTool(["python", "chromium"]);
  if (missing) return t.skip(missing);
  const chromium = findChromium() as string;
  const outputDir = makeTempDir("streamlab-browser-");
  const dataDir = makeTempDir("streamlab-jupyter-data-");

  let started = Date.now();
  const summary = await renderWorkspace({ notebooks: [SMOKE], outputDir, chromiumPath: chromium, env: { JUPYTER_DATA_DIR: dataDir } });
  t.diagnostic(`render with Chromium: ${Date.now() - started} ms (${JSON.stringify(summary.timings)})`);
  const [smoke] = summary.notebooks;
  assert.equal(smoke.errors, 0, JSON.stringify(smoke.errorDetails));
  assert.equal(summary.pngFallbacks, true, summary.notes.join("\n"));
  assert.equal(smoke.charts, 1);
  assert.equal(smoke.fallbacks, 1);
  assert.equal(smoke.trusted, true);
  const ipynbText = fs.readFileSync(smoke.ipynb, "utf8");
  const pngs = [...ipynbText.matchAll(/streamlab-chart-fallback[^>]*src=\\"data:image\/png;base64,([A-Za-z0-9+/=]+)/g)].map((match) =>
    Buffer.from(match[1], "base64"),
  );
  assert.equal(pngs.length, 1, "one PNG fallback in the notebook");
  assert.equal(pngs[0].subarray(1, 4).toString("latin1"), "PNG");
  t.diagnostic(`PNG fallback: ${(pngs[0].length / 1024).toFixed(1)} KiB`);
  const fileIds = findChartIds(ipynbText.replace(/\\"/g, '"'));

  const browser: HeadlessBrowser = await launchChromium({ executablePath: chromium });
  try {
    await t.test("exported HTML, opened offline", async () => {
      const page = await browser.context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      started = Date.now();
      await page.goto(pathToFileURL(smoke.html).href, { waitUntil: "load", timeout: WAIT_MS });
      await page.waitForFunction(CHARTS_DRAWN, undefined, { timeout: WAIT_MS });
      t.diagnostic(`HTML drawn in ${Date.now() - started} ms`);
      const state = await readPage(page, "table");
      assert.ok(state.charts.length > 0);
      for (const chart of state.charts) {
        assert.ok(chart.svgs > 0 && chart.traces > 0, `chart ${chart.id} has a plotly SVG with traces`);
        assert.equal(chart.fallbackShown, false, `chart ${chart.id}: the PNG fallback is hidden once plotly draws`);
        assert.equal(chart.fallbackLoaded, true, `chart ${chart.id}: the PNG fallback is a valid image`);
      }
      assert.ok(state.tables.length > 0 && state.tables.every((rows) => rows > 0), `every table has rows: ${JSON.stringify(state.tables)}`);
      assert.deepEqual(pageErrors, []);
      const screenshot = smoke.html.replace(/\.html$/, ".png");
      await page.screenshot({ path: screenshot, fullPage: true });
      await page.close();
    });

    await t.test("classic Jupyter Notebook shows the signed notebook's charts without running it", async (st) => {
      const noNotebook = missingTool(["notebook"]);
      if (noNotebook) return st.skip(noNotebook);
      const notebookDir = makeTempDir("streamlab-notebook-dir-");
      const runtimeDir = makeTempDir("streamlab-jupyter-runtime-");
      fs.copyFileSync(smoke.ipynb, path.join(notebookDir, "smoke.ipynb"));
      // An unsigned copy (one metadata key differs): the Notebook must not run its scripts.
      const unsigned = JSON.parse(ipynbText) as { metadata: Record<string, unknown> };
      unsigned.metadata.streamlab_test = "unsigned copy";
      fs.writeFileSync(path.join(notebookDir, "unsigned.ipynb"), JSON.stringify(unsigned));
      const token = randomBytes(16).toString("hex");
      const env = {
        JUPYTER_DATA_DIR: dataDir,
        JUPYTER_CONFIG_DIR: makeTempDir("streamlab-jupyter-config-"),
        JUPYTER_RUNTIME_DIR: runtimeDir,
      };
      let server: JupyterServer | undefined;
      let strays: number[];
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1100, height: 1600 });
      try {
        started = Date.now();
        server = await startJupyterServer({ app: "notebook", notebookDir, port: await freePort(), token, env, startTimeoutMs: WAIT_MS });
        t.diagnostic(`${path.basename(server.command)} ready in ${Date.now() - started} ms`);
        const base = new URL(server.url).origin;

        started = Date.now();
        await page.goto(`${base}/notebooks/smoke.ipynb?token=${token}`, { waitUntil: "domcontentloaded", timeout: WAIT_MS });
        await page.waitForFunction(CHARTS_DRAWN, undefined, { timeout: WAIT_MS });
        t.diagnostic(`classic Notebook drawn in ${Date.now() - started} ms`);
        const state = await readPage(page, "#notebook-container table");
        assert.equal(state.trusted, "Trusted");
        assert.deepEqual(
          state.charts.map((chart) => chart.id),
          fileIds,
          "the saved outputs are shown, not new ones",
        );
        for (const chart of state.charts) assert.ok(chart.svgs > 0 && chart.traces > 0, `chart ${chart.id} is drawn`);
        assert.ok(
          state.tables.length > 0 && state.tables.every((rows) => rows > 0),
          `every table has rows: ${JSON.stringify(state.tables)}`,
        );
        await page.screenshot({ path: path.join(outputDir, "smoke-classic-notebook.png") });

        await page.goto(`${base}/notebooks/unsigned.ipynb?token=${token}`, { waitUntil: "domcontentloaded", timeout: WAIT_MS });
        await page.waitForFunction(`document.querySelectorAll(".streamlab-chart img.streamlab-chart-fallback").length > 0`, undefined, {
          timeout: WAIT_MS,
        });
        await page.waitForTimeout(1000);
        const untrusted = await readPage(page, "#notebook-container table");
        assert.equal(untrusted.trusted, "Not Trusted");
        for (const chart of untrusted.charts) {
          assert.equal(chart.svgs, 0, "an untrusted notebook runs no scripts");
          assert.equal(chart.fallbackShown, true, "the PNG fallback shows instead");
          assert.equal(chart.fallbackLoaded, true);
        }
      } finally {
        await page.close().catch(() => undefined);
        if (server) {
          await shutDownKernels(server, token).catch((error: Error) => t.diagnostic(`kernel shutdown: ${error.message}`));
          await server.stop();
        }
        strays = killProcessesMentioning(runtimeDir);
      }
      assert.deepEqual(strays, [], "no kernel outlived the server");
    });
  } finally {
    await browser.close();
  }
});
