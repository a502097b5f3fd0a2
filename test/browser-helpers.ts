/**
 * Helpers of the render and browser tests: which external tools are missing (those tests skip,
 * saying what to install), and what a rendered page shows (charts drawn, table rows).
 */
import type { Page } from "playwright-core";
import { findChromium, loadPlaywright } from "../lib/render/chromium";
import { findJupyter, findPython } from "../lib/render/tools";

/** An external tool a test needs: Python with nbclient/nbconvert, Chromium with playwright-core, or the classic Jupyter Notebook. */
export type Tool = "python" | "chromium" | "notebook";

/**
 * Why a test that needs `tools` cannot run here, e.g. `"Chromium not found: install it with …"`,
 * or null when every tool is installed. Use as `if (reason) return t.skip(reason);`.
 */
export function missingTool(tools: readonly Tool[]): string | null {
  const missing = firstMissingTool(tools);
  // CI installs every tool: there a missing one is a failure, never a silent skip.
  if (missing && process.env[REQUIRE_TOOLS_ENV] === "1") throw new Error(`${REQUIRE_TOOLS_ENV}=1 but ${missing}`);
  return missing;
}

/** Set to 1 (as .ci/run does) to turn a missing tool into a test failure instead of a skip. */
export const REQUIRE_TOOLS_ENV = "STREAMLAB_REQUIRE_TOOLS";

function firstMissingTool(tools: readonly Tool[]): string | null {
  for (const tool of tools) {
    if (tool === "python") {
      try {
        findPython();
      } catch {
        return "Python with nbclient and nbconvert not found: install `sudo apt-get install python3-nbclient jupyter-nbconvert` (Debian/Ubuntu) or `pip install nbclient nbconvert`";
      }
    } else if (tool === "chromium") {
      if (!findChromium())
        return "Chromium not found: install it with `sudo apt-get install chromium`, or set STREAMLAB_CHROMIUM to its path";
      if (!loadPlaywright()) return "playwright-core not found: install it with `npm install` (a dev dependency)";
    } else if (!findJupyter("notebook")) {
      return "the classic Jupyter Notebook not found: install it with `sudo apt-get install jupyter-notebook`";
    }
  }
  return null;
}

/** Per chart: plotly SVGs, traces and the PNG fallback's state; per table: body rows. */
export interface PageState {
  charts: Array<{ id: string; svgs: number; traces: number; fallbackShown: boolean | null; fallbackLoaded: boolean | null }>;
  tables: number[];
  trusted: string | null;
}

/** What the page shows: per chart its plotly SVGs, traces and fallback; per table its body rows. */
export function readPage(page: Page, tableSelector: string): Promise<PageState> {
  return page.evaluate(`(() => {
    const charts = [...document.querySelectorAll(".streamlab-chart")].map((el) => {
      const fallback = el.querySelector(".streamlab-chart-fallback");
      const img = el.querySelector("img.streamlab-chart-fallback");
      return {
        id: el.id,
        svgs: el.querySelectorAll(".main-svg").length,
        traces: el.querySelectorAll(".scatterlayer .trace, .barlayer .trace, .trace").length,
        fallbackShown: fallback ? getComputedStyle(fallback).display !== "none" : null,
        fallbackLoaded: img ? img.complete && img.naturalWidth > 0 : null,
      };
    });
    const tables = [...document.querySelectorAll(${JSON.stringify(tableSelector)})].map((table) => table.querySelectorAll("tbody tr").length);
    const trusted = document.getElementById("notification_trusted");
    return { charts, tables, trusted: trusted ? trusted.textContent.trim() : null };
  })()`) as Promise<PageState>;
}

/** A page-side expression: true once every chart has a plotly SVG with a trace. */
export const CHARTS_DRAWN = `(() => {
  const charts = [...document.querySelectorAll(".streamlab-chart")];
  return charts.length > 0 && charts.every((el) => el.querySelector(".main-svg") && el.querySelector(".trace"));
})()`;
