/**
 * What notebooks 06–10 print: one sentence (or a few table rows) per result — mark price and
 * funding, klines against trades, the top of the book, liquidations, the whole market — and the
 * messages a notebook shows when its data holds none of a family: Binance's documented example,
 * said to be one. The analysis lives in lib/analysis.
 */
import { schemaOfEvent } from "../binance/stream-schemas";
import type { MessageLike } from "../analysis/columns";
import type { TopOfBookSummary } from "../analysis/book-ticker";
import type { KlineTradeCheckRow } from "../analysis/klines";
import type { LiquidationTotal } from "../analysis/liquidations";
import type { LatestTickers } from "../analysis/market-overview";
import type { FundingEvent, MarkPriceSummary } from "../analysis/mark-price";
import { loadDocumentedExamples } from "../store/examples";
import type { Sample } from "../store/sample-format";

function utc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

function signed(value: number, digits: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;
}

function percentOf(rate: number): string {
  return `${(rate * 100).toFixed(4)} %`;
}

/**
 * Mark price and funding in two sentences: premium, distance to the last trade, funding rate,
 * and each funding time the data passes.
 * @example describeMarkPrice(summarizeMarkPrice(series), findFundingEvents(series))
 */
export function describeMarkPrice(summary: MarkPriceSummary, events: readonly FundingEvent[]): string {
  const toLast = Number.isFinite(summary.meanMarkToLastBps)
    ? ` The mark was ${summary.meanMarkToLastBps.toFixed(2)} bp from the last trade on average.`
    : " No trades here to compare the mark with.";
  const funding =
    events.length === 0
      ? ` No funding time passed in this data (funding rate ${percentOf(summary.fundingRateLast)}).`
      : events
          .map(
            (event) =>
              ` Funding time ${utc(event.fundingTime)} passed (last rate before it ${percentOf(event.fundingRate)}); the next one is ${utc(event.nextFundingTime)}.`,
          )
          .join("");
  return `${summary.updates} mark-price updates: mark − index averaged ${signed(summary.meanPremiumBps, 2)} bp (at most ${summary.maxAbsPremiumBps.toFixed(2)} bp either way).${toLast}${funding}`;
}

/** The funding times a series passes, as table rows with readable times. */
export function fundingEventRows(events: readonly FundingEvent[]): Array<Record<string, string>> {
  return events.map((event) => ({
    "funding time": utc(event.fundingTime),
    "last rate before it": percentOf(event.fundingRate),
    "first update after it": new Date(event.firstUpdateAfter).toISOString(),
    "next funding time": utc(event.nextFundingTime),
  }));
}

/** The kline check as table rows: per candle, what the kline added and what the trades add up to. */
export function klineCheckRows(rows: readonly KlineTradeCheckRow[]): Array<Record<string, string | number | boolean>> {
  return rows.map((row) => ({
    candle: utc(row.openTime),
    updates: row.updates,
    "trades added (kline n)": row.klineTrades,
    "trade ids delivered": row.streamTrades,
    "volume added (kline v)": Number(row.klineVolume.toPrecision(12)),
    "volume of those trades": Number(row.streamVolume.toPrecision(12)),
    "aggregates across an L": row.straddling,
    agrees: row.agrees,
  }));
}

/**
 * The kline check in one sentence.
 * @example describeKlineCheck(compareKlinesWithTrades(klines, aggTrades)) // "2 candles: the kline stream and the trades agree on every one …"
 */
export function describeKlineCheck(rows: readonly KlineTradeCheckRow[]): string {
  const agreeing = rows.filter((row) => row.agrees).length;
  const straddling = rows.reduce((sum, row) => sum + row.straddling, 0);
  const trades = rows.reduce((sum, row) => sum + row.klineTrades, 0);
  const volumeNote =
    straddling > 0 ? ` (${straddling} aggregate trade(s) span the first update's L, so their volume is not split between candles)` : "";
  return `${rows.length} candle(s), ${trades} trades added between first and last update: the trade stream delivered the same trade ids on ${agreeing} of ${rows.length}${volumeNote}.`;
}

/** The top of the book in one sentence. */
export function describeTopOfBook(summary: TopOfBookSummary): string {
  return (
    `${summary.updates} bookTicker updates (${summary.updatesPerSecond.toFixed(1)}/s): the spread was one tick (${summary.tickSize}) ` +
    `${(summary.oneTickShare * 100).toFixed(1)} % of the time, at most ${summary.maxSpreadTicks} ticks, median ${summary.medianSpreadBps.toFixed(3)} bp of the mid; ` +
    `median size ${summary.medianBidQuantity} at the bid, ${summary.medianAskQuantity} at the ask.`
  );
}

/** The messages a notebook shows for one event type: the data's own, or Binance's documented example when the data has none. */
export interface ShownMessages {
  readonly messages: readonly MessageLike[];
  /** True when these are Binance's documented example, not market data. */
  readonly documented: boolean;
  /** A sentence for the reader: where the messages come from. */
  readonly note: string;
  /** For chart titles: `"documented example, not market data"`, or `""`. */
  readonly label: string;
}

/**
 * The messages of `kind` in the sample; when it has none, Binance's documented example of that
 * kind (data/examples/), said to be one in `note` and `label`.
 * @example const shown = messagesOrDocumentedExample(data.sample, "forceOrder"); console.log(shown.note)
 */
export function messagesOrDocumentedExample(sample: Pick<Sample, "messages">, kind: string): ShownMessages {
  const own = sample.messages.filter(
    (message) => schemaOfEvent(message.stream, Array.isArray(message.data) ? message.data[0] : message.data)?.kind === kind,
  );
  if (own.length > 0) return { messages: own, documented: false, note: `${own.length} ${kind} message(s) in this data.`, label: "" };
  const example = loadDocumentedExamples().find((message) => schemaOfEvent(message.stream, message.data)?.kind === kind);
  if (!example)
    return { messages: [], documented: false, note: `No ${kind} message in this data, and no documented example of it.`, label: "" };
  return {
    messages: [example],
    documented: true,
    note: `No ${kind} message in this data (no real recording of it is bundled). What follows is Binance's documented example, NOT market data: ${example.doc}`,
    label: "documented example, not market data",
  };
}

/** Liquidations in one sentence: orders and notional of longs and shorts closed. */
export function describeLiquidations(bySide: readonly LiquidationTotal[], shown: ShownMessages): string {
  const part = (total: LiquidationTotal | undefined, what: string) =>
    `${total?.orders ?? 0} ${what} (${(total?.notional ?? 0).toLocaleString("en-US", { maximumFractionDigits: 0 })} quote)`;
  const prefix = shown.documented ? "Binance's documented example, not market data: " : "";
  return `${prefix}${part(
    bySide.find((t) => t.key === "long"),
    "longs liquidated",
  )}, ${part(
    bySide.find((t) => t.key === "short"),
    "shorts liquidated",
  )}.`;
}

/**
 * The market data in one sentence, saying plainly when it covers only a few symbols (as the
 * bundled recording does) rather than the whole market.
 */
export function describeMarket(latest: LatestTickers, pushes: number): string {
  const span = latest.length > 0 ? ` from ${utc(Math.min(...latest.eventTime))} to ${utc(Math.max(...latest.eventTime))}` : "";
  const head = `${pushes} !ticker@arr push(es) hold the latest 24 h tickers of ${latest.length} symbol(s)${span}.`;
  if (latest.length >= 50) return head;
  return `${head} That is not the whole market: only ${latest.symbol.join(", ")}. A live capture of !ticker@arr covers every symbol that trades (hundreds).`;
}
