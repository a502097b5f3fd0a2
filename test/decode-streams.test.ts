/**
 * The decoders of every USDⓈ-M market stream family, checked field by field: on real messages
 * where the project has them (data/bundled), and on Binance's documented examples
 * (data/examples/) for the families without a real recording here, as each test's name says.
 * Array streams decode into one record per symbol; columns and frames follow the records.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import {
  decodeAssetIndex,
  decodeCompositeIndex,
  decodeContinuousKline,
  decodeContractInfo,
  decodeForceOrder,
  decodeMessage,
  decodePartialDepth,
  decodeRecords,
  type MessageToDecode,
} from "../lib/binance/decode";
import { describeFields, describeSchema } from "../lib/binance/fields";
import { eventsOf } from "../lib/binance/schema";
import {
  assetIndexColumns,
  bookTickerColumns,
  continuousKlineColumns,
  depthColumns,
  forceOrderColumns,
  klineColumns,
  markPriceColumns,
  miniTickerColumns,
  partialDepthColumns,
  tickerColumns,
} from "../lib/analysis/columns";
import { compositeComponentColumns, contractBracketColumns } from "../lib/analysis/item-columns";
import { forceOrdersFrame, markPricesFrame, partialDepthFrame } from "../lib/notebook/frames";
import { DecodeError } from "../lib/errors";
import { loadSample } from "../lib/store/read";
import type { StoredMessage } from "../lib/store/sample-format";
import { BUNDLED, DOCUMENTED_EXAMPLES, readRecordingLines } from "./helpers";

const SINGLES = loadSample(path.join(BUNDLED, "usdm-2021-2022-crypto-crawler-messages.jsonl")).messages;
const MARK_AND_TRADES = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-markprice-trade.jsonl.gz")).messages;
const ALTS = loadSample(path.join(BUNDLED, "alts-2021-04-17-cryptofeed.jsonl.gz")).messages;
const HFT = loadSample(path.join(BUNDLED, "btcusdt-2023-04-04-hftbacktest-60s.jsonl.gz")).messages;
const EXAMPLES: MessageToDecode[] = readRecordingLines(DOCUMENTED_EXAMPLES).map((line) => JSON.parse(line) as MessageToDecode);

function real(messages: readonly StoredMessage[], stream: string): StoredMessage[] {
  const found = messages.filter((message) => message.stream === stream);
  assert.ok(found.length > 0, `real ${stream} messages`);
  return found;
}

function example(stream: string): MessageToDecode {
  const found = EXAMPLES.find((message) => message.stream === stream);
  assert.ok(found, `a documented example of ${stream}`);
  return found;
}

test("@markPrice and @markPrice@1s: real messages, every field (markPrice@1s through the 00:00 funding time)", () => {
  const [single] = real(SINGLES, "btcusdt@markPrice");
  assert.deepEqual(decodeMessage(single), {
    kind: "markPrice",
    eventTime: 1617308820003,
    localTimestamp: null,
    symbol: "BTCUSDT",
    markPrice: 58940.14924532,
    indexPrice: 58857.26693664,
    estimatedSettlePrice: 58905.14663658,
    fundingRate: 0.00058455,
    nextFundingTime: 1617321600000,
  });
  const everySecond = real(MARK_AND_TRADES, "btcusdt@markPrice@1s");
  assert.equal(everySecond.length, 514);
  assert.deepEqual(decodeMessage(everySecond[0]), {
    kind: "markPrice",
    eventTime: 1680652701000,
    localTimestamp: 1680652701048.293,
    symbol: "BTCUSDT",
    markPrice: 28147.27373413,
    indexPrice: 28159.75642857,
    estimatedSettlePrice: 28142.15563565,
    fundingRate: 0.00002754,
    nextFundingTime: 1680652800000,
  });
  // The next funding time moves on by 8 hours once 00:00 UTC has passed.
  const c = markPriceColumns(everySecond);
  assert.deepEqual([...new Set(c.nextFundingTime)], [Date.UTC(2023, 3, 5, 0), Date.UTC(2023, 3, 5, 8)]);
  const first = c.nextFundingTime.indexOf(Date.UTC(2023, 3, 5, 8));
  assert.ok(c.eventTime[first] >= Date.UTC(2023, 3, 5, 0) && c.eventTime[first - 1] < Date.UTC(2023, 3, 5, 0) + 1000);
});

test("!markPrice@arr: a real array decodes into one record per symbol, in columns and frames too", () => {
  const [message] = real(SINGLES, "!markPrice@arr");
  const records = decodeRecords(message);
  assert.deepEqual(
    records.map((r) => r.symbol),
    ["BTCUSDT", "ETHUSDT"],
  );
  assert.deepEqual(records[1], {
    kind: "markPrice",
    eventTime: 1617309024002,
    localTimestamp: null,
    symbol: "ETHUSDT",
    markPrice: 1981.1570442,
    indexPrice: 1978.08197502,
    estimatedSettlePrice: 1974.79557094,
    fundingRate: 0.00059142,
    nextFundingTime: 1617321600000,
  });
  assert.throws(
    () => decodeMessage(message),
    (error: DecodeError) => error.code === "ARRAY_PAYLOAD" && /decodeRecords/.test(error.message),
  );
  const c = markPriceColumns([message]);
  assert.equal(c.length, 2);
  assert.deepEqual(c.stream, ["!markPrice@arr", "!markPrice@arr"]);
  assert.deepEqual(Array.from(c.markPrice), [59022.53514719, 1981.1570442]);
  assert.deepEqual(markPricesFrame([message]).column("symbol").values, ["BTCUSDT", "ETHUSDT"]);
  // describeFields shows the first event's fields.
  assert.deepEqual(
    describeFields(message.data).map((row) => row.field),
    ["e", "E", "s", "p", "P", "i", "r", "T"],
  );
});

test("@kline_<interval>: real 1m (cryptofeed) and 1M (crypto-crawler) klines, every field", () => {
  const [minute] = real(ALTS, "yfiusdt@kline_1m");
  assert.deepEqual(decodeMessage(minute), {
    kind: "kline",
    eventTime: 1618677448088,
    localTimestamp: 1618677448833.335,
    symbol: "YFIUSDT",
    interval: "1m",
    openTime: 1618677420000,
    closeTime: 1618677479999,
    firstTradeId: 64902095,
    lastTradeId: 64902163,
    open: 50010.8,
    close: 49966.7,
    high: 50044.2,
    low: 49950.6,
    baseVolume: 0.842,
    quoteVolume: 42099.683,
    takerBuyBaseVolume: 0.538,
    takerBuyQuoteVolume: 26900.2291,
    tradeCount: 69,
    isClosed: false,
  });
  const [month] = real(SINGLES, "btcusdt@kline_1M");
  const record = decodeMessage(month);
  assert.equal(record.kind, "kline");
  if (record.kind !== "kline") return;
  assert.equal(record.interval, "1M");
  assert.equal(record.tradeCount, 129025447);
  assert.equal(record.quoteVolume, Number("423075730671.12853"));
  assert.equal(klineColumns(real(ALTS, "yfiusdt@kline_1m")).length, 26);
});

test("@bookTicker and !bookTicker: real messages, every field; !bookTicker sends single events", () => {
  const [ethusdt] = real(SINGLES, "ethusdt@bookTicker");
  assert.deepEqual(decodeMessage(ethusdt), {
    kind: "bookTicker",
    eventTime: 1653817855289,
    localTimestamp: null,
    symbol: "ETHUSDT",
    updateId: 1553413152520,
    transactionTime: 1653817855284,
    bidPrice: 1778.54,
    bidQuantity: 15.164,
    askPrice: 1778.55,
    askQuantity: 7.289,
  });
  const [all] = real(SINGLES, "!bookTicker");
  assert.ok(!Array.isArray(all.data));
  assert.deepEqual(decodeMessage(all), {
    kind: "bookTicker",
    eventTime: 1653812037552,
    localTimestamp: null,
    symbol: "BALUSDT",
    updateId: 1553205153844,
    transactionTime: 1653812037547,
    bidPrice: 6.718,
    bidQuantity: 16.2,
    askPrice: 6.719,
    askQuantity: 3.7,
  });
  const c = bookTickerColumns([all, ethusdt, ...real(HFT, "btcusdt@bookTicker").slice(0, 3)]);
  assert.deepEqual(c.symbol, ["BALUSDT", "ETHUSDT", "BTCUSDT", "BTCUSDT", "BTCUSDT"]);
});

test("!ticker@arr: real arrays decode into one 24hrTicker per symbol, every field", () => {
  const messages = real(SINGLES, "!ticker@arr");
  const records = messages.flatMap((message) => decodeRecords(message));
  assert.deepEqual(
    records.map((r) => r.symbol),
    ["BTCUSDT", "IOTXUSDT"],
  );
  assert.deepEqual(records[1], {
    kind: "ticker",
    eventTime: 1653814800126,
    localTimestamp: null,
    symbol: "IOTXUSDT",
    priceChange: 0.00053,
    priceChangePercent: 1.525,
    weightedAveragePrice: 0.03552,
    lastPrice: 0.03529,
    lastQuantity: 861,
    openPrice: 0.03476,
    highPrice: 0.03645,
    lowPrice: 0.03465,
    baseVolume: 346584392,
    quoteVolume: 12312309.61,
    statsOpenTime: 1653728400000,
    statsCloseTime: 1653814800117,
    firstTradeId: 94208734,
    lastTradeId: 94269527,
    tradeCount: 60794,
  });
  const c = tickerColumns(SINGLES);
  assert.deepEqual(c.symbol, ["BTCUSDT", "BTCUSDT_220624", "IOTXUSDT", "ETHUSDT"]);
  assert.deepEqual(c.stream, ["!ticker@arr", "btcusdt_220624@ticker", "!ticker@arr", "ethusdt@ticker"]);
});

test("!miniTicker@arr: Binance's documented example (no real recording here) decodes into one record per symbol", () => {
  const message = example("!miniTicker@arr");
  assert.deepEqual(decodeRecords(message), [
    {
      kind: "miniTicker",
      eventTime: 123456789,
      localTimestamp: null,
      symbol: "BTCUSDT",
      closePrice: 0.0025,
      openPrice: 0.001,
      highPrice: 0.0025,
      lowPrice: 0.001,
      baseVolume: 10000,
      quoteVolume: 18,
    },
  ]);
  assert.equal(miniTickerColumns([message]).length, 1);
});

test("@depth<levels>: real depth20 pictures decode as partial depth (not diff depth), with the best bid and ask", () => {
  const [picture] = real(SINGLES, "ethusdt@depth20");
  assert.deepEqual(decodeMessage(picture), {
    kind: "partialDepth",
    eventTime: 1651122265861,
    localTimestamp: null,
    symbol: "ETHUSDT",
    transactionTime: 1651122265854,
    firstUpdateId: 1437010873371,
    finalUpdateId: 1437010882721,
    previousFinalUpdateId: 1437010873329,
    bids: [
      [2886.71, 0.454],
      [2886.7, 2.755],
      [2886.67, 1],
    ],
    asks: [
      [2886.72, 77.215],
      [2886.73, 1.734],
      [2886.74, 0.181],
    ],
    bidPrice: 2886.71,
    bidQuantity: 0.454,
    askPrice: 2886.72,
    askQuantity: 77.215,
  });
  assert.equal(decodePartialDepth(picture.data).kind, "partialDepth");
  // Partial depth and diff depth share `e`; the stream names which one a message is.
  const mixed = [
    ...real(SINGLES, "ethusdt@depth20"),
    ...real(SINGLES, "ethusdt_220624@depth20"),
    ...real(HFT, "btcusdt@depth@0ms").slice(0, 4),
  ];
  const pictures = partialDepthColumns(mixed);
  assert.deepEqual(pictures.symbol, ["ETHUSDT", "ETHUSDT_220624"]);
  assert.deepEqual(Array.from(pictures.bidPrice), [2886.71, 1817.59]);
  assert.deepEqual(Array.from(pictures.askPrice), [2886.72, 1817.98]);
  assert.equal(depthColumns(mixed).length, 4);
  const frame = partialDepthFrame(mixed);
  assert.deepEqual(
    frame.column("spread").values.map((v) => Number((v as number).toFixed(2))),
    [0.01, 0.39],
  );
});

test("@depth<levels>: Binance's documented depth5 example (bids lowest first) gives the highest bid and lowest ask", () => {
  const record = decodeMessage(example("btcusdt@depth5"));
  assert.equal(record.kind, "partialDepth");
  if (record.kind !== "partialDepth") return;
  assert.equal(record.bids.length, 5);
  assert.deepEqual([record.bidPrice, record.bidQuantity, record.askPrice, record.askQuantity], [7405.43, 2.562, 7405.96, 3.34]);
  assert.deepEqual([record.firstUpdateId, record.finalUpdateId, record.previousFinalUpdateId], [390497796, 390497878, 390497794]);
});

test("@continuousKline_<interval>: Binance's documented example (no real recording here), every field; the pair is the symbol", () => {
  const message = example("btcusdt_perpetual@continuousKline_1m");
  assert.deepEqual(decodeMessage(message), {
    kind: "continuousKline",
    eventTime: 1607443058651,
    localTimestamp: null,
    symbol: "BTCUSDT",
    contractType: "PERPETUAL",
    interval: "1m",
    openTime: 1607443020000,
    closeTime: 1607443079999,
    firstUpdateId: 116467658886,
    lastUpdateId: 116468012423,
    open: 18787,
    close: 18804.04,
    high: 18804.04,
    low: 18786.54,
    baseVolume: 197.664,
    quoteVolume: 3715253.19494,
    takerBuyBaseVolume: 184.769,
    takerBuyQuoteVolume: 3472925.84746,
    tradeCount: 543,
    isClosed: false,
  });
  assert.deepEqual(decodeContinuousKline(message.data), decodeMessage(message));
  assert.deepEqual(continuousKlineColumns([message]).contractType, ["PERPETUAL"]);
});

test("@forceOrder and !forceOrder@arr: Binance's documented example (no real recording here), every field, the filled notional and the position closed", () => {
  for (const stream of ["btcusdt@forceOrder", "!forceOrder@arr"]) {
    const message = example(stream);
    assert.ok(!Array.isArray(message.data), "the all-market stream sends single events");
    assert.deepEqual(decodeMessage(message), {
      kind: "forceOrder",
      eventTime: 1568014460893,
      localTimestamp: null,
      symbol: "BTCUSDT",
      orderSide: "SELL",
      orderType: "LIMIT",
      timeInForce: "IOC",
      quantity: 0.014,
      price: 9910,
      averagePrice: 9910,
      orderStatus: "FILLED",
      lastFilledQuantity: 0.014,
      filledQuantity: 0.014,
      tradeTime: 1568014460893,
      filledNotional: 9910 * 0.014,
      liquidatedPosition: "long",
    });
  }
  const buy = structuredClone(example("btcusdt@forceOrder").data) as { o: { S: string } };
  buy.o.S = "BUY";
  assert.equal(decodeForceOrder(buy).liquidatedPosition, "short");
  const c = forceOrderColumns([example("!forceOrder@arr")]);
  assert.deepEqual(c.liquidatedPosition, ["long"]);
  assert.deepEqual(forceOrdersFrame([example("btcusdt@forceOrder")]).column("filledNotional").values, [9910 * 0.014]);
  assert.throws(
    () => decodeForceOrder({ ...(example("btcusdt@forceOrder").data as object), o: "x" }),
    (error: DecodeError) => error.code === "NOT_AN_OBJECT" && error.field === "o",
  );
});

test("!contractInfo: Binance's documented example (no real recording here), every field, its brackets as entries", () => {
  const message = example("!contractInfo");
  const record = decodeContractInfo(message.data);
  assert.deepEqual(
    { ...record, brackets: undefined },
    {
      kind: "contractInfo",
      eventTime: 1669356423908,
      localTimestamp: null,
      symbol: "IOTAUSDT",
      pair: "IOTAUSDT",
      contractType: "PERPETUAL",
      deliveryTime: 4133404800000,
      onboardTime: 1569398400000,
      contractStatus: "TRADING",
      brackets: undefined,
      bracketCount: 2,
    },
  );
  assert.deepEqual(record.brackets, [
    { bracket: 1, floorNotional: 0, capNotional: 5000, maintenanceMarginRatio: 0.01, auxiliaryNumber: 0, minLeverage: 21, maxLeverage: 50 },
    {
      bracket: 2,
      floorNotional: 5000,
      capNotional: 25000,
      maintenanceMarginRatio: 0.025,
      auxiliaryNumber: 75,
      minLeverage: 11,
      maxLeverage: 20,
    },
  ]);
  // bks only comes when the brackets change: without it, brackets is null and the count 0.
  const { bks: _bks, ...withoutBrackets } = message.data as Record<string, unknown>;
  const plain = decodeContractInfo(withoutBrackets);
  assert.equal(plain.brackets, null);
  assert.equal(plain.bracketCount, 0);
  const brackets = contractBracketColumns([
    message as StoredMessage,
    { stream: "!contractInfo", data: withoutBrackets, localTimestamp: null },
  ]);
  assert.equal(brackets.length, 2);
  assert.deepEqual(Array.from(brackets.fields.maintenanceMarginRatio as Float64Array), [0.01, 0.025]);
  assert.deepEqual(brackets.symbol, ["IOTAUSDT", "IOTAUSDT"]);
  assert.throws(
    () => decodeContractInfo({ ...(message.data as object), bks: [{ bs: 1, bnf: "0", bnc: 5000, mmr: 0.01, cf: 0, mi: 21, ma: 50 }] }),
    (error: DecodeError) => error.code === "INVALID_NUMBER" && error.field === "bks[0].bnf",
  );
  assert.throws(
    () => decodeContractInfo({ ...(message.data as object), bks: {} }),
    (error: DecodeError) => error.code === "INVALID_ITEMS" && error.field === "bks",
  );
  assert.deepEqual(
    describeSchema("contractInfo")
      .filter((row) => row.decoded === "in each entry")
      .map((row) => row.field),
    ["bks[].bs", "bks[].bnf", "bks[].bnc", "bks[].mmr", "bks[].cf", "bks[].mi", "bks[].ma"],
  );
});

test("!assetIndex@arr and <assetSymbol>@assetIndex: Binance's documented example (no real recording here), one record per asset", () => {
  const message = example("!assetIndex@arr");
  const records = decodeRecords(message);
  assert.deepEqual(
    records.map((r) => r.symbol),
    ["ADAUSD", "USDTUSD"],
  );
  assert.deepEqual(records[0], {
    kind: "assetIndex",
    eventTime: 1686749230000,
    localTimestamp: null,
    symbol: "ADAUSD",
    indexPrice: 0.27462452,
    bidBuffer: 0.1,
    askBuffer: 0.1,
    bidRate: 0.24716207,
    askRate: 0.30208698,
    autoExchangeBidBuffer: 0.05,
    autoExchangeAskBuffer: 0.05,
    autoExchangeBidRate: 0.2608933,
    autoExchangeAskRate: 0.28835575,
  });
  // One asset's stream sends one such event (the documented array's first element).
  const single = { stream: "adausd@assetIndex", data: eventsOf(message.data)[0] };
  assert.deepEqual(decodeMessage(single), records[0]);
  assert.deepEqual(decodeAssetIndex(single.data), records[0]);
  assert.deepEqual(Array.from(assetIndexColumns([message, single]).indexPrice), [0.27462452, 0.99987691, 0.27462452]);
});

test("@compositeIndex: Binance's documented example (no real recording here), every field, its components as entries", () => {
  const message = example("defiusdt@compositeIndex");
  const record = decodeCompositeIndex(message.data);
  assert.deepEqual([record.symbol, record.price, record.component, record.componentCount], ["DEFIUSDT", 554.41604065, "baseAsset", 2]);
  assert.deepEqual(record.components[1], {
    baseAsset: "BAND",
    quoteAsset: "USDT",
    weightInQuantity: 3.53782729,
    weightInPercentage: 0.039352,
    indexPrice: 7.26420084,
  });
  const components = compositeComponentColumns([message as StoredMessage]);
  assert.deepEqual(components.fields.baseAsset, ["BAL", "BAND"]);
  assert.deepEqual(Array.from(components.itemIndex), [0, 1]);
});
