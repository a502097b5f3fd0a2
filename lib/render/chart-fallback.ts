/**
 * Static PNG fallbacks for charts. Chart contract (lib/notebook/html.ts): a chart is a
 * `text/html` output holding `<div class="streamlab-chart" id="…">` and a script that draws with
 * `Plotly.newPlot` when `globalThis.Plotly` exists and then hides
 * `<img class="streamlab-chart-fallback">` inside the div. Here: finding the chart divs,
 * screenshotting them in headless Chromium, and putting the PNG into the div.
 */
import { pathToFileURL } from "url";
import type { BrowserContext } from "playwright-core";

/** The ids of the `streamlab-chart` divs in an HTML fragment, in order. */
export function findChartIds(html: string): string[] {
  const ids: string[] = [];
  for (const match of html.matchAll(/<div\b([^>]*)>/gi)) {
    const classes = attribute(match[1], "class");
    const id = attribute(match[1], "id");
    if (id && classes && classes.split(/\s+/).includes("streamlab-chart")) ids.push(id);
  }
  return ids;
}

function attribute(attributes: string, name: string): string | null {
  const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i").exec(attributes);
  return match ? (match[1] ?? match[2] ?? match[3]) : null;
}

/**
 * Puts `<img class="streamlab-chart-fallback" src="data:image/png;base64,…">` first inside the
 * chart div with this id, in place of the div's current fallback (html.ts's text note or an
 * earlier image). Returns the HTML unchanged when the div is not there.
 */
export function insertChartFallback(html: string, id: string, png: Buffer): string {
  for (const match of html.matchAll(/<div\b([^>]*)>/gi)) {
    if (attribute(match[1], "id") !== id) continue;
    const start = (match.index ?? 0) + match[0].length;
    let rest = html.slice(start);
    const old =
      /^\s*<img\b[^>]*\bstreamlab-chart-fallback\b[^>]*>/i.exec(rest) ??
      /^\s*<div\b[^>]*\bstreamlab-chart-fallback\b[^>]*>[^<]*<\/div>/i.exec(rest);
    let alt = "Chart";
    if (old) {
      rest = rest.slice(old[0].length);
      alt = attribute(old[0].slice(0, old[0].indexOf(">")), "alt") ?? /Chart “([^”]*)”/.exec(old[0])?.[1] ?? alt;
    }
    const img = `<img class="streamlab-chart-fallback" alt="${alt}" src="data:image/png;base64,${png.toString("base64")}" style="max-width:100%;max-height:100%">`;
    return html.slice(0, start) + img + rest;
  }
  return html;
}

/**
 * Opens an exported notebook HTML offline, waits (bounded) until plotly has drawn the charts,
 * and screenshots each chart div. Charts that never drew get no image.
 */
export async function screenshotCharts(
  context: BrowserContext,
  htmlFile: string,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Map<string, Buffer>> {
  const page = await context.newPage();
  const images = new Map<string, Buffer>();
  try {
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load", timeout: timeoutMs });
    await page
      .waitForFunction(`${JSON.stringify(ids)}.every((id) => document.getElementById(id)?.querySelector(".main-svg"))`, undefined, {
        timeout: timeoutMs,
      })
      .catch(() => undefined);
    for (const id of ids) {
      const chart = page.locator(`[id="${id.replace(/["\\]/g, "\\$&")}"]`);
      if ((await chart.locator(".main-svg").count()) === 0) continue;
      images.set(id, await chart.screenshot({ type: "png", animations: "disabled", timeout: timeoutMs }));
    }
  } finally {
    await page.close().catch(() => undefined);
  }
  return images;
}
