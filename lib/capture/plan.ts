/**
 * Which connections a capture opens: one per (route, chunk), each chunk under Binance's 1024
 * streams per connection, its streams in the combined-stream URL while the URL stays short, the
 * rest subscribed with SUBSCRIBE requests (paced under Binance's 10 incoming messages per second
 * by the link). Works from the routing table only (`parseStreamName(...).family.route`).
 */
import { type Route, combinedStreamUrl, parseStreamName } from "../binance/endpoints";
import { MAX_COMBINED_URL_LENGTH, MAX_STREAMS_PER_CONNECTION, MAX_STREAMS_PER_SUBSCRIBE } from "../binance/limits";

/** One connection of a capture. */
export interface LinkPlan {
  /** 1-based, in plan order. */
  readonly id: number;
  readonly route: Route;
  /** Every stream this connection carries. */
  readonly streams: readonly string[];
  /** The URL it opens, with the streams that fit in it. */
  readonly url: string;
  /** The rest, in SUBSCRIBE requests of at most `MAX_STREAMS_PER_SUBSCRIBE` streams. */
  readonly subscribeBatches: readonly (readonly string[])[];
}

/** Limits of a plan (Binance's, unless a test shrinks them). */
export interface PlanLimits {
  readonly maxStreamsPerConnection?: number;
  readonly maxUrlLength?: number;
  readonly maxStreamsPerSubscribe?: number;
}

/**
 * The connections for `streams`: grouped by route in first-seen order, split into chunks of at
 * most `maxStreamsPerConnection`, each with as many streams in its URL as fit in `maxUrlLength`.
 * @example planConnections("wss://fstream.binance.com", ["btcusdt@trade", "btcusdt@ticker"]).map((p) => p.url)
 */
export function planConnections(wsBaseUrl: string, streams: readonly string[], limits: PlanLimits = {}): LinkPlan[] {
  const perConnection = limits.maxStreamsPerConnection ?? MAX_STREAMS_PER_CONNECTION;
  const maxUrl = limits.maxUrlLength ?? MAX_COMBINED_URL_LENGTH;
  const perSubscribe = limits.maxStreamsPerSubscribe ?? MAX_STREAMS_PER_SUBSCRIBE;
  const byRoute = new Map<Route, string[]>();
  for (const stream of streams) {
    const route = parseStreamName(stream).family.route;
    byRoute.set(route, [...(byRoute.get(route) ?? []), stream]);
  }
  const plans: LinkPlan[] = [];
  for (const [route, routeStreams] of byRoute) {
    for (let start = 0; start < routeStreams.length; start += perConnection) {
      const chunk = routeStreams.slice(start, start + perConnection);
      let inUrl = 0;
      while (inUrl < chunk.length && combinedStreamUrl(wsBaseUrl, route, chunk.slice(0, inUrl + 1)).length <= maxUrl) inUrl++;
      const rest = chunk.slice(inUrl);
      const subscribeBatches: string[][] = [];
      for (let i = 0; i < rest.length; i += perSubscribe) subscribeBatches.push(rest.slice(i, i + perSubscribe));
      plans.push({
        id: plans.length + 1,
        route,
        streams: chunk,
        url: combinedStreamUrl(wsBaseUrl, route, chunk.slice(0, inUrl)),
        subscribeBatches,
      });
    }
  }
  return plans;
}
