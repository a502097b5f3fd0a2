/**
 * `<symbol>@bookTicker`, real time: best bid and ask.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Individual-Symbol-Book-Ticker-Streams
 */
import { EVENT_HEADER, TRANSACTION_TIME } from "./common";
import { defineEvent, type RawEventOf, type RecordOf } from "./kinds";

/** Schema of `bookTicker`. */
export const BOOK_TICKER_SCHEMA = defineEvent({
  eventType: "bookTicker",
  kind: "bookTicker",
  fields: [
    ...EVENT_HEADER,
    { path: "u", name: "updateId", kind: "id", meaning: "order-book update id (matches a depth event's u)" },
    TRANSACTION_TIME,
    { path: "b", name: "bidPrice", kind: "decimal", unit: "quote asset", meaning: "best bid price" },
    { path: "B", name: "bidQuantity", kind: "decimal", unit: "base asset", meaning: "best bid quantity" },
    { path: "a", name: "askPrice", kind: "decimal", unit: "quote asset", meaning: "best ask price" },
    { path: "A", name: "askQuantity", kind: "decimal", unit: "base asset", meaning: "best ask quantity" },
  ],
  frame: [
    "time",
    "eventTime",
    "transactionTime",
    "symbol",
    "updateId",
    "bidPrice",
    "bidQuantity",
    "askPrice",
    "askQuantity",
    "spread",
    "localTimestamp",
  ],
});

/** `<symbol>@bookTicker` payload. */
export interface RawBookTicker extends RawEventOf<typeof BOOK_TICKER_SCHEMA> {}

/** A decoded `bookTicker`. */
export interface BookTicker extends RecordOf<typeof BOOK_TICKER_SCHEMA> {}
