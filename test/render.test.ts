import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { findChartIds, insertChartFallback } from "../lib/render/chart-fallback";
import { executeNotebooks } from "../lib/render/execute";
import { formatIndex } from "../lib/render/index-page";
import { findCharts, findDataLine, findTitle, type NotebookJson } from "../lib/render/notebook-json";
import { renderWorkspace } from "../lib/render/render-workspace";
import { findPython } from "../lib/render/tools";
import { missingTool } from "./browser-helpers";
import { FIXTURES, makeTempDir } from "./helpers";

const SMOKE = path.join(FIXTURES, "notebooks", "smoke.ipynb");
/** The first bundled trade's price, as the notebook prints the decoded record. */
const FIRST_PRICE = "price: 83849.7";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

function outputsOf(file: string): Output[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: Array<{ outputs?: Output[] }> };
  return nb.cells.flatMap((cell) => cell.outputs ?? []);
}

function textOf(output: Output): string {
  const join = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join("") : (value ?? ""));
  return (
    join(output.text) +
    Object.values(output.data ?? {})
      .map(join)
      .join("")
  );
}

test("findPython finds a Python with nbclient", (t) => {
  const missing = missingTool(["python"]);
  if (missing) return t.skip(missing);
  assert.match(findPython(), /python3$/);
});

test("findChartIds and insertChartFallback follow the chart contract", () => {
  const html =
    '<div id="c1" class="streamlab-chart" style="height:300px"><div class="streamlab-chart-fallback">Chart “Price”: drawn by plotly.js</div></div>\n' +
    '<script>draw("c1")</script><div class="other" id="x"></div><div class=\'streamlab-chart wide\' id=\'c2\'></div>';
  assert.deepEqual(findChartIds(html), ["c1", "c2"]);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
  const once = insertChartFallback(html, "c1", png);
  assert.match(
    once,
    /<div id="c1"[^>]*><img class="streamlab-chart-fallback" alt="Price" src="data:image\/png;base64,iVBORw==" [^>]*><\/div>/,
  );
  assert.doesNotMatch(once, /drawn by plotly/);
  const twice = insertChartFallback(once, "c1", png);
  assert.equal(twice.match(/streamlab-chart-fallback/g)?.length, 1, "a second fallback replaces the first");
  assert.match(insertChartFallback(html, "c2", png), /id='c2'><img class="streamlab-chart-fallback"/);
  assert.equal(insertChartFallback(html, "missing", png), html);
});

test("the title, the data line and the charts are found in a notebook's JSON, and the index escapes them", () => {
  const nb: NotebookJson = {
    cells: [
      {
        cell_type: "code",
        source: "",
        outputs: [{ output_type: "stream", name: "stdout", text: ["warming up\n", "Data: bundled recording <a&b>\n"] }],
      },
      { cell_type: "markdown", source: ["intro\n", "## The **[depth](https://example.invalid)** book ##\n"] },
      {
        cell_type: "code",
        source: "",
        outputs: [{ output_type: "display_data", data: { "text/html": '<div class="streamlab-chart" id="k1"></div>' } }],
      },
    ],
  };
  assert.equal(findTitle(nb), "The depth book");
  assert.equal(findDataLine(nb), "Data: bundled recording <a&b>");
  assert.deepEqual(findCharts(nb), [{ id: "k1", cell: 2, output: 0 }]);
  assert.equal(findTitle({ cells: [] }), null);
  assert.equal(findDataLine({ cells: [] }), null);

  const html = formatIndex(
    [
      {
        name: "02 trade",
        title: "<b>Trades</b>",
        dataLine: "Data: <x>",
        source: "",
        html: "/tmp/02 trade.html",
        ipynb: "/tmp/02 trade.ipynb",
        errors: 2,
        errorDetails: [],
        seconds: 1.25,
        charts: 0,
        fallbacks: 0,
        trusted: false,
      },
    ],
    ["note <1>"],
    null,
  );
  assert.ok(html.includes('<a href="02%20trade.html">&lt;b&gt;Trades&lt;/b&gt;</a>'), html);
  assert.ok(html.includes('<a href="02%20trade.ipynb">.ipynb</a>'));
  assert.ok(html.includes("<td>Data: &lt;x&gt;</td>"));
  assert.ok(html.includes('<strong class="errors">2</strong>'));
  assert.ok(html.includes("1.3 s") || html.includes("1.2 s"));
  assert.ok(html.includes("<p>note &lt;1&gt;</p>"));
  assert.ok(html.includes("are not signed"));
});

test("the smoke notebook runs with the project kernel without errors and renders without Chromium", { timeout: 300_000 }, async (t) => {
  const missing = missingTool(["python"]);
  if (missing) return t.skip(missing);
  const outputDir = makeTempDir("streamlab-render-");
  const dataDir = makeTempDir("streamlab-jupyter-data-");
  const started = Date.now();
  const summary = await renderWorkspace({ notebooks: [SMOKE], outputDir, chromiumPath: null, env: { JUPYTER_DATA_DIR: dataDir } });
  t.diagnostic(`render without Chromium: ${Date.now() - started} ms (${JSON.stringify(summary.timings)})`);

  const [smoke] = summary.notebooks;
  assert.deepEqual(smoke.errorDetails, []);
  assert.equal(smoke.errors, 0);
  const outputs = outputsOf(smoke.ipynb);
  assert.ok(
    outputs.some((output) => textOf(output).includes(FIRST_PRICE)),
    `the decoded trade (${FIRST_PRICE}) is in the outputs`,
  );
  assert.ok(
    outputs.some((output) => textOf(output).includes("<table")),
    "a table output",
  );
  assert.equal(smoke.charts, 1);

  assert.equal(summary.pngFallbacks, false);
  assert.equal(smoke.fallbacks, 0);
  assert.match(summary.notes.join("\n"), /No PNG fallbacks: Chromium/);

  assert.equal(smoke.trusted, true);
  assert.equal(summary.dataDir, dataDir);
  assert.ok(fs.existsSync(path.join(dataDir, "nbsignatures.db")), "signed in the given Jupyter data dir");

  const html = fs.readFileSync(smoke.html, "utf8");
  assert.ok(html.includes("Plotly.newPlot"), "the chart script is in the HTML");
  assert.ok(html.includes("plotly.js v4"), "the plotly bundle is in the HTML");

  const index = fs.readFileSync(summary.indexHtml, "utf8");
  assert.ok(index.includes('<a href="smoke.html">Smoke test: decode, table, chart</a>'));
  assert.ok(index.includes("Data: bundled recording data/bundled/btcusdt-trade.json"));
  assert.equal(smoke.dataLine, "Data: bundled recording data/bundled/btcusdt-trade.json");
});

test(
  "executeNotebooks reports compile errors, runtime errors and stderr, and runs the cells after them",
  { timeout: 120_000 },
  async (t) => {
    const missing = missingTool(["python"]);
    if (missing) return t.skip(missing);
    const dir = makeTempDir("streamlab-failing-");
    const cell = (source: string) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });
    const nb = {
      cells: [
        cell('const n: number = "not a number";'),
        cell('throw new Error("boom");'),
        cell('console.error("careful");'),
        cell('console.log("still " + "running");'),
      ],
      metadata: { kernelspec: { name: "streamlab", display_name: "TypeScript (streamlab)", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 4,
    };
    const file = path.join(dir, "failing.ipynb");
    fs.writeFileSync(file, JSON.stringify(nb));

    const [strict] = await executeNotebooks([file], { outputDir: path.join(dir, "out") });
    assert.deepEqual(
      strict.errors.map((error) => error.cell),
      [0, 1, 2],
    );
    assert.match(strict.errors[0].evalue, /Type 'string' is not assignable to type 'number'/);
    assert.match(strict.errors[1].evalue, /Error: boom/);
    assert.ok(
      outputsOf(strict.output).some((output) => textOf(output).includes("still running")),
      "the last cell ran",
    );

    const [lenient] = await executeNotebooks([file], { outputDir: path.join(dir, "out"), allowStderr: true });
    assert.deepEqual(
      lenient.errors.map((error) => error.cell),
      [0, 1],
      "with allowStderr only the failed cells count",
    );
  },
);
