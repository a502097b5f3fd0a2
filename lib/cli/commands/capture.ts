/**
 * `streamlab capture`: records market streams into a sample file. A live status line on a
 * terminal (plain lines, less and less often, otherwise); Ctrl-C or SIGTERM stops the capture
 * and finishes the sample (a second Ctrl-C leaves at once, the journal kept for `recover`).
 */
import { UsageError } from "../../errors";
import { capture } from "../../capture/session";
import type { CaptureProgress, RotateOptions } from "../../capture/options";
import { formatCaptureStatus } from "../../capture/progress";
import { parseCount, parseDuration, splitList } from "../args";
import type { Command } from "../command";

const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/**
 * Parses `--rotate`: a duration (`1h`, `30m`), a size (`500MB`, `2GB`), or both separated by a
 * comma; a new sample file starts at whichever comes first.
 */
export function parseRotate(text: string): RotateOptions {
  let everyMs: number | undefined;
  let maxBytes: number | undefined;
  for (const part of splitList(text)) {
    const size = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)$/i.exec(part);
    if (size && Number(size[1]) > 0) maxBytes = Math.round(Number(size[1]) * SIZE_UNITS[size[2].toUpperCase()]);
    else if (/^\d+(\.\d+)?(ms|s|m|h)$/.test(part)) everyMs = parseDuration(part, "--rotate");
    else
      throw new UsageError(
        "INVALID_FLAG_VALUE",
        `Invalid --rotate ${JSON.stringify(text)}: expected a duration such as "1h", a size such as "500MB", or both ("1h,500MB").`,
      );
  }
  if (everyMs === undefined && maxBytes === undefined)
    throw new UsageError(
      "INVALID_FLAG_VALUE",
      `Invalid --rotate ${JSON.stringify(text)}: expected a duration such as "1h" or a size such as "500MB".`,
    );
  return { ...(everyMs !== undefined ? { everyMs } : {}), ...(maxBytes !== undefined ? { maxBytes } : {}) };
}

/** How long a plain (non-terminal) status line waits for the next: 1 s at first, up to 1 min for long captures. */
function plainInterval(elapsedMs: number): number {
  return Math.min(60_000, Math.max(1000, elapsedMs / 30));
}

/** `streamlab capture <stream...> | --symbols … --types …`: prints the sample's path on stdout, progress on stderr. */
export const captureCommand: Command = {
  name: "capture",
  usage: `  streamlab capture <stream...> [options]          e.g. streamlab capture btcusdt@trade btcusdt@depth@100ms --count 100
  streamlab capture --symbols BTCUSDT --types trade,depth [options]
      --count N            messages per stream          --duration 30s    stop after (ms, s, m, h)
      --url <base>         websocket base, scheme://host:port only (default $STREAMLAB_WS_URL or wss://fstream.binance.com)
      --rest-url <base>    REST base (default $STREAMLAB_REST_URL or https://fapi.binance.com)
      --out <dir>          where to write the sample (default data/captures)
      --name <name>        file name without extension
      --rotate <when>      start a new sample file every duration and/or size, e.g. 1h, 500MB, 1h,500MB
      --handover-after <d> replace each connection (overlapping, nothing lost) at this age (default 23h45m; Binance closes at 24h)
      --max-reconnects N   failed attempts in a row before giving up (default 10)
      --quiet              no progress lines
    Ctrl-C (or SIGTERM) stops and finishes the sample; a second Ctrl-C leaves at once (streamlab recover finishes it).`,
  options: {
    symbols: { type: "string" },
    types: { type: "string" },
    count: { type: "string" },
    duration: { type: "string" },
    url: { type: "string" },
    "rest-url": { type: "string" },
    out: { type: "string" },
    name: { type: "string" },
    rotate: { type: "string" },
    "handover-after": { type: "string" },
    "max-reconnects": { type: "string" },
    quiet: { type: "boolean" },
  },
  async run({ values, flags, positionals }, { out, err }) {
    const count = values.count === undefined ? undefined : parseCount(values.count);
    const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
    if (count === undefined && durationMs === undefined)
      throw new UsageError("MISSING_ARGUMENT", "capture needs --count N or --duration <time> (or both).");
    if (positionals.length === 0 && !values.symbols)
      throw new UsageError("MISSING_ARGUMENT", "capture needs stream names (btcusdt@trade) or --symbols with --types.");
    if (positionals.length > 0 && (values.symbols !== undefined || values.types !== undefined)) {
      throw new UsageError("CONFLICTING_FLAGS", "capture takes stream names (btcusdt@trade) or --symbols with --types, not both.");
    }
    const rotate = values.rotate === undefined ? undefined : parseRotate(values.rotate);
    const handoverAfterMs =
      values["handover-after"] === undefined ? undefined : parseDuration(values["handover-after"], "--handover-after");
    const maxReconnects = values["max-reconnects"] === undefined ? undefined : parseCount(values["max-reconnects"], "--max-reconnects");
    const isTty = Boolean((err as NodeJS.WriteStream).isTTY);
    const controller = new AbortController();
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        err.write(`\nstreamlab: ${signal} again: leaving now; the journal is kept (streamlab recover finishes it).\n`);
        process.exit(130);
      }
      stopping = true;
      err.write(
        `${isTty ? "\n" : ""}streamlab: ${signal}: stopping the capture and finishing the sample (press Ctrl-C again to leave at once)\n`,
      );
      controller.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let lastPlainAt = -Infinity;
    const onProgress = (progress: CaptureProgress) => {
      if (isTty) return void err.write(`\r${formatCaptureStatus(progress)}\x1b[K`);
      if (!progress.final && progress.elapsedMs - lastPlainAt < plainInterval(progress.elapsedMs)) return;
      lastPlainAt = progress.elapsedMs;
      err.write(`${formatCaptureStatus(progress)}\n`);
    };
    try {
      const result = await capture({
        streams: positionals.length > 0 ? [...positionals] : undefined,
        symbols: positionals.length > 0 ? undefined : splitList(values.symbols),
        types: positionals.length > 0 ? undefined : splitList(values.types ?? "trade"),
        count,
        durationMs,
        wsBaseUrl: values.url,
        restBaseUrl: values["rest-url"],
        outDir: values.out,
        name: values.name,
        rotate,
        handoverAfterMs,
        maxReconnects,
        signal: controller.signal,
        progressIntervalMs: isTty ? 200 : 1000,
        onProgress: flags.quiet ? undefined : onProgress,
      });
      if (isTty && !flags.quiet) err.write("\n");
      for (const file of result.recovered) err.write(`note: finished an earlier capture's journal into ${file}\n`);
      const counts = result.meta.eventCounts ?? {};
      const gaps = result.meta.gaps.length + (counts.gap ?? 0);
      if (gaps > 0) err.write(`warning: ${gaps} gap(s) recorded in the sample (data lost in transit: see "streamlab inspect").\n`);
      if (counts["malformed-frame"])
        err.write(`warning: ${counts["malformed-frame"]} frame(s) were not messages; recorded as events, not stored.\n`);
      if (result.missing)
        err.write(
          `warning: the capture ${result.ended === "stopped" ? "was stopped" : "ended"} before every stream had its count: ${result.missing}.\n`,
        );
      for (const file of result.files) out.write(`${file}\n`);
      return 0;
    } catch (error) {
      if (isTty) err.write("\n");
      const file = (error as { sampleFile?: string }).sampleFile;
      if (file) err.write(`streamlab: messages received before the failure are saved in ${file}\n`);
      throw error;
    } finally {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    }
  },
};
