/**
 * Figures of the whole market from all-market tickers: the top movers either way, the volume
 * leaders, and a heatmap of every symbol's 24 h change. Pure (no tslab); see figures/index.ts
 * for the conventions.
 */
import type { ChangeGrid, TickerRank } from "../../analysis/market-overview";
import { type PlotlyFigure } from "../html";
import { type FigureOptions, BUY_COLOR, LINE_COLOR, SELL_COLOR, buildLayout, finishFigure } from "./base";

function categoryLayout(title: string, xTitle: string, options: FigureOptions, count: number) {
  return buildLayout(title, "Symbol", options, {
    height: options.height ?? Math.max(260, 90 + count * 22),
    xaxis: { title: { text: xTitle }, type: "linear", zeroline: true },
    yaxis: { type: "category", autorange: "reversed" },
    showlegend: false,
  });
}

/**
 * The biggest 24 h gainers (green) and losers (red), as horizontal bars.
 * @example showChart(topMoversFigure(topMovers(latestTickers(tickerColumns(messages)))))
 */
export function topMoversFigure(
  movers: { gainers: readonly TickerRank[]; losers: readonly TickerRank[] },
  options: FigureOptions = {},
): PlotlyFigure {
  const ranks = [...movers.gainers, ...[...movers.losers].reverse()];
  const data = [
    {
      type: "bar",
      orientation: "h",
      name: "24h change",
      x: ranks.map((rank) => rank.priceChangePercent),
      y: ranks.map((rank) => rank.symbol),
      marker: { color: ranks.map((rank) => (rank.priceChangePercent >= 0 ? BUY_COLOR : SELL_COLOR)) },
      hovertemplate: "%{y}<br>%{x:.2f} %<extra></extra>",
    },
  ];
  return finishFigure(data, categoryLayout(options.title ?? "Top movers over 24 h", "Change over 24 h (%)", options, ranks.length));
}

/** The symbols with the largest 24 h quote volume. */
export function volumeLeadersFigure(leaders: readonly TickerRank[], options: FigureOptions = {}): PlotlyFigure {
  const data = [
    {
      type: "bar",
      orientation: "h",
      name: "24h quote volume",
      x: leaders.map((rank) => rank.quoteVolume),
      y: leaders.map((rank) => rank.symbol),
      marker: { color: LINE_COLOR },
      hovertemplate: "%{y}<br>%{x:,.0f} quote<extra></extra>",
    },
  ];
  return finishFigure(data, categoryLayout(options.title ?? "Volume leaders over 24 h", "Quote volume over 24 h", options, leaders.length));
}

/**
 * Every symbol's 24 h change as a heatmap (red down, green up, the busiest symbols top left),
 * each cell labelled with its symbol.
 */
export function changeHeatmapFigure(grid: ChangeGrid, options: FigureOptions = {}): PlotlyFigure {
  const limit = Math.max(1, ...grid.z.flat().map((v) => Math.abs(v ?? 0)));
  const x: number[] = [];
  const y: number[] = [];
  const text: string[] = [];
  grid.symbols.forEach((row, r) =>
    row.forEach((symbol, c) => {
      if (symbol === null) return;
      x.push(c);
      y.push(r);
      text.push(`${symbol.replace(/USDT$/, "")} ${(grid.z[r][c] ?? 0).toFixed(1)}%`);
    }),
  );
  const data = [
    {
      type: "heatmap",
      name: "24h change",
      z: grid.z,
      zmin: -limit,
      zmax: limit,
      colorscale: [
        [0, SELL_COLOR],
        [0.5, "#f8fafc"],
        [1, BUY_COLOR],
      ],
      colorbar: { title: { text: "%" } },
      customdata: grid.symbols,
      hovertemplate: "%{customdata}<br>%{z:.2f} %<extra></extra>",
      xgap: 2,
      ygap: 2,
    },
    {
      type: "scatter",
      mode: "text",
      name: "symbols",
      x,
      y,
      text,
      textfont: { size: grid.columns > 12 ? 8 : 11 },
      hoverinfo: "skip",
      showlegend: false,
    },
  ];
  const layout = buildLayout(options.title ?? "24 h change of every symbol (busiest top left)", "", options, {
    height: options.height ?? Math.max(300, 120 + grid.rows * 40),
    xaxis: { visible: false, type: "linear" },
    yaxis: { visible: false, autorange: "reversed", type: "linear" },
    showlegend: false,
  });
  return finishFigure(data, layout);
}
