/**
 * Queries the notebooks run and `npm run bench` times, written once: taker flow per minute,
 * one-second OHLCV bars with taker buy/sell volume, VWAP per second, and the spread from
 * `book_ticker`. Each takes the sample name (`source`) as `$1`; notebook 11 shows the SQL in its
 * text (test/query-recipes.test.ts checks that the two agree).
 */

/** Taker buys and sells per minute: trades, base quantity and quote notional of each side. */
export const TAKER_FLOW_BY_MINUTE = `SELECT date_trunc('minute', trade_time) AS minute,
  count(*) FILTER (WHERE NOT is_buyer_maker) AS buy_trades,
  count(*) FILTER (WHERE is_buyer_maker) AS sell_trades,
  sum(price * quantity) FILTER (WHERE NOT is_buyer_maker) AS buy_notional,
  sum(price * quantity) FILTER (WHERE is_buyer_maker) AS sell_notional
FROM trade WHERE source = $1
GROUP BY 1 ORDER BY 1`;

/** One-second OHLCV bars (open and close by trade id), with the taker buy and sell volume. */
export const OHLCV_1S = `SELECT time_bucket(INTERVAL 1 SECOND, trade_time) AS second,
  arg_min(price, trade_id) AS open, max(price) AS high, min(price) AS low, arg_max(price, trade_id) AS close,
  sum(quantity) AS volume,
  sum(quantity) FILTER (WHERE NOT is_buyer_maker) AS buy_volume,
  sum(quantity) FILTER (WHERE is_buyer_maker) AS sell_volume
FROM trade WHERE source = $1
GROUP BY 1 ORDER BY 1`;

/** VWAP per second and since the start (Σ price × quantity / Σ quantity), with each second's last price. */
export const VWAP_1S = `SELECT second, close, vwap,
  sum(notional) OVER (ORDER BY second) / sum(volume) OVER (ORDER BY second) AS running_vwap
FROM (
  SELECT time_bucket(INTERVAL 1 SECOND, trade_time) AS second, arg_max(price, trade_id) AS close,
    sum(price * quantity) / sum(quantity) AS vwap, sum(price * quantity) AS notional, sum(quantity) AS volume
  FROM trade WHERE source = $1 GROUP BY 1
) ORDER BY second`;

/** The spread and mid price from `book_ticker`, per second: mean, widest, and the last mid. */
export const SPREAD_1S = `SELECT time_bucket(INTERVAL 1 SECOND, event_time) AS second,
  avg(ask_price - bid_price) AS mean_spread, max(ask_price - bid_price) AS max_spread,
  arg_max((ask_price + bid_price) / 2, update_id) AS mid, count(*) AS updates
FROM book_ticker WHERE source = $1
GROUP BY 1 ORDER BY 1`;

/** Every recipe by name. */
export const RECIPES = { TAKER_FLOW_BY_MINUTE, OHLCV_1S, VWAP_1S, SPREAD_1S } as const;
