import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import * as vm from "vm";
import { loadSample } from "../lib/store/read";
import type { StoredMessage } from "../lib/store/sample-format";
import { depthColumns, tickerColumns, tradeColumns } from "../lib/analysis/columns";
import { rebuildBestBidAsk } from "../lib/analysis/depth";
import { computeBuySellVolume, computeTradeBars } from "../lib/analysis/trade-stats";
import { computeReceiveLatency, countMessageRates } from "../lib/analysis/timing";
import { tradesFrame } from "../lib/notebook/frames";
import { showChart } from "../lib/notebook/charts";
import {
  escapeFigureText,
  escapeHtml,
  escapeScriptContent,
  formatCellValue,
  formatNumber,
  renderChartHtml,
  renderHtmlPage,
  renderPlotlyBundleHtml,
  renderTableHtml,
  serializeScriptJson,
  type PlotlyFigure,
} from "../lib/notebook/html";
import * as F from "../lib/notebook/figures";
import { priceBySideFigure } from "../lib/notebook/figures";
import { InvalidArgumentError } from "../lib/errors";
import { BUNDLED } from "./helpers";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "</script><script>alert(1)</script>";

/** Seed trades whose text fields hold HTML and script text, as a hostile or broken feed might send. */
function hostileTrades(): StoredMessage[] {
  return loadSample(path.join(BUNDLED, "btcusdt-trade.json")).messages.map((m) => ({
    ...m,
    stream: `${SCRIPT}@trade`,
    data: { ...(m.data as object), s: IMG, X: SCRIPT },
  }));
}

/** The `<script>` bodies of some HTML. */
function scriptBodies(html: string): string[] {
  return [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/gi)].map((match) => match[1]);
}

test("escapeHtml and number formatting", () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  assert.equal(escapeHtml(42), "42");
  assert.equal(formatNumber(83849.7), "83849.7");
  assert.equal(formatNumber(83849.123456789), "83849.123");
  assert.equal(formatNumber(0.1 + 0.2), "0.3");
  assert.equal(formatNumber(0.013), "0.013");
  assert.equal(formatNumber(14546677916.42), "14546677916.42");
  assert.equal(formatNumber(1742385491584), "1742385491584");
  assert.equal(formatNumber(14.415798679528924), "14.415799");
  assert.equal(formatNumber(-2.5), "-2.5");
  assert.equal(formatNumber(1e-9), "1e-9");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatCellValue(null), "");
  assert.equal(formatCellValue(true), "true");
  assert.equal(formatCellValue([1, 2]), "[1,2]");
  assert.equal(formatCellValue("x".repeat(300)).length, 201);
});

test("a table of hostile data shows it as text: no tag from the data survives", () => {
  const frame = tradesFrame(hostileTrades());
  const html = renderTableHtml(frame, { maxRows: 5, caption: `Trades ${IMG}` });
  assert.ok(!/<img/i.test(html), "no <img tag");
  assert.ok(!/<script/i.test(html), "no <script tag");
  assert.ok(!/<\/script/i.test(html), "no </script");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(html.includes("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(html.includes("<caption"));
  assert.ok(html.includes("20 rows × 12 columns, showing first 5"));
  assert.equal((html.match(/<tr>/g) ?? []).length, 6); // header + 5 rows
  assert.ok(html.includes('<td style="text-align:right;padding:2px 8px;white-space:nowrap">83849.7</td>'));

  // Hostile column names in row objects and in { columns, rows }.
  const rows = renderTableHtml([{ [IMG]: SCRIPT, n: 1.23456789012 }, { n: 2 }]);
  assert.ok(!/<img|<script|<\/script/i.test(rows));
  assert.ok(rows.includes(">&lt;img src=x onerror=alert(1)&gt;</th>"));
  assert.ok(rows.includes(">1.2345679</td>"));
  assert.ok(rows.includes("2 rows × 2 columns</p>"));
  const plain = renderTableHtml({ columns: [SCRIPT], rows: [[IMG]] });
  assert.ok(!/<img|<script|<\/script/i.test(plain));
  assert.ok(plain.includes("1 row × 1 column</p>"));
  // Choosing columns; errors name the value.
  const chosen = renderTableHtml(frame, { columns: ["price", "side"], maxRows: 1 });
  assert.ok(chosen.includes("20 rows × 2 columns, showing first 1"));
  assert.throws(
    () => renderTableHtml(frame, { columns: ["nope"] }),
    (error: unknown) => error instanceof InvalidArgumentError && /"nope"/.test(error.message),
  );
  assert.throws(() => renderTableHtml(42 as never), InvalidArgumentError);
  // A danfojs Series shows as one column.
  const series = renderTableHtml(frame.column("price"), { maxRows: 2 });
  assert.ok(series.includes(">83849.7</td>") && series.includes("20 rows × 1 column, showing first 2"));
});

test("a chart of hostile data: figure text escaped for plotly, JSON safe in the script, only our own script tag", () => {
  const figure = priceBySideFigure(tradeColumns(hostileTrades()));
  figure.data[0].name = IMG;
  figure.data[0].text = [SCRIPT];
  figure.data[0].hovertemplate = `%{y}<br>${IMG}<extra></extra>`;
  const html = renderChartHtml(figure, { id: "chart-1" });
  assert.ok(!/<img/i.test(html));
  assert.equal((html.match(/<script/gi) ?? []).length, 1);
  assert.equal((html.match(/<\/script/gi) ?? []).length, 1);
  assert.ok(html.startsWith('<div id="chart-1" class="streamlab-chart" style="width:100%;height:380px">'));
  const [body] = scriptBodies(html);
  const json = /var figure = (.*);\n/.exec(body)?.[1] ?? "";
  assert.ok(json.length > 100 && !/[<>]/.test(json), "the JSON carries < and > only as \\u003c, \\u003e");
  const embedded = JSON.parse(json) as PlotlyFigure;
  const title = (embedded.layout?.title as { text: string }).text;
  assert.equal(title, "&lt;img src=x onerror=alert(1)&gt; trade price by taker side");
  assert.equal(embedded.data[0].name, "&lt;img src=x onerror=alert(1)&gt;");
  assert.deepEqual(embedded.data[0].text, ["&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"]);
  assert.equal(embedded.data[0].hovertemplate, "%{y}<br>&lt;img src=x onerror=alert(1)&gt;<extra></extra>");
  assert.equal((embedded.layout?.xaxis as { type: string }).type, "date");
  assert.equal(embedded.layout?.height, 380);
  assert.equal(typeof (embedded.data[0].x as number[])[0], "number");
});

test("the chart script waits for plotly.js, then draws the escaped figure and hides the fallback", async () => {
  const html = renderChartHtml(priceBySideFigure(tradeColumns(hostileTrades())), { id: "chart-2", fallbackPngBase64: "iVBORw0KGgo=" });
  assert.ok(
    html.includes(
      '<img class="streamlab-chart-fallback" alt="&lt;img src=x onerror=alert(1)&gt; trade price by taker side" src="data:image/png;base64,iVBORw0KGgo="',
    ),
  );
  const fallback = { style: { display: "" }, tagName: "IMG", textContent: "" };
  const element = { querySelector: () => fallback };
  const timers: Array<() => void> = [];
  const calls: unknown[][] = [];
  const context: Record<string, unknown> = {
    document: { getElementById: (id: string) => (id === "chart-2" ? element : null) },
    setTimeout: (fn: () => void) => timers.push(fn),
    Date,
    Promise,
  };
  vm.createContext(context);
  vm.runInContext(scriptBodies(html)[0], context);
  assert.equal(calls.length, 0);
  assert.equal(timers.length, 1, "retries while Plotly is missing");
  context.Plotly = { newPlot: (...args: unknown[]) => (calls.push(args), Promise.resolve()) };
  timers.shift()?.();
  assert.equal(calls.length, 1);
  const [el, data, layout, config] = calls[0] as [unknown, PlotlyFigure["data"], Record<string, { text: string }>, Record<string, unknown>];
  assert.equal(el, element);
  assert.equal(data.length, 2);
  assert.equal(layout.title.text, "&lt;img src=x onerror=alert(1)&gt; trade price by taker side");
  assert.equal(config.displaylogo, false);
  assert.equal(fallback.style.display, "none");

  // Without plotly.js, the note says what to do.
  const lonely = renderChartHtml({ data: [] }, { id: "chart-3", waitForPlotlyMs: 0 });
  const note = { style: { display: "" }, tagName: "DIV", textContent: "" };
  const lonelyContext: Record<string, unknown> = {
    document: { getElementById: () => ({ querySelector: () => note }) },
    setTimeout: () => undefined,
    Date,
    Promise,
  };
  vm.createContext(lonelyContext);
  vm.runInContext(scriptBodies(lonely)[0], lonelyContext);
  assert.match(note.textContent, /run initCharts\(\)/);
});

test("chart options are checked", () => {
  assert.throws(
    () => renderChartHtml({ data: [] }, { id: '"><script>' }),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_CHART_ID",
  );
  assert.throws(
    () => renderChartHtml({ data: [] }, { fallbackPngBase64: '"><img src=x>' }),
    (error: unknown) => error instanceof InvalidArgumentError && error.code === "INVALID_PNG",
  );
  assert.throws(() => renderChartHtml({ data: [] }, { height: 10 }), InvalidArgumentError);
  assert.throws(() => renderChartHtml({} as PlotlyFigure), InvalidArgumentError);
  const a = renderChartHtml({ data: [] });
  const b = renderChartHtml({ data: [] });
  assert.notEqual(/id="([^"]+)"/.exec(a)?.[1], /id="([^"]+)"/.exec(b)?.[1], "random ids differ");
});

test("script-safe JSON and code escaping", () => {
  const value = { s: "</script><!-- \u2028 & >" };
  const json = serializeScriptJson(value);
  assert.ok(!/[<>&\u2028\u2029]/.test(json));
  assert.deepEqual(JSON.parse(json), value);
  assert.equal(serializeScriptJson(new Float64Array([1, 2])), "[1,2]");
  assert.equal(escapeScriptContent('var s = "</script><!--";'), 'var s = "\\x3C/script>\\x3C!--";');
  assert.equal(eval(escapeScriptContent('"</SCRIPT><!--"')), "</SCRIPT><!--");
  const escaped = escapeFigureText({
    data: [{ x: new Float64Array([1]), name: "a & b", hovertemplate: "<b>%{y}</b><br><i onclick=x>" }],
    layout: { images: [{ source: "https://x/?a=1&b=2" }] },
  });
  assert.deepEqual(escaped.data[0], { x: [1], name: "a &amp; b", hovertemplate: "<b>%{y}</b><br>&lt;i onclick=x&gt;" });
  assert.equal((escaped.layout?.images as Array<{ source: string }>)[0].source, "https://x/?a=1&b=2");
  // plotly.js 4 shows no string titles: they become { text }.
  const titled = escapeFigureText({ data: [], layout: { title: "A < B", xaxis: { title: "Time" } } });
  assert.deepEqual([titled.layout?.title, (titled.layout?.xaxis as { title: unknown }).title], [{ text: "A &lt; B" }, { text: "Time" }]);
});

test("the plotly.js bundle is inlined in one script that still parses, and the page builder puts it first", () => {
  const html = renderPlotlyBundleHtml();
  assert.ok(html.length > 4_000_000);
  assert.ok(html.startsWith("<script"));
  assert.equal((html.match(/<\/script/gi) ?? []).length, 1);
  assert.ok(html.endsWith("</script>"));
  assert.ok(!html.includes("<!--"));
  assert.ok(html.includes("plotly.js 4.1.2"));
  const [body] = scriptBodies(html);
  assert.doesNotThrow(() => new vm.Script(body, { filename: "plotly-bundle.js" }));
  assert.equal(renderPlotlyBundleHtml(), html, "cached");
  const page = renderHtmlPage([renderChartHtml({ data: [] }, { id: "c" }), renderTableHtml([{ a: 1 }])], { title: IMG });
  assert.ok(page.startsWith("<!DOCTYPE html>"));
  assert.ok(page.indexOf("plotly.js 4.1.2") < page.indexOf('id="c"'));
  assert.ok(page.includes("<title>&lt;img src=x onerror=alert(1)&gt;</title>"));
});

test("figure builders: titles, axis titles with units, date axes, 380 px, at most ~5000 points per trace", () => {
  const hft = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz"));
  const trades = tradeColumns(hft.messages);
  const figures: Record<string, PlotlyFigure> = {
    priceBySide: F.priceBySideFigure(trades),
    cumulativeDelta: F.cumulativeDeltaFigure(trades),
    tradeSizeHistogram: F.tradeSizeHistogramFigure(trades),
    latencyHistogram: F.latencyHistogramFigure(computeReceiveLatency(hft.messages)),
    messagesPerSecond: F.messagesPerSecondFigure(countMessageRates(hft.messages)),
    tickerPrice: F.tickerPriceFigure(tickerColumns(loadSample(path.join(BUNDLED, "btcusdt-ticker.json")).messages)),
    depthLevels: F.depthLevelsFigure(depthColumns(hft.messages)),
    bestBidAsk: F.bestBidAskFigure(rebuildBestBidAsk(hft)),
    vwap: F.vwapFigure(trades),
    buySellVolume: F.buySellVolumeFigure(computeBuySellVolume(trades)),
    tradeBars: F.tradeBarsFigure(computeTradeBars(trades, 5000)),
  };
  for (const [name, figure] of Object.entries(figures)) {
    const layout = figure.layout as Record<string, { title?: { text: string }; type?: string; text?: string }> & { height: number };
    assert.ok((layout.title as { text: string }).text.length > 10, name);
    assert.equal(layout.height, 380, name);
    assert.ok(layout.xaxis.title?.text && layout.yaxis.title?.text, `${name} has axis titles`);
    if (!/Histogram/.test(name)) assert.equal(layout.xaxis.type, "date", name);
    for (const trace of figure.data) assert.ok(((trace.x as unknown[]) ?? []).length <= 5000, name);
    assert.doesNotThrow(() => renderChartHtml(figure), name);
  }
  assert.equal((figures.priceBySide.layout?.yaxis as { title: { text: string } }).title.text, "Price (USDT)");
  assert.equal((figures.cumulativeDelta.layout?.yaxis as { title: { text: string } }).title.text, "Cumulative delta (BTC)");
  assert.equal((figures.latencyHistogram.layout?.xaxis as { title: { text: string } }).title.text, "Latency (ms)");
  assert.equal(figures.messagesPerSecond.data.length, 4);
  // Downsampling keeps big traces small.
  const many = tradeColumns(
    Array.from({ length: 20_000 }, (_, i) => ({
      stream: "btcusdt@trade",
      localTimestamp: null,
      data: { e: "trade", E: i, T: i, s: "BTCUSDT", t: i, p: String(100 + Math.sin(i)), q: "1", X: "MARKET", m: false },
    })),
  );
  assert.ok((F.vwapFigure(many).data[1].x as number[]).length <= 5000);
});

test("showChart of a figure with no points prints what is empty instead of drawing an empty frame", (t) => {
  const lines: string[] = [];
  t.mock.method(console, "log", (line: string) => lines.push(line));
  showChart({ data: [{ type: "scatter", x: [], y: [] }], layout: { title: { text: "Spread per second" } } });
  assert.deepEqual(lines, ['Nothing to draw in "Spread per second": its data is empty.']);
});
