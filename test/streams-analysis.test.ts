/**
 * What notebooks 06–10 compute, on the real recordings where they exist: mark price and funding
 * (hftbacktest, through the 00:00 funding time), klines against trades (cryptofeed), the top of
 * the book (hftbacktest), liquidations (Binance's documented example: no real recording here),
 * the market overview (crypto-crawler's two !ticker@arr messages); their figures and sentences;
 * and the notebook data options they use (stream names, chosen recordings, streams no
 * recording holds).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import {
  aggTradeColumns,
  bookTickerColumns,
  forceOrderColumns,
  klineColumns,
  markPriceColumns,
  tickerColumns,
  tradeColumns,
} from "../lib/analysis/columns";
import { summarizeTopOfBook, topOfBook } from "../lib/analysis/book-ticker";
import { barsLikeKlines, compareKlinesWithTrades, klineIntervalMs, latestCandles } from "../lib/analysis/klines";
import { liquidationVolume, liquidationsBySide, liquidationsBySymbol } from "../lib/analysis/liquidations";
import { findFundingEvents, markPriceSeries, summarizeMarkPrice } from "../lib/analysis/mark-price";
import { changeGrid, latestTickers, topMovers, volumeLeaders } from "../lib/analysis/market-overview";
import { InvalidArgumentError } from "../lib/errors";
import * as figures from "../lib/notebook/figures";
import {
  describeKlineCheck,
  describeLiquidations,
  describeMarkPrice,
  describeMarket,
  describeTopOfBook,
  fundingEventRows,
  messagesOrDocumentedExample,
} from "../lib/notebook/stream-readouts";
import { captureOrLoad } from "../lib/notebook/workspace";
import { loadDocumentedExamples } from "../lib/store/examples";
import { loadSample } from "../lib/store/read";
import type { StoredMessage } from "../lib/store/sample-format";
import { BUNDLED, makeTempDir } from "./helpers";

const MARK_AND_TRADES = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-markprice-trade.jsonl.gz")).messages;
const HFT = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz")).messages;
const ALTS_APRIL = loadSample(path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz")).messages;
const ALTS_JULY = loadSample(path.join(BUNDLED, "alts-2021-07-22-cryptofeed.jsonl.gz")).messages;
const SINGLES = loadSample(path.join(BUNDLED, "usdm-2021-2022-crypto-crawler-messages.jsonl")).messages;

function stream(messages: readonly StoredMessage[], name: string): StoredMessage[] {
  return messages.filter((message) => message.stream === name);
}

/** Every figure has traces, each with points. */
function assertDrawable(figure: { data: Array<Record<string, unknown>> }, what: string): void {
  assert.ok(figure.data.length > 0, `${what}: traces`);
  assert.ok(
    figure.data.some((trace) => ((trace.x ?? trace.z) as unknown[] | undefined)?.length),
    `${what}: points`,
  );
}

test("mark price and funding on the real BTCUSDT recording: the 00:00 funding time is found, the last price is the last trade", () => {
  const marks = markPriceColumns(stream(MARK_AND_TRADES, "btcusdt@markPrice@1s"));
  const trades = tradeColumns(stream(MARK_AND_TRADES, "btcusdt@trade"));
  const series = markPriceSeries(marks, trades);
  assert.equal(series.length, 514);
  // The last trade at or before each update.
  const i = 100;
  let expected = NaN;
  for (let t = 0; t < trades.length && trades.tradeTime[t] <= series.eventTime[i]; t++) expected = trades.price[t];
  assert.equal(series.lastPrice[i], expected);
  assert.equal(series.premiumBps[0], ((28147.27373413 - 28159.75642857) / 28159.75642857) * 10_000);
  assert.equal(series.fundingCountdownMs[0], Date.UTC(2023, 3, 5) - 1680652701000);
  const events = findFundingEvents(series);
  assert.deepEqual(
    events.map((event) => [event.fundingTime, event.nextFundingTime]),
    [[Date.UTC(2023, 3, 5, 0), Date.UTC(2023, 3, 5, 8)]],
  );
  // The rate of the last update that still announced 00:00 (Binance moves T on a little after the funding time).
  const firstAfter = series.nextFundingTime.indexOf(Date.UTC(2023, 3, 5, 8));
  assert.equal(events[0].fundingRate, series.fundingRate[firstAfter - 1]);
  assert.equal(events[0].firstUpdateAfter, series.eventTime[firstAfter]);
  const summary = summarizeMarkPrice(series);
  assert.ok(summary.meanPremiumBps < 0 && summary.maxAbsPremiumBps < 10, JSON.stringify(summary));
  assert.ok(summary.meanMarkToLastBps > 0 && summary.meanMarkToLastBps < 5);
  assert.match(
    describeMarkPrice(summary, events),
    /^514 mark-price updates: mark − index averaged -\d\.\d\d bp .* Funding time 2023-04-05 00:00:00 UTC passed .*the next one is 2023-04-05 08:00:00 UTC\.$/,
  );
  assert.deepEqual(Object.keys(fundingEventRows(events)[0]), [
    "funding time",
    "last rate before it",
    "first update after it",
    "next funding time",
  ]);
  for (const build of [figures.markIndexLastFigure, figures.premiumFigure, figures.fundingRateFigure, figures.fundingCountdownFigure]) {
    const figure = build(series);
    assertDrawable(figure, build.name);
    assert.equal((figure.layout?.shapes as unknown[]).length, 1, `${build.name}: the funding time marked`);
  }
  // !markPrice@arr: one symbol picked out of the array's records.
  const all = markPriceColumns(stream(SINGLES, "!markPrice@arr"));
  assert.throws(
    () => markPriceSeries(all),
    (error: InvalidArgumentError) => error.code === "SYMBOL_REQUIRED",
  );
  assert.deepEqual(Array.from(markPriceSeries(all, undefined, { symbol: "ETHUSDT" }).markPrice), [1981.1570442]);
});

test("klines on the real cryptofeed recordings: candles are the last update per open time, and the stream agrees with the trades", () => {
  const klines = klineColumns(stream(ALTS_JULY, "ctkusdt@kline_1m"));
  const aggTrades = aggTradeColumns(stream(ALTS_JULY, "ctkusdt@aggTrade"));
  const candles = latestCandles(klines);
  assert.deepEqual(Array.from(candles.openTime), [1626992700000, 1626992760000]);
  assert.deepEqual(Array.from(candles.updates), [21, 11]);
  assert.equal(candles.close[0], klines.close[20]);
  const check = compareKlinesWithTrades(klines, aggTrades);
  assert.deepEqual(
    check.map((row) => [row.klineTrades, row.streamTrades, row.klineVolume, row.streamVolume, row.agrees]),
    [
      [38, 38, 7157, 7157, true],
      [34, 34, 9786, 9786, true],
    ],
  );
  assert.equal(
    describeKlineCheck(check),
    "2 candle(s), 72 trades added between first and last update: the trade stream delivered the same trade ids on 2 of 2.",
  );
  // YFIUSDT agrees to the trade; DENTUSDT has an aggregate across the first update's L: its volume is set apart.
  const yfi = compareKlinesWithTrades(
    klineColumns(stream(ALTS_APRIL, "yfiusdt@kline_1m")),
    aggTradeColumns(stream(ALTS_APRIL, "yfiusdt@aggTrade")),
  );
  assert.deepEqual(
    yfi.map((row) => [row.klineTrades, row.streamTrades, row.agrees]),
    [[45, 45, true]],
  );
  assert.ok(Math.abs(yfi[0].klineVolume - 0.408) < 1e-12 && Math.abs(yfi[0].streamVolume - 0.408) < 1e-12);
  const dent = compareKlinesWithTrades(
    klineColumns(stream(ALTS_APRIL, "dentusdt@kline_1m")),
    aggTradeColumns(stream(ALTS_APRIL, "dentusdt@aggTrade")),
  );
  assert.deepEqual(
    dent.map((row) => [row.klineTrades, row.streamTrades, row.straddling]),
    [[118, 118, 1]],
  );
  const bars = barsLikeKlines(candles, aggTrades);
  assert.equal(bars.intervalMs, 60_000);
  assert.deepEqual(Array.from(bars.openTime), Array.from(candles.openTime));
  assert.equal(klineIntervalMs("4h"), 14_400_000);
  assert.throws(
    () => klineIntervalMs("1M"),
    (error: InvalidArgumentError) => error.code === "INVALID_INTERVAL",
  );
  assertDrawable(figures.klineCandlesFigure(candles, bars), "klineCandlesFigure");
  assert.equal(figures.klineCandlesFigure(candles, bars).data.length, 4);
  assertDrawable(figures.klineUpdatesFigure(klines, aggTrades), "klineUpdatesFigure");
});

test("the top of the book on the real BTCUSDT bookTicker: one-tick spread almost always, sizes, and its figures", () => {
  const tickers = bookTickerColumns(stream(HFT, "btcusdt@bookTicker").slice(0, 3000));
  const top = topOfBook(tickers);
  assert.equal(top.tickSize, 0.1);
  assert.equal(top.spreadTicks[0], 1);
  assert.equal(top.mid[0], (28145.1 + 28145.2) / 2);
  assert.equal(top.imbalance[0], 3.868 / (3.868 + 6.887));
  const summary = summarizeTopOfBook(top);
  assert.ok(summary.oneTickShare > 0.95 && summary.maxSpreadTicks >= 1, JSON.stringify(summary));
  assert.match(
    describeTopOfBook(summary),
    /^3000 bookTicker updates \(\d+\.\d\/s\): the spread was one tick \(0\.1\) \d+\.\d % of the time/,
  );
  assertDrawable(figures.spreadFigure(top), "spreadFigure");
  assertDrawable(figures.topOfBookSizeFigure(top), "topOfBookSizeFigure");
  const all = bookTickerColumns(stream(SINGLES, "!bookTicker").concat(stream(SINGLES, "ethusdt@bookTicker")));
  assert.throws(
    () => topOfBook(all),
    (error: InvalidArgumentError) => error.code === "SYMBOL_REQUIRED",
  );
  assert.equal(topOfBook(all, { symbol: "balusdt" }).spread[0], 6.719 - 6.718);
});

test("liquidations on Binance's documented example (no real recording here), sums by side, symbol and minute", () => {
  const example = loadDocumentedExamples().filter((message) => message.stream === "!forceOrder@arr");
  const orders = forceOrderColumns(example);
  assert.deepEqual(liquidationsBySide(orders), [
    { key: "long", orders: 1, notional: 9910 * 0.014, largest: 9910 * 0.014 },
    { key: "short", orders: 0, notional: 0, largest: 0 },
  ]);
  assert.deepEqual(
    liquidationsBySymbol(orders).map((total) => total.key),
    ["BTCUSDT"],
  );
  const volume = liquidationVolume(orders, 60_000);
  assert.deepEqual([volume.length, volume.longNotional[0], volume.shortNotional[0]], [1, 9910 * 0.014, 0]);
  assert.equal(liquidationVolume(forceOrderColumns([]), 60_000).length, 0);
  assert.throws(
    () => liquidationVolume(orders, 0),
    (error: InvalidArgumentError) => error.code === "INVALID_INTERVAL",
  );
  // The sample holds none (a replay of the bundled recordings): the documented example is shown, and said to be one.
  const shown = messagesOrDocumentedExample({ messages: stream(HFT, "btcusdt@markPrice@1s") }, "forceOrder");
  assert.equal(shown.documented, true);
  assert.match(
    shown.note,
    /^No forceOrder message in this data \(no real recording of it is bundled\)\. What follows is Binance's documented example, NOT market data: https:\/\/developers\.binance\.com\//,
  );
  assert.equal(
    describeLiquidations(liquidationsBySide(forceOrderColumns(shown.messages)), shown),
    "Binance's documented example, not market data: 1 longs liquidated (139 quote), 0 shorts liquidated (0 quote).",
  );
  const title = figures.liquidationsFigure(orders, { note: shown.label }).layout?.title as { text: string };
  assert.match(title.text, /documented example, not market data/);
  for (const figure of [
    figures.liquidationsFigure(orders),
    figures.liquidationVolumeFigure(volume),
    figures.liquidationsBySymbolFigure(liquidationsBySymbol(orders)),
  ])
    assertDrawable(figure, "liquidations");
  const own = messagesOrDocumentedExample({ messages: example }, "forceOrder");
  assert.deepEqual([own.documented, own.messages.length, own.label], [false, 1, ""]);
});

test("the market overview on the real !ticker@arr messages: latest ticker per symbol, rankings, a grid, and the plain statement that it is not the whole market", () => {
  const messages = stream(SINGLES, "!ticker@arr");
  const latest = latestTickers(tickerColumns(messages));
  assert.deepEqual(latest.symbol, ["BTCUSDT", "IOTXUSDT"]);
  assert.deepEqual(Array.from(latest.priceChangePercent), [0.74, 1.525]);
  const movers = topMovers(latest, 10);
  assert.deepEqual(
    movers.gainers.map((rank) => rank.symbol),
    ["IOTXUSDT", "BTCUSDT"],
  );
  assert.deepEqual(movers.losers, []);
  assert.deepEqual(
    volumeLeaders(latest).map((rank) => rank.symbol),
    ["BTCUSDT", "IOTXUSDT"],
  );
  assert.deepEqual(changeGrid(latest), { rows: 1, columns: 2, z: [[0.74, 1.525]], symbols: [["BTCUSDT", "IOTXUSDT"]] });
  assert.deepEqual(changeGrid(latest, 3).z, [[0.74, 1.525, null]]);
  assert.equal(
    describeMarket(latest, messages.length),
    "2 !ticker@arr push(es) hold the latest 24 h tickers of 2 symbol(s) from 2022-05-29 08:45:00 UTC to 2022-05-29 09:00:00 UTC. That is not the whole market: only BTCUSDT, IOTXUSDT. A live capture of !ticker@arr covers every symbol that trades (hundreds).",
  );
  // With more symbols the latest push of each wins.
  const tickers = tickerColumns([...messages, ...stream(SINGLES, "ethusdt@ticker"), ...stream(SINGLES, "btcusdt_220624@ticker")]);
  assert.equal(latestTickers(tickers).length, 4);
  for (const figure of [
    figures.topMoversFigure(movers),
    figures.volumeLeadersFigure(volumeLeaders(latest)),
    figures.changeHeatmapFigure(changeGrid(latest)),
  ])
    assertDrawable(figure, "market");
  assert.equal(figures.changeHeatmapFigure(changeGrid(latest)).data.length, 2, "the heatmap and its labels");
});

test("notebook data: stream names instead of symbol × types, chosen recordings, and streams no recording holds left out (and said so)", async () => {
  const outDir = makeTempDir();
  const replay = await captureOrLoad({
    streams: ["!forceOrder@arr", "btcusdt@markPrice@1s"],
    count: 20,
    durationMs: 60_000,
    source: "replay",
    outDir,
  });
  assert.deepEqual(replay.sample.countsByStream, { "btcusdt@markPrice@1s": 20 });
  assert.match(
    replay.description,
    /^Data: replay of the bundled recordings \(btcusdt-2023-04-04-hftbacktest-60s\.jsonl\.gz\) .* No bundled recording holds !forceOrder@arr: left out\.$/,
  );
  const chosen = await captureOrLoad({
    symbol: "BTCUSDT",
    types: ["markPrice@1s"],
    source: "bundled",
    recordings: ["btcusdt-2023-04-04-hftbacktest-markprice-trade.jsonl.gz"],
  });
  assert.equal(chosen.sample.count, 514, "the chosen recording's stream, not the 60 s recording's");
  const market = await captureOrLoad({ types: ["!ticker@arr"], source: "bundled" });
  assert.deepEqual(market.sample.countsByStream, { "!ticker@arr": 2 });
  assert.deepEqual(market.sample.symbols, ["BTCUSDT", "IOTXUSDT"]);
  await assert.rejects(
    captureOrLoad({ streams: ["!contractInfo"], source: "replay", outDir }),
    (error: InvalidArgumentError) => error.code === "NO_BUNDLED_DATA",
  );
  await assert.rejects(
    captureOrLoad({ streams: ["!ticker@arr"], source: "bundled", recordings: ["nope.jsonl"] }),
    /No bundled recording "nope\.jsonl"/,
  );
});
