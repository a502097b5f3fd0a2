/**
 * The sample format: what a sample file holds, and how one line of a capture journal or of a
 * JSONL recording looks. Types and constants only; reading and writing live in read.ts,
 * write.ts, finish.ts and journal.ts.
 *
 * Format 2 (written since streamlab 0.1): `<name>.jsonl`, JSON Lines. Line 1 is the header
 * `{"format":"streamlab.sample","formatVersion":2,"meta":{…SampleMeta…}}`; then the capture
 * journal's lines in arrival order, unchanged: messages `{"localTimestamp":…,"stream":…,"data":…}`
 * (bytes as received), REST snapshots `{"localTimestamp":…,"snapshot":{…}}` and events
 * `{"localTimestamp":…,"event":{…}}`. Format 1 (`<name>.json`, one JSON document with a
 * `messages` array) is still read.
 */
import type { RawDepthSnapshot } from "../binance/raw";
import type { SequenceGap } from "../binance/sequence";

/** `format` field of every sample file this library writes. */
export const SAMPLE_FORMAT = "streamlab.sample";
/** The format version this library writes; it reads every version up to this one. */
export const SAMPLE_FORMAT_VERSION = 2;

/** File-name ending of a format-2 sample. */
export const SAMPLE_SUFFIX = ".jsonl";

/** At most this many events are copied into a sample's header; every event stays in its body. */
export const MAX_HEADER_EVENTS = 1000;

/** One stream message exactly as received, plus when this machine received it. */
export interface StoredMessage {
  /** Local receive time, ms since the epoch (fractional); `null` when the recording has none. */
  readonly localTimestamp: number | null;
  /** The stream name, e.g. `"btcusdt@trade"`. */
  readonly stream: string;
  /** The payload, untouched. */
  readonly data: unknown;
}

/** A REST depth snapshot (`GET /fapi/v1/depth`) taken during the capture. */
export interface StoredDepthSnapshot {
  readonly localTimestamp: number | null;
  readonly symbol: string;
  readonly limit: number;
  readonly response: RawDepthSnapshot;
  /** How many stream messages had been stored when the snapshot arrived. */
  readonly messageIndex: number;
}

/**
 * What happened on the connections during a capture: `open`, `close`, `reconnect` (an attempt
 * after a failure), `error`, `malformed-frame` (a frame that is not a message; never stored as
 * one), `server-error`, `silent`, `stall` (the watchdog replaced a connection that stopped
 * delivering), `gap` (messages lost on a stream, with `loss`), `handover` (a connection replaced
 * by an overlapping one, nothing lost), `rotate` (a new sample file started), `stopped`, and the
 * local-book upkeep of depth streams: `depth-gap`, `resync`, `resync-retry`.
 */
export type CaptureEventKind =
  | "open"
  | "close"
  | "reconnect"
  | "error"
  | "malformed-frame"
  | "server-error"
  | "silent"
  | "stall"
  | "gap"
  | "handover"
  | "rotate"
  | "stopped"
  /** A diff-depth event whose `pu` is not the previous `u`: the local book needs a new snapshot (capture/depth-resync.ts). */
  | "depth-gap"
  /** A new REST snapshot stored after a depth gap. */
  | "resync"
  /** A snapshot fetch that failed (429/418, timeout, error) or came back older than the gap, and is retried after a delay. */
  | "resync-retry";

/** Every `CaptureEventKind`, for checks. */
export const CAPTURE_EVENT_KINDS: readonly CaptureEventKind[] = [
  "open",
  "close",
  "reconnect",
  "error",
  "malformed-frame",
  "server-error",
  "silent",
  "stall",
  "gap",
  "handover",
  "rotate",
  "stopped",
  "depth-gap",
  "resync",
  "resync-retry",
];

/**
 * Messages a stream lost while its connection was replaced: the last message stored before and
 * the first after, by id where the stream has ids (`t`, `a`, `u`), else by event time `E`.
 */
export interface StreamLoss {
  /** The id field compared (`"t"`, `"a"`, `"u"`), or `"E"` for a stream without ids. */
  readonly field: string;
  readonly lastBefore: number | null;
  readonly firstAfter: number | null;
  /** Ids missing in between where they can be counted (trade and aggTrade ids), else null. */
  readonly missing: number | null;
  /** Receive times of the two messages. */
  readonly lastBeforeAt: number | null;
  readonly firstAfterAt: number | null;
}

/** One event of a capture's life, with its time. */
export interface CaptureEvent {
  readonly localTimestamp: number;
  readonly kind: CaptureEventKind;
  readonly url?: string;
  readonly stream?: string;
  /** A sentence; for malformed frames it includes the frame text (shortened). */
  readonly detail?: string;
  /** For `gap` events: what was lost. */
  readonly loss?: StreamLoss;
}

/** Where a sample's messages came from. */
export interface SampleSource {
  /** `live` (Binance), `replay` (a local replay server), `recording` (a bundled file). */
  readonly kind: "live" | "replay" | "recording";
  /** The websocket base URL used, if any. */
  readonly wsBaseUrl?: string;
  /** Every connection URL opened. */
  readonly urls?: readonly string[];
  readonly restBaseUrl?: string;
  /** For recordings: the file name, and whose data it is. */
  readonly file?: string;
  readonly attribution?: string;
}

/** Everything in a sample file except the messages and snapshots. */
export interface SampleMeta {
  readonly format: typeof SAMPLE_FORMAT;
  readonly formatVersion: number;
  readonly library: { readonly name: string; readonly version: string };
  readonly source: SampleSource;
  readonly symbols: readonly string[];
  readonly streams: readonly string[];
  /** ISO time the capture started and ended (local clock). */
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** Event-time (`E`) range of the messages, ms. */
  readonly firstEventTime: number | null;
  readonly lastEventTime: number | null;
  readonly count: number;
  readonly countsByStream: Readonly<Record<string, number>>;
  /** False when the capture did not finish (killed, crashed) and the sample was recovered. */
  readonly complete: boolean;
  /** Breaks in id chains: data that Binance sent but that never arrived. */
  readonly gaps: readonly SequenceGap[];
  /** The capture's events (in a format-2 header, at most `MAX_HEADER_EVENTS`; the body has all). */
  readonly events: readonly CaptureEvent[];
  /** How many events of each kind the sample holds (format 2). */
  readonly eventCounts?: Readonly<Partial<Record<CaptureEventKind, number>>>;
  /** For a capture split into several files (`rotate`): this file's place, 1-based, and the one before. */
  readonly part?: SamplePart;
}

/** A sample's place in a rotated capture. */
export interface SamplePart {
  /** 1 for the first file. */
  readonly index: number;
  /** File name of the part before, or null for the first. */
  readonly previous: string | null;
}

/** A loaded sample. */
export interface Sample extends SampleMeta {
  /** The file it was loaded from, when it was. */
  readonly file?: string;
  readonly messages: readonly StoredMessage[];
  readonly snapshots: readonly StoredDepthSnapshot[];
}

/** The library's name and version, stamped into every sample. */
export const LIBRARY = { name: "streamlab", version: "0.1.0" } as const;
