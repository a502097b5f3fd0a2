/**
 * Executes every notebook in notebooks/ with the project's tslab kernel against the replay server
 * (no network), renders them, checks key outputs, then opens each rendered HTML offline in
 * headless Chromium: every chart drawn with data traces, every table with rows, a screenshot of
 * each next to its HTML. Everything goes to a temporary folder, never reports/; the render runs
 * once, for whichever test needs it first.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import { pathToFileURL } from "url";
import { launchChromium } from "../lib/render/chromium";
import { NOTEBOOKS_DIR } from "../lib/render/paths";
import { renderWorkspace, type RenderSummary } from "../lib/render/render-workspace";
import { CHARTS_DRAWN, missingTool, readPage } from "./browser-helpers";
import { makeTempDir } from "./helpers";

const NOTEBOOKS = [
  "00-overview",
  "01-ticker",
  "02-trade",
  "03-mini-ticker",
  "04-depth",
  "05-agg-trade",
  "06-mark-price-funding",
  "07-klines",
  "08-book-ticker",
  "09-liquidations",
  "10-market-overview",
  "11-datasets-and-sql",
];

/** Every stdout/stderr text and HTML output of an executed notebook, joined. */
function outputText(ipynb: string): string {
  const notebook = JSON.parse(fs.readFileSync(ipynb, "utf8")) as {
    cells: Array<{ outputs?: Array<{ text?: string | string[]; data?: Record<string, string | string[]> }> }>;
  };
  const parts: string[] = [];
  for (const cell of notebook.cells) {
    for (const output of cell.outputs ?? []) {
      if (output.text) parts.push([output.text].flat().join(""));
      const html = output.data?.["text/html"];
      if (html && !String(html).includes("Plotly v")) parts.push([html].flat().join(""));
      const plain = output.data?.["text/plain"];
      if (plain) parts.push([plain].flat().join(""));
    }
  }
  return parts.join("\n");
}

const RENDER_MS = 15 * 60_000;
let rendering: Promise<RenderSummary> | undefined;

/** Every notebook in notebooks/, rendered against the replay server into a temporary folder; the first call renders, later calls share the result. */
function renderNotebooks(): Promise<RenderSummary> {
  rendering ??= renderWorkspace({
    outputDir: makeTempDir("streamlab-notebooks-"),
    env: { STREAMLAB_SOURCE: "replay", JUPYTER_DATA_DIR: makeTempDir("streamlab-jupyter-data-") },
  });
  return rendering;
}

test("every notebook runs top to bottom against the replay server with zero errors", { timeout: RENDER_MS }, async (t) => {
  const missing = missingTool(["python"]);
  if (missing) return t.skip(missing);
  assert.deepEqual(
    fs
      .readdirSync(NOTEBOOKS_DIR)
      .filter((f) => f.endsWith(".ipynb"))
      .map((f) => f.replace(/\.ipynb$/, ""))
      .sort(),
    NOTEBOOKS,
  );
  const summary = await renderNotebooks();
  for (const notebook of summary.notebooks) {
    assert.equal(notebook.errors, 0, `${notebook.name}: ${JSON.stringify(notebook.errorDetails)}`);
    assert.ok(notebook.charts > 0, `${notebook.name} has charts`);
    assert.equal(notebook.trusted, true, `${notebook.name} is signed`);
    assert.match(notebook.dataLine ?? "", /^Data: replay of the bundled recordings/, notebook.name);
  }
  const text = (name: string) => outputText(summary.notebooks.find((n) => n.name === name)!.ipynb);
  // the original notebook's result, on the seed's 20 trades
  const trade = text("02-trade");
  assert.match(trade, /6 buys, 14 sells/);
  assert.match(trade, /buy \/ sell notional × 100 = 14\.42 %/);
  assert.match(trade, /No gaps: 20 consecutive trade ids\./);
  assert.match(text("00-overview"), /6 buys, 14 sells; buy \/ sell notional × 100 = 14\.42 %/);
  const depth = text("04-depth");
  assert.match(depth, /Chain unbroken: 2000 updates, every pu equals the previous u\./);
  assert.match(depth, /[1-9]\d* bookTicker messages shared an update id with a depth event: [1-9]\d* matches, 0 mismatches\./);
  assert.match(depth, /BTCUSDT synced at u=\d+: best bid \d+\.\d\d × \d+\.\d{3}, best ask \d+\.\d\d × \d+\.\d{3}, spread \d+\.\d\d/);
  assert.match(
    depth,
    /[1-9]\d* moments with a synced book then and 1000 ms later: correlation of imbalance with the next mid move -?\d\.\d{3}\./,
  );
  assert.match(depth, /1 depth gap\(s\), 1 resync\(s\): 2 snapshot\(s\) stored/);
  assert.match(depth, /Synced again at u=\d+: the book is exact again\./);
  assert.match(text("01-ticker"), /priceChangePercent/);
  assert.match(text("03-mini-ticker"), /In @ticker but not in @miniTicker/);
  assert.match(text("05-agg-trade"), /VWAP over 3 aggregates: 83869\.80/);
  // the notebooks of every other market stream, on the bundled real recordings
  const funding = text("06-mark-price-funding");
  assert.match(funding, /^514 mark-price updates: mark − index averaged -\d+\.\d\d bp/m);
  assert.match(
    funding,
    /Funding time 2023-04-05 00:00:00 UTC passed \(last rate before it 0\.0028 %\); the next one is 2023-04-05 08:00:00 UTC\./,
  );
  const klines = text("07-klines");
  assert.match(
    klines,
    /2 candle\(s\), 72 trades added between first and last update: the trade stream delivered the same trade ids on 2 of 2\./,
  );
  assert.match(
    klines,
    /No continuousKline message in this data \(no real recording of it is bundled\)\. What follows is Binance's documented example, NOT market data/,
  );
  const bookTicker = text("08-book-ticker");
  assert.match(bookTicker, /^3000 bookTicker updates \(\d+\.\d\/s\): the spread was one tick \(0\.1\)/m);
  assert.match(bookTicker, /[1-9]\d* bookTicker messages shared an update id with a depth event: [1-9]\d* matches, 0 mismatches\./);
  const liquidations = text("09-liquidations");
  assert.match(liquidations, /No bundled recording holds !forceOrder@arr: left out\./);
  assert.match(
    liquidations,
    /No forceOrder message in this data \(no real recording of it is bundled\)\. What follows is Binance's documented example, NOT market data/,
  );
  assert.match(liquidations, /Binance's documented example, not market data: 1 longs liquidated/);
  assert.match(text("10-market-overview"), /That is not the whole market: only BTCUSDT, IOTXUSDT\./);
  const datasets = text("11-datasets-and-sql");
  assert.match(datasets, /samples exported to .*: 0 files written, [1-9]\d* unchanged, 0 removed\./);
  assert.match(datasets, /Queries below read btcusdt-2023-04-04-hftbacktest-markprice-trade\./);
  assert.match(datasets, /Running VWAP at the end: 28146\.01/);
  assert.match(datasets, /Spread of \S+: [1-9]\d* seconds\./, "the spread reads a sample that has bookTicker updates");
  assert.ok(fs.existsSync(summary.indexHtml));
  const index = fs.readFileSync(summary.indexHtml, "utf8");
  for (const name of NOTEBOOKS) assert.ok(index.includes(`${name}.html`), `index links ${name}`);
});

test(
  "each rendered notebook draws every chart and fills every table in an offline browser",
  { timeout: RENDER_MS + 10 * 60_000 },
  async (t) => {
    const missing = missingTool(["python", "chromium"]);
    if (missing) return t.skip(missing);
    const summary = await renderNotebooks();
    assert.deepEqual(
      summary.notebooks.map((notebook) => notebook.name),
      NOTEBOOKS,
      "every notebook was rendered",
    );
    const browser = await launchChromium({ viewport: { width: 1100, height: 900 } });
    try {
      for (const notebook of summary.notebooks) {
        const page = await browser.context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.goto(pathToFileURL(notebook.html).href, { waitUntil: "load", timeout: 120_000 });
        await page.waitForFunction(CHARTS_DRAWN, undefined, { timeout: 120_000 }).catch(async (error: Error) => {
          const state = await readPage(page, ".streamlab-table table");
          throw new Error(`${notebook.name}: not every chart drew (${JSON.stringify(state.charts)}): ${error.message}`);
        });
        const state = await readPage(page, ".streamlab-table table");
        assert.equal(state.charts.length, notebook.charts, `${notebook.name}: every chart output is on the page`);
        for (const chart of state.charts) {
          assert.ok(chart.svgs > 0 && chart.traces > 0, `${notebook.name} chart ${chart.id} drawn with traces`);
          assert.equal(chart.fallbackShown, false, `${notebook.name} chart ${chart.id}: the PNG fallback hides once plotly draws`);
        }
        assert.ok(state.tables.length > 0, `${notebook.name} has tables`);
        assert.ok(
          state.tables.every((rows) => rows > 0),
          `${notebook.name}: every table has rows (${state.tables})`,
        );
        assert.deepEqual(errors, [], `${notebook.name}: no script errors`);
        await page.screenshot({ path: notebook.html.replace(/\.html$/, ".png"), fullPage: true });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  },
);
