/**
 * The replay's REST order book at the replay's position, as Binance's `GET /fapi/v1/depth`
 * answers with the book as it is now: the symbol's recorded snapshots plus every diff the replay
 * has passed so far (sent, or dropped on the way by a fault: the exchange's book has it either
 * way). So a client that fetches a snapshot mid-replay, after a gap for instance, gets one that
 * lines up with the diffs it is receiving. Before any diff of the symbol has been passed, the
 * answer is the first recorded snapshot, unchanged.
 *
 * The position is the one most recently reached by any connection playing one of the symbol's
 * diff-depth streams. The diffs are decoded once, when the symbol's book is first asked for.
 */
import { decodeDepthUpdate, type DepthUpdate } from "../binance/decode";
import type { RawDepthSnapshot, RawLevel } from "../binance/raw";
import { isDiffDepthStream, parseStreamName } from "../binance/stream-names";
import { SampleBookBuilder } from "../analysis/book/book-builder";
import { learnLevelText } from "../analysis/book/depth-source";
import { frameOf, selectDepthSnapshot, type ReplayLibrary, type StreamRecording } from "./recordings";

interface StreamBook {
  /** Frame i decoded, `null` for a frame that is not a depth update. */
  readonly updates: (DepthUpdate | null)[];
  builder: SampleBookBuilder;
  /** Updates fed to `builder`. */
  fed: number;
}

/** The replay's REST books: where each symbol's diff streams have got to, and the book there. */
export class ReplayDepthBooks {
  /** Per upper-case symbol: the diff stream last advanced and how many of its frames have passed. */
  private readonly positions = new Map<string, { stream: string; passed: number }>();
  private readonly books = new Map<string, StreamBook>();
  private readonly symbolOfStream = new Map<string, string>();

  /** Books over `library`'s recordings and recorded snapshots. */
  constructor(private readonly library: ReplayLibrary) {
    for (const name of library.recordings.keys()) {
      if (isDiffDepthStream(name)) this.symbolOfStream.set(name, (parseStreamName(name).symbol ?? name).toUpperCase());
    }
  }

  /** A connection has passed the first `passed` frames of `stream` (sent or dropped); other streams are ignored. */
  advance(stream: string, passed: number): void {
    const symbol = this.symbolOfStream.get(stream);
    if (symbol !== undefined) this.positions.set(symbol, { stream, passed });
  }

  /** How many frames of its diff stream the symbol's book has taken in (0 before any). */
  positionOf(symbol: string): number {
    return this.positions.get(symbol.toUpperCase())?.passed ?? 0;
  }

  /**
   * The snapshot `GET /fapi/v1/depth` answers with for `symbol` now, its sides cut to `limit`;
   * `undefined` when the recordings hold no snapshot for it.
   */
  snapshotNow(symbol: string, limit: number): RawDepthSnapshot | undefined {
    const upper = symbol.toUpperCase();
    const first = selectDepthSnapshot(this.library, upper);
    if (!first) return undefined;
    const position = this.positions.get(upper);
    const cut = (response: RawDepthSnapshot): RawDepthSnapshot => ({
      ...response,
      bids: response.bids.slice(0, limit),
      asks: response.asks.slice(0, limit),
    });
    if (!position || position.passed === 0) return cut(first.response);
    const book = this.bookAt(upper, position.stream, position.passed);
    // no diff has moved the book past a snapshot yet: that snapshot, as recorded
    if (book.appliedCount === 0 || book.status === "waiting-for-event") {
      const loaded = this.library.allSnapshots.get(upper)?.find((s) => s.response.lastUpdateId === book.snapshotUpdateId);
      if (loaded) return cut(loaded.response);
    }
    const top = book.formatTop(limit);
    return {
      lastUpdateId: book.lastUpdateId ?? first.response.lastUpdateId,
      E: Number.isFinite(book.eventTime) ? book.eventTime : first.response.E,
      T: Number.isFinite(book.transactionTime) ? book.transactionTime : first.response.T,
      bids: top.bids as RawLevel[],
      asks: top.asks as RawLevel[],
    };
  }

  private bookAt(symbol: string, stream: string, passed: number) {
    let entry = this.books.get(stream);
    if (!entry || entry.fed > passed) {
      const updates = entry?.updates ?? decodeRecording(this.library.recordings.get(stream) as StreamRecording);
      entry = { updates, builder: this.newBuilder(symbol, stream), fed: 0 };
      this.books.set(stream, entry);
    }
    const stop = Math.min(passed, entry.updates.length);
    for (; entry.fed < stop; entry.fed++) {
      const update = entry.updates[entry.fed];
      if (update) entry.builder.apply(update);
    }
    return entry.builder.book;
  }

  private newBuilder(symbol: string, stream: string): SampleBookBuilder {
    const builder = new SampleBookBuilder(symbol, this.library.allSnapshots.get(symbol) ?? []);
    const recording = this.library.recordings.get(stream) as StreamRecording;
    const firstFrames = Array.from(
      { length: Math.min(8, recording.count) },
      (_, i) => JSON.parse(frameOf(recording, i, true).toString("utf8")) as { data: unknown },
    );
    learnLevelText(builder.book, firstFrames);
    return builder;
  }
}

/** Every frame of a diff-depth recording, decoded; `null` for a frame that is not a depth update. */
function decodeRecording(recording: StreamRecording): (DepthUpdate | null)[] {
  const updates: (DepthUpdate | null)[] = [];
  for (let i = 0; i < recording.count; i++) {
    const { data } = JSON.parse(frameOf(recording, i, true).toString("utf8")) as { data: { e?: unknown } | null };
    updates.push(data && data.e === "depthUpdate" ? decodeDepthUpdate(data) : null);
  }
  return updates;
}
