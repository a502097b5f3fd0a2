/**
 * Makes docs/trade-chart.png, the chart the README shows: the price of every BTCUSDT trade in the
 * bundled hftbacktest recording, coloured by the taker's side, drawn by headless Chromium.
 * Run: npx tsx scripts/make-readme-chart.ts
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { tradeColumns } from "../lib/analysis/columns";
import { priceBySideFigure } from "../lib/notebook/figures";
import { renderChartHtml, renderHtmlPage } from "../lib/notebook/html";
import { launchChromium } from "../lib/render/chromium";
import { loadSample } from "../lib/store/read";
import { selectMessages } from "../lib/store/storage";

async function makeReadmeChart(): Promise<void> {
  const root = path.join(__dirname, "..");
  const sample = loadSample(path.join(root, "data", "bundled", "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));
  const trades = tradeColumns(selectMessages(sample, "trade", "BTCUSDT"));
  const figure = priceBySideFigure(trades, { title: "BTCUSDT trades by taker side (bundled recording, 2023-04-04)" });
  const page = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "streamlab-readme-")), "chart.html");
  fs.writeFileSync(page, renderHtmlPage([renderChartHtml(figure, { id: "readme-chart" })], { includePlotly: true }));
  const browser = await launchChromium({ viewport: { width: 900, height: 500 } });
  try {
    const tab = await browser.context.newPage();
    await tab.goto(pathToFileURL(page).href, { waitUntil: "load" });
    await tab.waitForSelector("#readme-chart .main-svg");
    const out = path.join(root, "docs", "trade-chart.png");
    await tab.locator("#readme-chart").screenshot({ path: out });
    console.log(`wrote ${path.relative(process.cwd(), out)} (${fs.statSync(out).size} bytes)`);
  } finally {
    await browser.close();
  }
}

void makeReadmeChart();
