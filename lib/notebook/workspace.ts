/**
 * What a notebook's capture cell calls: capture fresh messages from the chosen source, save
 * them as a new sample under data/captures, and describe in one line which data the notebook
 * shows (`showNotebookData` in notebook-data.ts prints it with the files behind it).
 *
 * Sources: `live` (Binance; when it cannot be reached, the newest saved sample with the same
 * streams, else the bundled recordings), `replay` (the bundled recordings served by a local
 * replay server, captured like live data), `bundled` (the recordings read directly).
 * The default is `STREAMLAB_SOURCE`, else `live`. The replay and bundled sources leave out (and
 * say so) the streams no bundled recording holds, such as liquidations.
 */
import * as fs from "fs";
import * as path from "path";
import { InvalidArgumentError } from "../errors";
import { buildStreamNames } from "../binance/endpoints";
import { capture } from "../capture/session";
import { isUnreachableError } from "../capture/unreachable";
import { startReplayServer } from "../replay/server";
import { listSamples } from "../store/list";
import { summarizeSample } from "../store/meta";
import { loadSample } from "../store/read";
import { DEFAULT_CAPTURE_DIR } from "../store/write";
import type { Sample, StoredMessage } from "../store/sample-format";

/** Where the bundled real recordings live. */
export const BUNDLED_DIR = path.join(__dirname, "..", "..", "data", "bundled");

/** Environment variable that picks the notebooks' data source. */
export const SOURCE_ENV = "STREAMLAB_SOURCE";

/** A data source for notebooks. */
export type DataSource = "live" | "replay" | "bundled";

/** The settings cell of a notebook. */
export interface NotebookSettings {
  /** The symbol the `types` are combined with. */
  symbol?: string;
  /** Stream types, e.g. `["trade"]`, `["depth@0ms"]` or the market stream `["!ticker@arr"]`. */
  types?: readonly string[];
  /** Stream names instead of symbol × types, e.g. `["!forceOrder@arr", "btcusdt@markPrice@1s"]`. */
  streams?: readonly string[];
  /**
   * The bundled recordings (file names in data/bundled) the `replay` and `bundled` sources read,
   * in this order; default all of them. Picks one recording's streams where several hold the
   * same stream name.
   */
  recordings?: readonly string[];
  /** Messages per stream. */
  count?: number;
  durationMs?: number;
  /** Default: `STREAMLAB_SOURCE`, else `live`. */
  source?: DataSource;
  /** Where new samples go. Default data/captures. */
  outDir?: string;
}

/** What the capture cell hands to the rest of the notebook. */
export interface NotebookData {
  readonly sample: Sample;
  /**
   * The saved sample file the notebook reads: the new capture (live, replay) or the saved sample
   * fallen back to. Null when the bundled recordings are read directly: `recordings` names them.
   */
  readonly file: string | null;
  /** Which source the data really came from (after any fallback). */
  readonly source: DataSource | "saved";
  /** One line for the reader: source, symbol, streams, count, time range. */
  readonly description: string;
  /** When live was asked for but could not be reached: why. */
  readonly fallbackReason: string | null;
  /**
   * The bundled recordings behind the data: the ones read (bundled) or played (replay), each
   * with its `file`; empty for live and saved samples.
   */
  readonly recordings: readonly Sample[];
}

/**
 * The bundled recordings, in the order a replay prefers them: the seed notebook's samples first
 * (so `btcusdt@trade` replays the seed's 20 trades), then the longer recordings.
 */
export function bundledRecordingFiles(dir: string = BUNDLED_DIR): string[] {
  const entries = fs.readdirSync(dir).filter((entry) => /\.(json|jsonl|jsonl\.gz)$/.test(entry));
  const rank = (entry: string) => (entry.endsWith(".json") ? 0 : 1);
  return entries.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((entry) => path.join(dir, entry));
}

function resolveSource(source: DataSource | undefined): DataSource {
  const value = source ?? (process.env[SOURCE_ENV] as DataSource | undefined) ?? "live";
  if (value !== "live" && value !== "replay" && value !== "bundled") {
    throw new InvalidArgumentError(
      "INVALID_SOURCE",
      `Invalid data source ${JSON.stringify(value)} (from ${source ? "settings" : SOURCE_ENV}): expected live, replay or bundled.`,
    );
  }
  return value;
}

function formatTime(ms: number | null): string {
  return ms === null
    ? "?"
    : new Date(ms)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC");
}

/** The bundled recordings a notebook's settings pick (`recordings`), in their order, else all of them. */
function chosenRecordingFiles(settings: NotebookSettings): string[] {
  const all = bundledRecordingFiles();
  if (settings.recordings === undefined) return all;
  return settings.recordings.map((name) => {
    const file = all.find((candidate) => path.basename(candidate) === name);
    if (!file) {
      throw new InvalidArgumentError(
        "NO_BUNDLED_DATA",
        `No bundled recording ${JSON.stringify(name)}: expected one of ${all.map((f) => path.basename(f)).join(", ")}.`,
      );
    }
    return file;
  });
}

/** The streams a notebook's settings ask for: `streams`, else `symbol` × `types`. */
function settingsStreams(settings: NotebookSettings): string[] {
  if (settings.streams && settings.streams.length > 0) return [...settings.streams];
  return buildStreamNames(settings.symbol === undefined ? [] : [settings.symbol], settings.types ?? []);
}

/** One line that says which data a notebook shows. */
export function describeSample(sample: Sample, source: string): string {
  const streams = Object.entries(sample.countsByStream)
    .map(([stream, n]) => `${stream} ×${n}`)
    .join(", ");
  return `Data: ${source}; ${sample.symbols.join(", ")}; ${streams || "no messages"}; event time ${formatTime(sample.firstEventTime)} → ${formatTime(sample.lastEventTime)}.`;
}

/** The first `count` messages of each wanted stream, each from the first recording that has it. */
function selectFromRecordings(recordings: readonly Sample[], streams: readonly string[], count: number | undefined) {
  const messages: StoredMessage[] = [];
  const used: Sample[] = [];
  for (const stream of streams) {
    const recording = recordings.find((sample) => (sample.countsByStream[stream] ?? 0) > 0);
    if (!recording) continue;
    if (!used.includes(recording)) used.push(recording);
    const picked = recording.messages.filter((message) => message.stream === stream);
    messages.push(...(count === undefined ? picked : picked.slice(0, count)));
  }
  return { messages, used };
}

function bundledSample(
  streams: readonly string[],
  count: number | undefined,
  files: readonly string[],
): { sample: Sample; recordings: Sample[] } {
  const { messages, used } = selectFromRecordings(
    files.map((file) => loadSample(file)),
    streams,
    count,
  );
  if (messages.length === 0) {
    throw new InvalidArgumentError(
      "NO_BUNDLED_DATA",
      `The bundled recordings hold none of ${streams.join(", ")}: try BTCUSDT (or a symbol listed in data/README.md).`,
    );
  }
  const names = used.map((s) => path.basename(s.file ?? ""));
  const symbols = new Set(messages.map((m) => (m.data as { s?: string }).s));
  const sample = summarizeSample(messages, {
    source: { kind: "recording", file: names.join(", ") },
    snapshots: used.flatMap((s) => s.snapshots.filter((snapshot) => symbols.has(snapshot.symbol))),
  });
  return { sample, recordings: used };
}

/** The streams no recording holds: a replay would only be silent on them. */
function streamsWithoutRecording(recordings: readonly Sample[], streams: readonly string[]): string[] {
  return streams.filter((stream) => !recordings.some((sample) => (sample.countsByStream[stream] ?? 0) > 0));
}

async function replaySample(streams: readonly string[], settings: NotebookSettings, files: readonly string[]) {
  const missing = streamsWithoutRecording(
    files.map((file) => loadSample(file)),
    streams,
  );
  const replayed = streams.filter((stream) => !missing.includes(stream));
  if (replayed.length === 0) {
    throw new InvalidArgumentError("NO_BUNDLED_DATA", `The bundled recordings hold none of ${streams.join(", ")}: nothing to replay.`);
  }
  const server = await startReplayServer({ files: [...files], speed: "max" });
  try {
    const result = await capture({
      streams: replayed,
      count: settings.count,
      durationMs: settings.durationMs,
      wsBaseUrl: server.url,
      outDir: settings.outDir,
      sourceKind: "replay",
      keepMessages: true,
      silenceTimeoutMs: 5000,
      idleTimeoutMs: 1500,
    });
    // the files the server really played: for each stream, the first one that has it
    const { used } = selectFromRecordings(
      files.map((file) => loadSample(file)),
      streams,
      0,
    );
    return { ...result, recordings: used, missing };
  } finally {
    await server.close();
  }
}

/** ` No recording of …: not replayed.` for the streams asked for that the data does not hold, else `""`. */
function notRecorded(streams: readonly string[], sample: Sample): string {
  const absent = streams.filter((stream) => (sample.countsByStream[stream] ?? 0) === 0);
  return absent.length === 0 ? "" : ` No bundled recording holds ${absent.join(", ")}: left out.`;
}

/**
 * Captures (or, failing that, loads) the notebook's data.
 * @example const data = await captureOrLoad({ symbol: "BTCUSDT", types: ["trade"], count: 20 }); data.description
 */
export async function captureOrLoad(settings: NotebookSettings): Promise<NotebookData> {
  const streams = settingsStreams(settings);
  const source = resolveSource(settings.source);
  if (source === "bundled") {
    const { sample, recordings } = bundledSample(streams, settings.count, chosenRecordingFiles(settings));
    return {
      sample,
      file: null,
      source,
      recordings,
      fallbackReason: null,
      description: describeSample(sample, `bundled recording (${sample.source.file})`) + notRecorded(streams, sample),
    };
  }
  if (source === "replay") {
    const { sample, file, recordings, missing } = await replaySample(streams, settings, chosenRecordingFiles(settings));
    const from = recordings.map((s) => path.basename(s.file ?? "")).join(", ");
    const description =
      describeSample(sample, `replay of the bundled recordings (${from}) through a local replay server`) + notRecorded(missing, sample);
    return { sample, file, source, recordings, fallbackReason: null, description };
  }
  try {
    const { sample, file } = await capture({
      streams,
      count: settings.count,
      durationMs: settings.durationMs,
      outDir: settings.outDir,
      connectTimeoutMs: 5000,
      keepMessages: true,
    });
    return { sample, file, source, recordings: [], fallbackReason: null, description: describeSample(sample, "live Binance") };
  } catch (error) {
    if (!isUnreachableError(error)) throw error;
    const reason = (error as Error).message;
    const saved = listSamples(settings.outDir ?? DEFAULT_CAPTURE_DIR).find(
      (summary) => summary.complete && summary.count > 0 && streams.every((stream) => summary.streams.includes(stream)),
    );
    if (saved) {
      const sample = loadSample(saved.file);
      return {
        sample,
        file: saved.file,
        source: "saved",
        recordings: [],
        fallbackReason: reason,
        description: describeSample(sample, `saved sample ${saved.name} (live Binance unreachable)`),
      };
    }
    const { sample, recordings } = bundledSample(streams, settings.count, chosenRecordingFiles(settings));
    return {
      sample,
      file: null,
      source: "bundled",
      recordings,
      fallbackReason: reason,
      description: describeSample(sample, `bundled recording (live Binance unreachable)`) + notRecorded(streams, sample),
    };
  }
}

/**
 * Messages whose receive times are real, for latency charts: a live capture's own messages; for a
 * replay or bundled data, the recordings' (their recorder's receive times, not this replay's).
 */
export function messagesWithReceiveTimes(data: NotebookData): { messages: readonly StoredMessage[]; note: string } {
  if (data.source === "live" || data.source === "saved") {
    return { messages: data.sample.messages, note: "Receive times of this capture." };
  }
  const streams = new Set(data.sample.streams);
  const timed = data.recordings
    .map((recording) => ({
      file: path.basename(recording.file ?? ""),
      messages: recording.messages.filter((m) => streams.has(m.stream) && m.localTimestamp !== null),
    }))
    .filter((recording) => recording.messages.length > 0);
  const messages = timed.flatMap((recording) => recording.messages);
  const names = timed.map((recording) => recording.file).join(", ");
  return {
    messages,
    note:
      messages.length > 0
        ? `A replay's receive times measure the replay, so these are the recorder's own receive times from ${names}.`
        : "The recordings behind these streams have no receive times (the seed samples were saved without them).",
  };
}
