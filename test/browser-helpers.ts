/** Browser-test helpers: what a rendered page shows (charts drawn, table rows). */
import type { Page } from "playwright-core";

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

export const CHARTS_DRAWN = `(() => {
  const charts = [...document.querySelectorAll(".streamlab-chart")];
  return charts.length > 0 && charts.every((el) => el.querySelector(".main-svg") && el.querySelector(".trace"));
})()`;

