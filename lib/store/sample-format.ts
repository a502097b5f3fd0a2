/**
 * The sample format: what a sample file holds, and how one line of a capture journal or of a
 * JSONL recording looks. Types and constants only; reading and writing live in read.ts,
 * write.ts, finish.ts and journal.ts.
 */
import type { RawDepthSnapshot } from "../binance/raw";
import type { SequenceGap } from "../binance/sequence";

/** `format` field of every sample file this library writes. */
export const SAMPLE_FORMAT = "streamlab.sample";
/** Bumped when a sample file's shape changes incompatibly. */
export const SAMPLE_FORMAT_VERSION = 1;

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

/** What happened on the connections during a capture. */
export type CaptureEventKind =
  | "open"
  | "close"
  | "reconnect"
  | "error"
  | "malformed-frame"
  | "server-error"
  | "silent"
  | "stopped"
  /** A diff-depth event whose `pu` is not the previous `u`: the local book needs a new snapshot (capture/depth-resync.ts). */
  | "depth-gap"
  /** A new REST snapshot stored after a depth gap. */
  | "resync"
  /** A snapshot fetch that failed (429/418, timeout, error) or came back older than the gap, and is retried after a delay. */
  | "resync-retry";

/** One event of a capture's life, with its time. */
export interface CaptureEvent {
  readonly localTimestamp: number;
  readonly kind: CaptureEventKind;
  readonly url?: string;
  readonly stream?: string;
  /** A sentence; for malformed frames it includes the frame text (shortened). */
  readonly detail?: string;
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
  readonly events: readonly CaptureEvent[];
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
