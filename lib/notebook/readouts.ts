/**
 * Readouts: the sentences and small tables a notebook prints about an analysis result (taker
 * flow, sequence checks, the bookTicker check, aggregate sizes, …), so each notebook cell stays a
 * call or two. The analysis itself lives in lib/analysis.
 */
import type { AggTrade, Trade } from "../binance/decode";
import { decodeRecords } from "../binance/decode";
import { FIELD_DESCRIPTIONS } from "../binance/fields";
import type { SequenceGap } from "../binance/sequence";
import { tradeColumns, type AggTradeColumns, type DepthColumns, type MessageLike } from "../analysis/columns";
import type { BookTickerComparison } from "../analysis/depth";
import type { SampleInspection } from "../analysis/inspect";
import { formatPercent, type TakerFlow } from "../analysis/taker-flow";
import { compareAggTradesWithTrades, type AggregateSizes, type TradeStreamComparison } from "../analysis/trade-stats";
import type { SampleStorage } from "../store/storage";

function isoTime(ms: number | null): string {
  return ms === null ? "" : new Date(ms).toISOString();
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * One line per trade or aggregate: trade time, id, the taker's side, quantity @ price.
 * @example formatTrade(decodeTrade(message.data)) // "2025-03-19T11:58:11.584Z  6117923730  taker buy   0.013 @ 83849.7"
 */
export function formatTrade(trade: Trade | AggTrade): string {
  const id = trade.kind === "trade" ? trade.tradeId : trade.aggTradeId;
  return `${isoTime(trade.tradeTime)}  ${id}  taker ${trade.side.padEnd(4)}  ${trade.quantity} @ ${trade.price}`;
}

/**
 * The seed notebook's result in one line: counts, `buy / sell notional × 100`, taker-buy share.
 * @example describeTakerFlow(takerFlow(trades)) // "6 buys, 14 sells; buy / sell notional × 100 = 14.42 %; taker-buy share 12.60 %"
 */
export function describeTakerFlow(flow: TakerFlow): string {
  return `${plural(flow.buyCount, "buy")}, ${plural(flow.sellCount, "sell")}; buy / sell notional × 100 = ${formatPercent(flow.buySellRatioPercent)}; taker-buy share ${formatPercent(flow.takerBuyShare * 100)}`;
}

/** Taker buys and taker sells as two table rows: trades, quantity, notional. */
export function takerFlowRows(flow: TakerFlow): Array<{ side: string; trades: number; quantity: number; notional: number }> {
  return [
    { side: "taker buys", trades: flow.buyCount, quantity: flow.buyQuantity, notional: flow.buyNotional },
    { side: "taker sells", trades: flow.sellCount, quantity: flow.sellQuantity, notional: flow.sellNotional },
  ];
}

/**
 * The first message of each type in a storage, decoded: kind, symbol, event time (ISO).
 * @example showTable(firstMessageRows(SampleStorage.fromSample(sample)))
 */
export function firstMessageRows(storage: SampleStorage): Array<{ type: string; kind: string; symbol: string; eventTime: string }> {
  return storage.types().map((type) => {
    const [record] = decodeRecords(storage.getData(type)[0]); // an array stream's first event
    return { type, kind: record.kind, symbol: record.symbol, eventTime: isoTime(record.eventTime) };
  });
}

/** One table row per stream of an inspection: messages, rate, gaps, first and last event time. */
export function inspectionRows(report: SampleInspection): Array<Record<string, string | number | null>> {
  return report.streams.map((s) => ({
    stream: s.stream,
    messages: s.count,
    "msg/s": s.ratePerSecond,
    gaps: s.gaps,
    first: isoTime(s.firstEventTime),
    last: isoTime(s.lastEventTime),
  }));
}

/**
 * The trade-id check in one line.
 * @example describeTradeIdGaps([], 20) // "No gaps: 20 consecutive trade ids."
 */
export function describeTradeIdGaps(gaps: readonly SequenceGap[], tradeCount: number): string {
  return gaps.length === 0 ? `No gaps: ${tradeCount} consecutive trade ids.` : `${gaps.length} gap(s) in trade ids:`;
}

/**
 * The depth `pu` chain check in one line.
 * @example describeDepthChain(findDepthGaps(messages), messages.length) // "Chain unbroken: 600 updates, every pu equals the previous u."
 */
export function describeDepthChain(gaps: readonly SequenceGap[], updateCount: number): string {
  return gaps.length === 0
    ? `Chain unbroken: ${updateCount} updates, every pu equals the previous u.`
    : `${gaps.length} break(s) in the chain: the local book must resync.`;
}

/** The first `count` links of the depth chain: `U`, `u`, `pu`, the previous `u`, and whether `pu` equals it. */
export function depthChainLinks(depth: DepthColumns, count = 5): Array<Record<string, number | boolean | string>> {
  return Array.from({ length: Math.min(count, depth.length) }, (_, i) => ({
    U: depth.firstUpdateId[i],
    u: depth.finalUpdateId[i],
    pu: depth.previousFinalUpdateId[i],
    "previous u": i === 0 ? "" : depth.finalUpdateId[i - 1],
    linked: i === 0 ? "" : depth.previousFinalUpdateId[i] === depth.finalUpdateId[i - 1],
  }));
}

/**
 * The rebuilt book checked against bookTicker, in one line.
 * @example describeBookTickerCheck(compareBookWithBookTicker(sample)) // "42 bookTicker messages shared an update id with a depth event: 42 matches, 0 mismatches."
 */
export function describeBookTickerCheck(check: BookTickerComparison): string {
  return `${check.comparedCount} bookTicker messages shared an update id with a depth event: ${check.matchCount} matches, ${check.mismatchCount} mismatches.`;
}

/**
 * The fields one event type has and another lacks, with their names and meanings.
 * @example fieldsOnlyIn("24hrTicker", "24hrMiniTicker") // [{ field: "p", name: "priceChange", … }, …]
 */
export function fieldsOnlyIn(eventType: string, otherEventType: string): Array<{ field: string; name: string; meaning: string }> {
  const other = new Set(Object.keys(FIELD_DESCRIPTIONS[otherEventType] ?? {}));
  return Object.entries(FIELD_DESCRIPTIONS[eventType] ?? {})
    .filter(([field]) => !other.has(field))
    .map(([field, words]) => ({ field, name: words.name, meaning: words.meaning }));
}

/**
 * Aggregate sizes in one line.
 * @example describeAggregateSizes(computeAggregateSizes(aggs)) // "3 aggregates hold 4 trades (mean 1.33, max 2)."
 */
export function describeAggregateSizes(sizes: AggregateSizes): string {
  return `${sizes.totalAggregates} aggregates hold ${sizes.totalTrades} trades (mean ${sizes.meanTradesPerAggregate.toFixed(2)}, max ${sizes.maxTradesPerAggregate}).`;
}

/** `compareTradeStreams`' result: the rows to show (none when there is nothing to compare) and what they mean. */
export interface TradeStreamCheck {
  readonly rows: readonly TradeStreamComparison[];
  readonly note: string;
}

/**
 * `@aggTrade` against `@trade` over the trade ids both cover (`compareAggTradesWithTrades`), with a
 * note that says why there is nothing to compare when no trades were captured or the two cover
 * different trade ids.
 * @example const check = compareTradeStreams(aggTradeColumns(aggMessages), selectMessages(sample, "trade")); console.log(check.note)
 */
export function compareTradeStreams(aggTrades: AggTradeColumns, tradeMessages: readonly MessageLike[]): TradeStreamCheck {
  if (tradeMessages.length === 0) return { rows: [], note: 'No trades were captured: add "trade" to the types to compare.' };
  const rows = compareAggTradesWithTrades(aggTrades, tradeColumns(tradeMessages));
  if (rows.every((row) => row.messages === 0)) {
    return {
      rows: [],
      note: "The two captures cover different trade ids (different moments), so there is nothing to compare; capture both streams together live.",
    };
  }
  return { rows, note: "Over the trade ids both streams cover:" };
}
