/**
 * `streamlab book`: the order book of a sample at a moment (default: its end), rebuilt from
 * every snapshot and diff event in it, with its sync state and the gaps and resyncs it went
 * through; as a table, or as JSON with prices and quantities as Binance writes them.
 */
import { UsageError } from "../../errors";
import { bookAt, type BookAtOptions, type BookAtResult } from "../../analysis/book/book-at";
import { loadSample } from "../../store/read";
import type { CaptureEvent, Sample } from "../../store/sample-format";
import { parseCount, parseDuration } from "../args";
import type { Command } from "../command";

/** Capture events about the book: the gaps the capture saw, its resyncs and their retries. */
const BOOK_EVENT_KINDS: ReadonlySet<string> = new Set(["depth-gap", "resync", "resync-retry"]);

/** `--at`: ms since the epoch, an ISO time, or `+<duration>` after the first depth event. */
function atOption(text: string | undefined): Pick<BookAtOptions, "at" | "atOffsetMs"> {
  if (text === undefined) return {};
  if (text.startsWith("+")) return { atOffsetMs: parseDuration(text.slice(1), "--at") };
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new UsageError(
      "INVALID_FLAG_VALUE",
      `Invalid --at ${JSON.stringify(text)}: expected an ISO time such as 2023-04-05T00:00:30Z, ms since the epoch, or +30s after the first depth event.`,
    );
  }
  return { at: ms };
}

function isoOf(ms: number | null): string | null {
  return ms !== null && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** A finite number, or `null` (JSON has no NaN). */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The capture events of the sample about this symbol's book. */
function bookEventsOf(sample: Sample, symbol: string): CaptureEvent[] {
  const prefix = `${symbol.toLowerCase()}@`;
  return sample.events.filter(
    (event) => BOOK_EVENT_KINDS.has(event.kind) && (event.stream === undefined || event.stream.startsWith(prefix)),
  );
}

/**
 * The `--json` document: levels as Binance writes them (best first; only while the book is
 * exact), spread and mid as decimal strings, microprice and imbalance as numbers.
 */
export function bookJson(result: BookAtResult, levels: number, events: readonly CaptureEvent[]): Record<string, unknown> {
  const { book, state } = result;
  const top = state.isExact ? book.formatTop(levels) : { bids: [], asks: [] };
  const known = (price: number | null) => (price === null ? null : Number.isFinite(price) ? book.text.formatPrice(price) : "none");
  return {
    symbol: result.symbol,
    stream: result.stream,
    at: isoOf(result.at),
    time: isoOf(result.eventTime),
    eventTime: finite(result.eventTime),
    lastUpdateId: result.lastUpdateId,
    state: state.state,
    stateDetail: result.stateText,
    brokenSince: state.gap?.lastUpdateId ?? null,
    partial: state.isPartial,
    bids: top.bids,
    asks: top.asks,
    spread: state.isExact && Number.isFinite(book.spread()) ? book.text.formatPrice(book.spread()) : null,
    mid: state.isExact && Number.isFinite(book.mid()) ? book.mid().toFixed(book.text.priceDecimals + 1) : null,
    microprice: state.isExact ? finite(book.microprice()) : null,
    imbalance: state.isExact ? finite(book.imbalance(levels)) : null,
    knownDepth: { bids: known(book.bids.knownUntilPrice), asks: known(book.asks.knownUntilPrice) },
    counts: result.counts,
    history: result.history.map((entry) => ({
      kind: entry.kind,
      updateId: entry.updateId,
      time: isoOf(entry.eventTime),
      detail: entry.detail,
    })),
    captureEvents: events.map((event) => ({
      kind: event.kind,
      time: isoOf(event.localTimestamp),
      stream: event.stream ?? null,
      detail: event.detail ?? "",
    })),
  };
}

/** The text report: where the book stands, its top levels side by side, its measures, and what it went through. */
export function formatBook(result: BookAtResult, levels: number, events: readonly CaptureEvent[]): string {
  const { book, state } = result;
  const text = book.text;
  const lines: string[] = [];
  const when = result.at === null ? "at the end of the sample" : `at ${isoOf(result.at)}`;
  lines.push(
    `${result.symbol} book from ${result.stream || "depth"} ${when}${result.topLevels !== null ? ` (a top-${result.topLevels} stream)` : ""}`,
  );
  lines.push(`State: ${result.stateText}${Number.isFinite(result.eventTime) ? ` (last update ${isoOf(result.eventTime)})` : ""}`);
  if (state.isExact) {
    const top = book.top(levels);
    const rows = Math.max(top.bids.length, top.asks.length);
    lines.push(`${"bid qty".padStart(14)} ${"bid price".padStart(14)} | ${"ask price".padEnd(14)} ${"ask qty".padStart(14)}`);
    for (let i = 0; i < rows; i++) {
      const bid = top.bids[i];
      const ask = top.asks[i];
      const left = bid ? `${text.formatQuantity(bid.quantity).padStart(14)} ${text.formatPrice(bid.price).padStart(14)}` : " ".repeat(29);
      const right = ask ? `${text.formatPrice(ask.price).padEnd(14)} ${text.formatQuantity(ask.quantity).padStart(14)}` : "";
      lines.push(`${left} | ${right}`.trimEnd());
    }
    const imbalance = book.imbalance(levels);
    lines.push(
      `Spread ${text.formatPrice(book.spread())} (${book.spreadBps().toFixed(2)} bps), mid ${book.mid().toFixed(text.priceDecimals + 1)}, ` +
        `microprice ${book.microprice().toFixed(text.priceDecimals + 1)}, imbalance over ${levels} level(s) ${Number.isFinite(imbalance) ? imbalance.toFixed(3) : "unknown"}`,
    );
    const bidsKnown = book.bids.knownUntilPrice;
    const asksKnown = book.asks.knownUntilPrice;
    if (bidsKnown !== null || asksKnown !== null) {
      const side = (name: string, price: number | null, direction: string) =>
        price === null
          ? `${name} complete`
          : Number.isFinite(price)
            ? `${name} ${direction} ${text.formatPrice(price)}`
            : `${name} unknown`;
      lines.push(
        `Known depth: ${side("bids", bidsKnown, "down to")}, ${side("asks", asksKnown, "up to")}; levels beyond are unknown, not empty.`,
      );
    }
  } else {
    lines.push("No exact book at this moment, so no levels are shown: see the state above and the history below.");
  }
  const c = result.counts;
  lines.push(
    `Went through: ${c.events} depth events, ${c.applied} applied, ${c.stale} dropped as older than the book, ${c.gaps} gap(s), ${c.waiting} not applied; ${c.snapshotsUsed} of ${c.snapshotsInSample} snapshot(s) used.`,
  );
  if (result.history.length > 0) {
    lines.push("History:");
    for (const entry of result.history)
      lines.push(`  ${(isoOf(entry.eventTime) ?? "-").padEnd(24)} ${entry.kind.padEnd(17)} ${entry.detail}`);
  }
  if (events.length > 0) {
    lines.push("During the capture:");
    for (const event of events)
      lines.push(`  ${(isoOf(event.localTimestamp) ?? "-").padEnd(24)} ${event.kind.padEnd(17)} ${event.detail ?? ""}`);
  }
  return lines.join("\n");
}

/** `streamlab book <file> [--at <time>] [--levels N] [--symbol S] [--stream name] [--json]`. */
export const bookCommand: Command = {
  name: "book",
  usage:
    "  streamlab book <file> [--at <time>] [--levels N] [--symbol S] [--stream name] [--json]\n" +
    "                                                   the order book at a time (default: the end), its sync state, gaps and resyncs",
  options: {
    at: { type: "string" },
    levels: { type: "string" },
    symbol: { type: "string" },
    stream: { type: "string" },
    json: { type: "boolean" },
  },
  run({ values, flags, positionals }, { out }) {
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? "MISSING_ARGUMENT" : "TOO_MANY_ARGUMENTS", "book needs exactly one sample file.");
    }
    const levels = values.levels === undefined ? 10 : parseCount(values.levels, "--levels");
    if (levels > 1000)
      throw new UsageError(
        "INVALID_FLAG_VALUE",
        `Invalid --levels ${JSON.stringify(values.levels)}: expected at most 1000 (a snapshot's depth).`,
      );
    const sample = loadSample(positionals[0]);
    const result = bookAt(sample, { ...atOption(values.at), symbol: values.symbol, stream: values.stream });
    const events = bookEventsOf(sample, result.symbol);
    out.write(flags.json ? JSON.stringify(bookJson(result, levels, events)) + "\n" : formatBook(result, levels, events) + "\n");
    return 0;
  },
};
