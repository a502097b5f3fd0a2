/**
 * The replay's recordings: every file loaded once, each stream's messages serialized once into
 * one buffer of combined frames (a connection only slices them), and the recorded depth
 * snapshots the REST endpoint answers with.
 */
import { InvalidArgumentError } from "../errors";
import { loadSample } from "../store/read";
import type { StoredDepthSnapshot, StoredMessage } from "../store/sample-format";

/** One stream's recording, serialized once: every combined frame back to back in one buffer. */
export interface StreamRecording {
  readonly name: string;
  /** Position of the file in `ReplayOptions.files`. */
  readonly fileIndex: number;
  /** `{"stream":"<name>","data":<payload>}` frames, concatenated. */
  readonly bytes: Buffer;
  /** Byte offset of frame i is `frameStarts[i]`; `frameStarts[count]` is the end. */
  readonly frameStarts: Float64Array;
  /** Length in bytes of the `{"stream":"<name>","data":` prefix: the bare payload starts there and ends one byte before the frame's end. */
  readonly payloadOffset: number;
  /** Recorded time since the file's first message, ms, never decreasing within a file. */
  readonly offsetsMs: Float64Array;
  /** Position of each message among its file's messages, for stable ties. */
  readonly positions: Uint32Array;
  readonly count: number;
}

/** Everything a replay plays: per-stream recordings and per-symbol depth snapshots. */
export interface ReplayLibrary {
  /** Every stream the files hold, in first-seen order. */
  readonly recordings: ReadonlyMap<string, StreamRecording>;
  /** First recorded depth snapshot per upper-case symbol. */
  readonly snapshots: ReadonlyMap<string, StoredDepthSnapshot>;
  /** Every recorded depth snapshot per upper-case symbol, from the file that first has the symbol, in stored order. */
  readonly allSnapshots: ReadonlyMap<string, readonly StoredDepthSnapshot[]>;
}

/** The recorded time of a message: local receive time, else Binance's event time `E`. */
function recordedTimeOf(message: StoredMessage): number | null {
  if (message.localTimestamp !== null) return message.localTimestamp;
  const data = message.data as { E?: unknown } | { E?: unknown }[];
  const first = Array.isArray(data) ? data[0] : data;
  return first !== null && typeof first === "object" && typeof first.E === "number" ? first.E : null;
}

interface RecordingBuilder {
  frames: string[];
  offsetsMs: number[];
  positions: number[];
  fileIndex: number;
}

/**
 * Loads `files` with `loadSample` into one library. A stream's messages come from the first file
 * that has it; a message without a time keeps the previous one's. Throws the loader's
 * `SampleFileError`, or `InvalidArgumentError` `NO_MESSAGES` for a file without stream messages.
 */
export function loadReplayLibrary(files: readonly string[]): ReplayLibrary {
  const builders = new Map<string, RecordingBuilder>();
  const snapshots = new Map<string, StoredDepthSnapshot>();
  const allSnapshots = new Map<string, StoredDepthSnapshot[]>();
  const snapshotFile = new Map<string, number>();
  files.forEach((file, fileIndex) => {
    const sample = loadSample(file);
    if (sample.messages.length === 0) {
      throw new InvalidArgumentError("NO_MESSAGES", `Recording ${JSON.stringify(file)} holds no stream messages: a replay needs at least one.`);
    }
    let baseMs: number | null = null;
    let lastTimeMs: number | null = null;
    let lastOffsetMs = 0;
    sample.messages.forEach((message, position) => {
      const time = recordedTimeOf(message) ?? lastTimeMs;
      if (time !== null) {
        if (baseMs === null) baseMs = time;
        lastOffsetMs = Math.max(lastOffsetMs, time - baseMs);
        lastTimeMs = time;
      }
      let builder = builders.get(message.stream);
      if (!builder) {
        builder = { frames: [], offsetsMs: [], positions: [], fileIndex };
        builders.set(message.stream, builder);
      }
      if (builder.fileIndex !== fileIndex) return; // an earlier file has this stream
      builder.frames.push(JSON.stringify({ stream: message.stream, data: message.data }));
      builder.offsetsMs.push(lastOffsetMs);
      builder.positions.push(position);
    });
    for (const snapshot of sample.snapshots) {
      const symbol = String(snapshot.symbol).toUpperCase();
      if (!snapshots.has(symbol)) snapshots.set(symbol, snapshot);
      if ((snapshotFile.get(symbol) ?? fileIndex) !== fileIndex) continue;
      snapshotFile.set(symbol, fileIndex);
      allSnapshots.set(symbol, [...(allSnapshots.get(symbol) ?? []), snapshot]);
    }
  });
  const recordings = new Map<string, StreamRecording>();
  for (const [name, builder] of builders) recordings.set(name, buildRecording(name, builder));
  return { recordings, snapshots, allSnapshots };
}

function buildRecording(name: string, builder: RecordingBuilder): StreamRecording {
  const count = builder.frames.length;
  const frameStarts = new Float64Array(count + 1);
  let total = 0;
  for (let i = 0; i < count; i++) {
    frameStarts[i] = total;
    total += Buffer.byteLength(builder.frames[i]);
  }
  frameStarts[count] = total;
  const bytes = Buffer.allocUnsafe(total);
  for (let i = 0; i < count; i++) bytes.write(builder.frames[i], frameStarts[i], "utf8");
  return {
    name,
    fileIndex: builder.fileIndex,
    bytes,
    frameStarts,
    payloadOffset: Buffer.byteLength(`{"stream":${JSON.stringify(name)},"data":`),
    offsetsMs: Float64Array.from(builder.offsetsMs),
    positions: Uint32Array.from(builder.positions),
    count,
  };
}

/** Frame `index` of a recording as a connection sends it: combined `{"stream","data"}`, or the bare payload. */
export function frameOf(recording: StreamRecording, index: number, combined: boolean): Buffer {
  const start = recording.frameStarts[index];
  const end = recording.frameStarts[index + 1];
  return combined ? recording.bytes.subarray(start, end) : recording.bytes.subarray(start + recording.payloadOffset, end - 1);
}

/**
 * The first depth snapshot recorded for the symbol: what `GET /fapi/v1/depth` answers before any
 * of the symbol's diffs has been replayed (after that, depth-books.ts answers with the book at
 * the replay's position).
 */
export function selectDepthSnapshot(library: ReplayLibrary, symbol: string): StoredDepthSnapshot | undefined {
  return library.snapshots.get(symbol.toUpperCase());
}
