/**
 * Data that holds HTML or script text must show as text in tables and charts, and run nothing:
 * checked in a real (headless, offline) browser, not only in the markup.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import { describeFields } from "../lib/binance/fields";
import { tradeColumns } from "../lib/analysis/columns";
import { priceBySideFigure } from "../lib/notebook/figures";
import { renderChartHtml, renderHtmlPage, renderTableHtml } from "../lib/notebook/html";
import { launchChromium } from "../lib/render/chromium";
import { CHARTS_DRAWN, missingTool } from "./browser-helpers";
import { makeTempDir } from "./helpers";

const IMG = '<img src=x onerror="globalThis.__pwned=1">';
const SCRIPT = "</script><script>globalThis.__pwned=2</script>";

test("a table and a chart of a message with HTML/script in its fields show it as text and run nothing", async (t) => {
  const missing = missingTool(["chromium"]);
  if (missing) return t.skip(missing);
  const hostile = {
    localTimestamp: 1680652700441.5,
    stream: "btcusdt@trade",
    data: { e: "trade", E: 1680652700455, T: 1680652700452, s: `BTC${IMG}${SCRIPT}`, t: 1, p: "28145.10", q: "0.002", X: SCRIPT, m: true },
  };
  const second = { ...hostile, data: { ...hostile.data, t: 2, E: 1680652701455, p: "28146.10", m: false } };
  const table = renderTableHtml(describeFields(hostile.data), { caption: `Fields of ${IMG}` });
  const chart = renderChartHtml(priceBySideFigure(tradeColumns([hostile, second])));
  for (const html of [table, chart]) {
    assert.ok(!html.includes("<img src=x"), "no raw <img> from data");
    assert.ok(!/<script>globalThis/.test(html), "no raw <script> from data");
  }
  const file = path.join(makeTempDir(), "hostile.html");
  fs.writeFileSync(file, renderHtmlPage([table, chart], { title: `Hostile ${IMG}`, includePlotly: true }));

  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await page.waitForFunction(CHARTS_DRAWN, undefined, { timeout: 60_000 });
    await page.waitForTimeout(300);
    const state = (await page.evaluate(`(() => ({
      pwned: globalThis.__pwned ?? null,
      imgs: document.querySelectorAll("img:not(.streamlab-chart-fallback)").length,
      cellText: [...document.querySelectorAll(".streamlab-table td")].map((td) => td.textContent).join("\\n"),
      chartText: document.querySelector(".streamlab-chart")?.textContent ?? "",
      title: document.title,
    }))()`)) as { pwned: number | null; imgs: number; cellText: string; chartText: string; title: string };
    assert.equal(state.pwned, null, "no injected script ran");
    assert.deepEqual(dialogs, []);
    assert.equal(state.imgs, 0, "no <img> element came from data");
    assert.ok(state.cellText.includes(`BTC${IMG}${SCRIPT}`), "the symbol shows as text in the table");
    assert.ok(state.chartText.includes("BTC<img src=x"), "the chart title shows the symbol as text");
    assert.ok(state.title.includes("<img"), "the page title is text");
  } finally {
    await browser.close();
  }
});
