/**
 * The capture side of Binance's local-order-book rules (binance/book-sync.ts, docs/binance.md
 * "A local order book"): a REST depth snapshot per symbol once 2 diff events are buffered, and a
 * fresh one whenever the `pu` chain breaks, so a book rebuilt from the sample is exact again
 * after a lost event. The socket is never dropped for it.
 *
 * Fed every stored diff-depth frame (its text and receive time), it reads `U`, `u` and `pu` by a
 * scan of the text, not a parse of the whole frame. On a break it reports a `depth-gap` event,
 * waits for 2 more events, fetches `GET /fapi/v1/depth`, and stores the answer as a snapshot
 * (with a `resync` event) unless it is older than the gap (a first snapshot is kept anyway: it
 * serves the events before the gap). Failures (429/418 with their
 * Retry-After, timeouts, errors) and too-old answers are retried with exponential backoff and
 * reported as `resync-retry` events; after `maxAttempts` it reports an `error` and waits for the
 * next gap.
 */
import type { RawDepthSnapshot } from "../binance/raw";
import { SNAPSHOT_AFTER_BUFFERED_EVENTS, snapshotBridgesGap } from "../binance/book-sync";
import { fetchDepthSnapshot, retryAfterMsOf } from "../binance/rest";
import { parseStreamName } from "../binance/stream-names";
import type { CaptureEventKind } from "../store/sample-format";

/** `U`, `u` and `pu` of a diff-depth frame. */
export interface DepthFrameIds {
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  readonly previousFinalUpdateId: number;
}

/** The integer after `"<field>":` in `text`, or NaN. Digits only: update ids are positive integers. */
function integerAfter(text: string, field: string): number {
  const at = text.indexOf(field);
  if (at < 0) return NaN;
  let i = at + field.length;
  while (text.charCodeAt(i) === 32) i++;
  let value = 0;
  const start = i;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) value = value * 10 + (c - 48);
  return i > start ? value : NaN;
}

/**
 * Reads `U`, `u` and `pu` from a diff-depth frame's text (combined or bare) without parsing it;
 * `null` when the frame does not carry all three.
 * @example scanDepthIds('{"stream":"btcusdt@depth","data":{"e":"depthUpdate",…,"U":5,"u":9,"pu":4,"b":[],"a":[]}}') // { firstUpdateId: 5, finalUpdateId: 9, previousFinalUpdateId: 4 }
 */
export function scanDepthIds(text: string): DepthFrameIds | null {
  const firstUpdateId = integerAfter(text, '"U":');
  const finalUpdateId = integerAfter(text, '"u":');
  const previousFinalUpdateId = integerAfter(text, '"pu":');
  if (Number.isNaN(firstUpdateId) || Number.isNaN(finalUpdateId) || Number.isNaN(previousFinalUpdateId)) return null;
  return { firstUpdateId, finalUpdateId, previousFinalUpdateId };
}

/**
 * Reads `U`, `u` and `pu` from a diff-depth payload (or the members the capture read of it);
 * `null` when it does not carry all three.
 */
export function depthIdsOf(data: unknown): DepthFrameIds | null {
  if (typeof data !== "object" || data === null) return null;
  const { U, u, pu } = data as { U?: unknown; u?: unknown; pu?: unknown };
  if (typeof U !== "number" || typeof u !== "number" || typeof pu !== "number") return null;
  return { firstUpdateId: U, finalUpdateId: u, previousFinalUpdateId: pu };
}

/** A snapshot to store, as the journal stores it. */
export interface ResyncSnapshot {
  readonly localTimestamp: number;
  readonly symbol: string;
  readonly limit: number;
  readonly response: RawDepthSnapshot;
}

/** Options of `DepthResync`. */
export interface DepthResyncOptions {
  /** REST base URL, e.g. `"https://fapi.binance.com"`. */
  readonly restBaseUrl: string;
  /** The snapshot `limit`; `false` fetches no snapshot at all. */
  readonly limit: number | false;
  /** Stores a snapshot (the capture's journal). */
  readonly store: (snapshot: ResyncSnapshot) => void;
  /** Reports what happened (the capture's events). */
  readonly report: (kind: CaptureEventKind, fields: ResyncReport) => void;
  /** The REST call; default `fetchDepthSnapshot`. */
  readonly fetchSnapshot?: (restBaseUrl: string, symbol: string, limit: number) => Promise<RawDepthSnapshot>;
  /** Receive-time clock (ms); default `Date.now`. */
  readonly now?: () => number;
  /** First retry delay, doubled on each failure (default 1000 ms). */
  readonly retryBaseMs?: number;
  /** Longest retry delay without a Retry-After (default 60 s). */
  readonly retryMaxMs?: number;
  /** Fetches per snapshot before giving up until the next gap (default 6). */
  readonly maxAttempts?: number;
}

interface SymbolState {
  readonly symbol: string;
  /** Whether the first snapshot has been asked for, and how many snapshots were stored. */
  firstAsked: boolean;
  stored: number;
  /** Why a snapshot is needed: the first one, or after a gap; `null` when none is. */
  need: "first" | "resync" | null;
  /** Diff events received since the need arose. */
  buffered: number;
  /** `pu` of the first event after the latest gap (a snapshot must not be older), −∞ before any gap; and its stream. */
  gapPu: number;
  gapStream: string;
  attempts: number;
  fetching: boolean;
  retryTimer: NodeJS.Timeout | null;
}

/** What `report` is told: the stream, a sentence, and (for gaps) when the frame that showed it was received. */
export interface ResyncReport {
  readonly stream?: string;
  readonly detail: string;
  readonly localTimestamp?: number;
}

/**
 * Keeps a capture's depth snapshots: the first per symbol, and one after every `pu` break.
 * @example
 * const resync = new DepthResync({ restBaseUrl, limit: 1000, store: (s) => journal.appendSnapshot(s), report: (kind, f) => event(kind, f) });
 * resync.onFrame("btcusdt@depth@100ms", depthIdsOf(payload), receivedAt); // for every stored diff-depth frame
 * await resync.idle(); resync.close();
 */
export class DepthResync {
  private readonly symbols = new Map<string, SymbolState>();
  private readonly lastIds = new Map<string, number>();
  private readonly symbolOfStream = new Map<string, string>();
  /** Snapshot requests running, and retries scheduled (each resolves once its request has started). */
  private readonly pending = new Set<Promise<void>>();
  /** Releases the pending entries of scheduled retries (on close). */
  private readonly waiting = new Set<() => void>();
  private closed = false;

  /** A resync keeper; see `DepthResyncOptions`. */
  constructor(private readonly options: DepthResyncOptions) {}

  /** Feeds one stored diff-depth frame of `stream`: its ids (`depthIdsOf`, `scanDepthIds`) and receive time. */
  onFrame(stream: string, ids: DepthFrameIds | null, localTimestamp: number): void {
    if (this.closed || this.options.limit === false || ids === null) return;
    const state = this.stateOf(stream);
    const lastId = this.lastIds.get(stream);
    if (lastId !== undefined && ids.finalUpdateId <= lastId) return; // a repeat: the book already has it
    if (!state.firstAsked) {
      state.firstAsked = true;
      state.need = "first";
    } else if (lastId !== undefined && ids.previousFinalUpdateId !== lastId) {
      this.options.report("depth-gap", {
        stream,
        localTimestamp,
        detail: `${stream}: pu ${ids.previousFinalUpdateId} is not the previous u ${lastId}: updates were lost; the book needs a new ${state.symbol} snapshot (after ${SNAPSHOT_AFTER_BUFFERED_EVENTS} more events).`,
      });
      state.need = "resync";
      state.buffered = 0;
      state.attempts = 0;
      state.gapPu = ids.previousFinalUpdateId;
      state.gapStream = stream;
    }
    this.lastIds.set(stream, ids.finalUpdateId);
    if (state.need === null) return;
    state.buffered++;
    this.fetchWhenReady(state);
  }

  /**
   * Resolves once no snapshot request is running or scheduled: a capture that ends right after a
   * gap waits for its resync (bound the wait yourself: a Retry-After can be long).
   */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Stops: cancels scheduled retries; answers that arrive later are not stored. */
  close(): void {
    this.closed = true;
    for (const state of this.symbols.values()) {
      if (state.retryTimer !== null) clearTimeout(state.retryTimer);
      state.retryTimer = null;
    }
    for (const release of this.waiting) release();
    this.waiting.clear();
  }

  private stateOf(stream: string): SymbolState {
    let symbol = this.symbolOfStream.get(stream);
    if (symbol === undefined) {
      symbol = (parseStreamName(stream).symbol ?? stream).toUpperCase(); // diff depth: always one symbol
      this.symbolOfStream.set(stream, symbol);
    }
    let state = this.symbols.get(symbol);
    if (!state) {
      state = {
        symbol,
        firstAsked: false,
        stored: 0,
        need: null,
        buffered: 0,
        gapPu: -Infinity,
        gapStream: stream,
        attempts: 0,
        fetching: false,
        retryTimer: null,
      };
      this.symbols.set(symbol, state);
    }
    return state;
  }

  private fetchWhenReady(state: SymbolState): void {
    if (
      state.need !== null &&
      state.buffered >= SNAPSHOT_AFTER_BUFFERED_EVENTS &&
      !state.fetching &&
      state.retryTimer === null &&
      !this.closed
    )
      this.fetch(state);
  }

  private fetch(state: SymbolState): void {
    const limit = this.options.limit as number;
    const gapPu = state.gapPu;
    state.fetching = true;
    state.attempts++;
    const fetchSnapshot = this.options.fetchSnapshot ?? fetchDepthSnapshot;
    const task = fetchSnapshot(this.options.restBaseUrl, state.symbol, limit)
      .then(
        (response) => {
          if (this.closed) return;
          const bridges = snapshotBridgesGap(response.lastUpdateId, { previousFinalUpdateId: state.gapPu });
          // the first snapshot is kept even when a gap came while it was on its way: it serves the events before the gap
          if (bridges || state.stored === 0) {
            this.options.store({ localTimestamp: (this.options.now ?? Date.now)(), symbol: state.symbol, limit, response });
            state.stored++;
          }
          if (!bridges) {
            // a gap after the request was sent: fetch again once 2 events follow it; else the answer is too old
            if (state.gapPu !== gapPu) state.attempts = 0;
            else this.retry(state, `came back with lastUpdateId ${response.lastUpdateId}, older than the gap (pu ${gapPu})`, null);
            return;
          }
          if (state.need === "resync") {
            this.options.report("resync", {
              stream: state.gapStream,
              detail: `Stored a new ${state.symbol} depth snapshot (lastUpdateId ${response.lastUpdateId}) after the gap at pu ${state.gapPu}, attempt ${state.attempts}: the book is exact again from there.`,
            });
          }
          state.need = null;
          state.attempts = 0;
        },
        (error: Error) => {
          if (!this.closed) this.retry(state, `failed: ${error.message}`, retryAfterMsOf(error));
        },
      )
      .finally(() => {
        state.fetching = false;
        this.pending.delete(task);
        this.fetchWhenReady(state);
      });
    this.pending.add(task);
  }

  private retry(state: SymbolState, why: string, retryAfterMs: number | null): void {
    const maxAttempts = this.options.maxAttempts ?? 6;
    if (state.attempts >= maxAttempts) {
      this.options.report("error", {
        stream: state.gapStream,
        detail:
          `Depth snapshot for ${state.symbol}: ${state.attempts} attempts did not give a usable one (the last ${why}); giving up until the next gap: ` +
          (state.need === "resync" ? `the book stays broken from pu ${state.gapPu}.` : "the book has no snapshot."),
      });
      state.need = null;
      state.attempts = 0;
      return;
    }
    const delayMs =
      retryAfterMs ?? Math.min((this.options.retryBaseMs ?? 1000) * 2 ** (state.attempts - 1), this.options.retryMaxMs ?? 60_000);
    const what = state.need === "resync" ? "resync snapshot" : "depth snapshot";
    this.options.report("resync-retry", {
      stream: state.gapStream,
      detail: `The ${what} for ${state.symbol} ${why}; attempt ${state.attempts + 1} in ${delayMs} ms.`,
    });
    const scheduled: Promise<void> = new Promise<void>((resolve) => {
      const release = () => {
        this.waiting.delete(release);
        this.pending.delete(scheduled);
        resolve();
      };
      this.waiting.add(release);
      state.retryTimer = setTimeout(() => {
        state.retryTimer = null;
        if (!this.closed && state.need !== null) this.fetch(state); // adds its own pending entry first
        release();
      }, delayMs);
    });
    this.pending.add(scheduled);
  }
}
