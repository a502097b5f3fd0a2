/**
 * Figures of liquidations (`forceOrder`): every order by time and size, coloured by the position
 * it closed; long and short liquidation notional per interval; the symbols liquidated most.
 * Pure (no tslab); see figures/index.ts for the conventions.
 */
import type { ForceOrderColumns } from "../../analysis/columns";
import type { LiquidationTotal, LiquidationVolume } from "../../analysis/liquidations";
import { type PlotlyFigure, type PlotlyTrace } from "../html";
import { type FigureOptions, BUY_COLOR, SELL_COLOR, buildLayout, finishFigure, indicesWhere } from "./base";

/** Longs closed are forced sells (red), shorts closed forced buys (green). */
const POSITION_COLORS: Readonly<Record<string, string>> = { long: SELL_COLOR, short: BUY_COLOR };

/**
 * One marker per liquidation order: trade time × filled notional (log scale), sized by notional,
 * red for longs closed, green for shorts closed.
 * @example showChart(liquidationsFigure(forceOrderColumns(sample.messages)))
 */
export function liquidationsFigure(forceOrders: ForceOrderColumns, options: FigureOptions & { note?: string } = {}): PlotlyFigure {
  const data: PlotlyTrace[] = ["long", "short"].map((position) => {
    const rows = Array.from(indicesWhere(forceOrders.length, (i) => forceOrders.liquidatedPosition[i] === position));
    return {
      type: "scatter",
      mode: "markers",
      name: `${position === "long" ? "Longs" : "Shorts"} liquidated (forced ${position === "long" ? "sells" : "buys"})`,
      x: rows.map((i) => forceOrders.tradeTime[i]),
      y: rows.map((i) => forceOrders.filledNotional[i]),
      text: rows.map((i) => `${forceOrders.symbol[i]} ${forceOrders.filledQuantity[i]} @ ${forceOrders.averagePrice[i]}`),
      marker: {
        color: POSITION_COLORS[position],
        size: rows.map((i) => Math.min(40, 6 + Math.sqrt(forceOrders.filledNotional[i]) / 20)),
        opacity: 0.7,
      },
      hovertemplate: "%{x|%H:%M:%S}<br>%{text}<br>%{y:,.0f} quote<extra></extra>",
    };
  });
  const title = options.title ?? `Liquidation orders by time and size${options.note ? ` (${options.note})` : ""}`;
  return finishFigure(
    data,
    buildLayout(title, "Filled notional (quote asset, log scale)", options, {
      yaxis: { title: { text: "Filled notional (quote asset, log scale)" }, type: "log" },
    }),
  );
}

/** Long and short liquidation notional per interval, longs below zero. */
export function liquidationVolumeFigure(volume: LiquidationVolume, options: FigureOptions & { note?: string } = {}): PlotlyFigure {
  const x = Array.from(volume.time);
  const per = volume.intervalMs % 60_000 === 0 ? `${volume.intervalMs / 60_000} min` : `${volume.intervalMs / 1000} s`;
  const data = [
    {
      type: "bar",
      name: "Shorts liquidated",
      x,
      y: Array.from(volume.shortNotional),
      marker: { color: BUY_COLOR },
      hovertemplate: "%{x|%H:%M}<br>%{y:,.0f}<extra>shorts</extra>",
    },
    {
      type: "bar",
      name: "Longs liquidated",
      x,
      y: Array.from(volume.longNotional, (v) => -v),
      marker: { color: SELL_COLOR },
      hovertemplate: "%{x|%H:%M}<br>%{y:,.0f}<extra>longs</extra>",
    },
  ];
  const title = options.title ?? `Liquidated notional per ${per}${options.note ? ` (${options.note})` : ""}`;
  return finishFigure(
    data,
    buildLayout(title, `Notional per ${per} (quote asset; longs below 0)`, options, { barmode: "relative", bargap: 0.1 }),
  );
}

/** The symbols liquidated most, by filled notional, long and short together. */
export function liquidationsBySymbolFigure(
  totals: readonly LiquidationTotal[],
  options: FigureOptions & { note?: string } = {},
): PlotlyFigure {
  const data = [
    {
      type: "bar",
      orientation: "h",
      name: "Filled notional",
      x: totals.map((total) => total.notional),
      y: totals.map((total) => total.key),
      text: totals.map((total) => `${total.orders} order${total.orders === 1 ? "" : "s"}`),
      marker: { color: SELL_COLOR },
      hovertemplate: "%{y}<br>%{x:,.0f} quote, %{text}<extra></extra>",
    },
  ];
  const title = options.title ?? `Symbols liquidated most${options.note ? ` (${options.note})` : ""}`;
  return finishFigure(
    data,
    buildLayout(title, "Symbol", options, {
      xaxis: { title: { text: "Filled notional (quote asset)" }, type: "linear" },
      yaxis: { autorange: "reversed", type: "category" },
    }),
  );
}
