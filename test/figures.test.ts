import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { loadSample } from "../lib/store/read";
import { tickerColumns } from "../lib/analysis/columns";
import { aggregateSizesFigure, rollingVolumeFigure, tickerChangeFigure, updateIntervalFigure } from "../lib/notebook/figures";
import { BUNDLED } from "./helpers";

test("ticker change, rolling volume, update interval and aggregate-size figures carry the data", () => {
  const tickers = tickerColumns(loadSample(path.join(BUNDLED, "btcusdt-ticker.json")).messages);
  const change = tickerChangeFigure(tickers);
  assert.deepEqual(change.data[0].y, Array.from(tickers.priceChangePercent));
  assert.equal((rollingVolumeFigure(tickers).data[0].y as number[]).length, 10);
  const interval = updateIntervalFigure([0, 100, 200, 450]);
  assert.equal(
    (interval.data[0].y as number[]).reduce((a, b) => a + b, 0),
    3,
  );
  const sizes = aggregateSizesFigure({
    tradesPerAggregate: Float64Array.from([1, 2]),
    aggregateCount: Float64Array.from([5, 1]),
    totalAggregates: 6,
    totalTrades: 7,
    meanTradesPerAggregate: 7 / 6,
    maxTradesPerAggregate: 2,
  });
  assert.deepEqual(sizes.data[0].y, [5, 1]);
});
