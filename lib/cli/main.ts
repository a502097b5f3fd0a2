/**
 * The `streamlab` command. Each subcommand prints what it did (paths, URLs) on stdout, progress
 * on stderr, and a single clear line on stderr with a non-zero exit for bad input.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { StreamlabError } from "../errors";
import { STREAM_TYPES } from "../binance/endpoints";
import { capture } from "../capture/session";
import type { CaptureProgress } from "../capture/options";
import { formatInspection, inspectSample } from "../analysis/inspect";
import { JOURNAL_SUFFIX } from "../store/journal";
import { runMainJob } from "./main-job";
import { openLab } from "../render/render";
import { startReplayServer } from "../replay/server";
import { recoverJournal } from "../store/finish";
import { listSamples } from "../store/list";
import { loadSample } from "../store/read";
import { DEFAULT_CAPTURE_DIR } from "../store/write";

const USAGE = `streamlab — capture, replay and inspect Binance USD-M futures market streams

Usage:
  streamlab capture <stream...> [options]          e.g. streamlab capture btcusdt@trade btcusdt@depth@100ms --count 100
  streamlab capture --symbols BTCUSDT --types trade,depth [options]
      --count N            messages per stream          --duration 30s    stop after (ms, s, m, h)
      --url <base>         websocket base, scheme://host:port only (default $STREAMLAB_WS_URL or wss://fstream.binance.com)
      --rest-url <base>    REST base (default $STREAMLAB_REST_URL or https://fapi.binance.com)
      --out <dir>          where to write the sample (default data/captures)
      --name <name>        file name without extension
  streamlab replay <file|dir...> [--port N] [--speed realtime|max|<multiplier>]
  streamlab inspect <file> [--json]                messages per stream, time range, latency, sequence gaps
  streamlab recover [dir|file]                     turn unfinished captures (*${JOURNAL_SUFFIX}) into samples
  streamlab list [dir]                             samples in a folder, newest first
  streamlab start                                  run and render every notebook into reports/ (npm start)
  streamlab lab                                    open JupyterLab on notebooks/ with the project's kernel

Stream types: ${STREAM_TYPES.join(", ")} (depth also as depth@100ms, depth@500ms, depth@0ms).`;

/** A usage error: printed as one line, exit code 2. */
class UsageError extends Error {}

/** Parses "30s", "500ms", "2m", "1h" or a plain number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0) {
    throw new UsageError(`Invalid duration ${JSON.stringify(text)}: expected a positive number with ms, s, m or h, such as "30s".`);
  }
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"] ?? 1000;
  return Number(match[1]) * factor;
}

function parseCount(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0) throw new UsageError(`Invalid --count ${JSON.stringify(text)}: expected a positive whole number.`);
  return Number(text);
}

function splitList(text: string | undefined): string[] {
  return text ? text.split(",").map((item) => item.trim()).filter((item) => item.length > 0) : [];
}

type Options = Record<string, { type: "string" | "boolean"; short?: string }>;

interface ParsedArgs {
  /** Option values: strings for string options; flags are read with `isSet`. */
  values: Record<string, string | undefined>;
  flags: Record<string, boolean>;
  positionals: string[];
}

function parse(argv: string[], options: Options): ParsedArgs {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    const values: Record<string, string | undefined> = {};
    const flags: Record<string, boolean> = {};
    for (const [key, value] of Object.entries(parsed.values)) {
      if (typeof value === "boolean") flags[key] = value;
      else if (typeof value === "string") values[key] = value;
    }
    return { values, flags, positionals: parsed.positionals };
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${message}. Run "streamlab --help" for the options.`);
  }
}

function formatProgress(progress: CaptureProgress): string {
  const parts = Object.entries(progress.counts).map(([stream, n]) => `${stream} ${n}`);
  return `capturing ${(progress.elapsedMs / 1000).toFixed(1)} s: ${progress.total} messages (${parts.join(", ")})`;
}

async function runCapture(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, flags, positionals } = parse(argv, {
    symbols: { type: "string" },
    types: { type: "string" },
    count: { type: "string" },
    duration: { type: "string" },
    url: { type: "string" },
    "rest-url": { type: "string" },
    out: { type: "string" },
    name: { type: "string" },
    quiet: { type: "boolean" },
  });
  if (flags.help) return void out.write(USAGE + "\n"), 0;
  const count = values.count === undefined ? undefined : parseCount(values.count);
  const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
  if (count === undefined && durationMs === undefined) throw new UsageError("capture needs --count N or --duration <time> (or both).");
  if (positionals.length === 0 && !values.symbols) throw new UsageError("capture needs stream names (btcusdt@trade) or --symbols with --types.");
  const isTty = Boolean((err as NodeJS.WriteStream).isTTY);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  try {
    const result = await capture({
      streams: positionals.length > 0 ? positionals : undefined,
      symbols: positionals.length > 0 ? undefined : splitList(values.symbols),
      types: positionals.length > 0 ? undefined : splitList(values.types ?? "trade"),
      count,
      durationMs,
      wsBaseUrl: values.url,
      restBaseUrl: values["rest-url"],
      outDir: values.out,
      name: values.name,
      signal: controller.signal,
      progressIntervalMs: isTty ? 200 : 1000,
      onProgress: flags.quiet ? undefined : (progress) => err.write(isTty ? `\r${formatProgress(progress)}\x1b[K` : `${formatProgress(progress)}\n`),
    });
    if (isTty && !flags.quiet) err.write("\n");
    const idle = result.sample.events.filter((event) => event.kind === "silent");
    for (const event of idle) err.write(`warning: ${event.stream}: ${event.detail}\n`);
    if (result.sample.gaps.length > 0) err.write(`warning: ${result.sample.gaps.length} sequence gap(s) recorded in the sample (data lost in transit).\n`);
    out.write(`${result.file}\n`);
    return 0;
  } catch (error) {
    if (isTty) err.write("\n");
    const file = (error as { sampleFile?: string }).sampleFile;
    if (file) err.write(`streamlab: messages received before the failure are saved in ${file}\n`);
    throw error;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

function expandFiles(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!fs.existsSync(input)) throw new UsageError(`No such file or folder: ${input}.`);
    if (fs.statSync(input).isDirectory()) {
      for (const entry of fs.readdirSync(input).sort()) {
        if (/\.(json|jsonl|jsonl\.gz)$/.test(entry) && !entry.endsWith(JOURNAL_SUFFIX)) files.push(path.join(input, entry));
      }
    } else {
      files.push(input);
    }
  }
  return files;
}

async function runReplay(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, flags, positionals } = parse(argv, { port: { type: "string" }, speed: { type: "string" }, host: { type: "string" } });
  if (flags.help) return void out.write(USAGE + "\n"), 0;
  if (positionals.length === 0) throw new UsageError("replay needs at least one recording file or folder, e.g. data/bundled.");
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`Invalid --port ${JSON.stringify(values.port)}: expected 0-65535.`);
  const speedText = values.speed ?? "max";
  const speed = speedText === "realtime" || speedText === "max" ? speedText : Number(speedText);
  if (typeof speed === "number" && !(speed > 0)) throw new UsageError(`Invalid --speed ${JSON.stringify(speedText)}: expected realtime, max or a positive multiplier.`);
  const server = await startReplayServer({ files: expandFiles(positionals), port, speed, host: values.host });
  out.write(`replaying ${server.streams.length} streams at ${server.url} (REST ${server.restUrl}); Ctrl-C stops\n`);
  out.write(`  e.g. streamlab capture ${server.streams[0]} --count 10 --url ${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

async function runInspect(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { flags, positionals } = parse(argv, { json: { type: "boolean" } });
  if (flags.help) return void out.write(USAGE + "\n"), 0;
  if (positionals.length !== 1) throw new UsageError("inspect needs exactly one sample file.");
  const report = inspectSample(loadSample(positionals[0]));
  out.write(flags.json ? JSON.stringify(report, null, 2) + "\n" : formatInspection(report) + "\n");
  return 0;
}

function runRecover(argv: string[], out: NodeJS.WritableStream): number {
  const { flags, positionals } = parse(argv, {});
  if (flags.help) return void out.write(USAGE + "\n"), 0;
  const target = positionals[0] ?? DEFAULT_CAPTURE_DIR;
  if (!fs.existsSync(target)) throw new UsageError(`No such file or folder: ${target}.`);
  const journals = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target).filter((entry) => entry.endsWith(JOURNAL_SUFFIX)).map((entry) => path.join(target, entry))
    : [target];
  if (journals.length === 0) out.write(`no unfinished captures in ${target}\n`);
  for (const journal of journals) out.write(`${recoverJournal(journal)}\n`);
  return 0;
}

function runList(argv: string[], out: NodeJS.WritableStream): number {
  const { flags, positionals } = parse(argv, {});
  if (flags.help) return void out.write(USAGE + "\n"), 0;
  const dir = positionals[0] ?? DEFAULT_CAPTURE_DIR;
  for (const summary of listSamples(dir)) {
    const state = summary.complete ? "" : " (unfinished)";
    out.write(`${summary.name}\t${summary.count} messages\t${summary.streams.join(",")}\t${summary.startedAt ?? "-"}${state}\n`);
  }
  return 0;
}

async function runStart(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, flags } = parse(argv, { source: { type: "string" } });
  if (flags.help) return void out.write(USAGE + "\n"), 0;
  return runMainJob({ source: values.source, out, err });
}

async function runLab(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const { flags } = parse(argv, {});
  if (flags.help) return void out.write(USAGE + "\n"), 0;
  return openLab({ out });
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves with the exit code.
 * @example await main(["inspect", "data/bundled/btcusdt-trade.json"])
 */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "capture":
        return await runCapture(rest, out, err);
      case "replay":
        return await runReplay(rest, out);
      case "inspect":
        return await runInspect(rest, out);
      case "recover":
        return runRecover(rest, out);
      case "list":
        return runList(rest, out);
      case "start":
        return await runStart(rest, out, err);
      case "lab":
        return await runLab(rest, out);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        out.write(USAGE + "\n");
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}: expected capture, replay, inspect, recover, list, start or lab.`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof StreamlabError) {
      err.write(`streamlab: ${error.message}\n`);
      return error instanceof UsageError || error.code.startsWith("INVALID") || error.code.startsWith("UNKNOWN") ? 2 : 1;
    }
    throw error;
  }
}
