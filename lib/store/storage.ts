/**
 * The seed notebook's `storage`: messages kept per stream type, with `setData` / `getData`, and
 * picking one type (and symbol) out of a sample.
 */
import { normalizeSymbol, parseStreamName } from "../binance/endpoints";
import type { Sample, StoredMessage } from "./sample-format";

/** The family type of a stream name (`"btcusdt@depth@0ms"` → `"depth"`); unknown families keep their name. */
export function streamTypeOf(stream: string): string {
  try {
    return parseStreamName(stream).type;
  } catch {
    const at = stream.indexOf("@");
    const rest = at < 0 ? stream : stream.slice(at + 1);
    return rest.split("@")[0];
  }
}

/**
 * The seed notebook's `storage`: messages kept per stream type (`trade`, `depth`, ...).
 * @example const storage = new SampleStorage(); storage.setData("trade", msgs); storage.getData("trade")
 */
export class SampleStorage {
  private readonly buckets = new Map<string, StoredMessage[]>();

  /** Replaces the messages of `type`. */
  setData(type: string, data: readonly StoredMessage[]): void {
    this.buckets.set(type, [...data]);
  }

  /** The messages of `type` (empty when none). */
  getData(type: string): StoredMessage[] {
    return this.buckets.get(type) ?? [];
  }

  /** The types that hold messages. */
  types(): string[] {
    return [...this.buckets.keys()];
  }

  /** A storage with a sample's messages split by stream type (`btcusdt@depth@0ms` → `depth`). */
  static fromSample(sample: Pick<Sample, "messages">): SampleStorage {
    const storage = new SampleStorage();
    for (const message of sample.messages) {
      const type = streamTypeOf(message.stream);
      const bucket = storage.buckets.get(type) ?? [];
      bucket.push(message);
      storage.buckets.set(type, bucket);
    }
    return storage;
  }
}

/** Messages of one symbol and type from a sample, e.g. `selectMessages(sample, "trade", "BTCUSDT")`. */
export function selectMessages(sample: Pick<Sample, "messages">, type: string, symbol?: string): StoredMessage[] {
  const wanted = symbol === undefined ? undefined : normalizeSymbol(symbol).toLowerCase();
  return sample.messages.filter((message) => {
    if (streamTypeOf(message.stream) !== type) return false;
    return wanted === undefined || message.stream.slice(0, message.stream.indexOf("@")) === wanted;
  });
}
