/** `streamlab capture`: records market streams into a sample file. */
import { UsageError } from "../../errors";
import { capture } from "../../capture/session";
import type { CaptureProgress } from "../../capture/options";
import { parseCount, parseDuration, splitList } from "../args";
import type { Command } from "../command";

function formatProgress(progress: CaptureProgress): string {
  const parts = Object.entries(progress.counts).map(([stream, n]) => `${stream} ${n}`);
  return `capturing ${(progress.elapsedMs / 1000).toFixed(1)} s: ${progress.total} messages (${parts.join(", ")})`;
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
      --quiet              no progress lines`,
  options: {
    symbols: { type: "string" },
    types: { type: "string" },
    count: { type: "string" },
    duration: { type: "string" },
    url: { type: "string" },
    "rest-url": { type: "string" },
    out: { type: "string" },
    name: { type: "string" },
    quiet: { type: "boolean" },
  },
  async run({ values, flags, positionals }, { out, err }) {
    const count = values.count === undefined ? undefined : parseCount(values.count);
    const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
    if (count === undefined && durationMs === undefined) throw new UsageError("MISSING_ARGUMENT", "capture needs --count N or --duration <time> (or both).");
    if (positionals.length === 0 && !values.symbols) throw new UsageError("MISSING_ARGUMENT", "capture needs stream names (btcusdt@trade) or --symbols with --types.");
    if (positionals.length > 0 && (values.symbols !== undefined || values.types !== undefined)) {
      throw new UsageError("CONFLICTING_FLAGS", "capture takes stream names (btcusdt@trade) or --symbols with --types, not both.");
    }
    const isTty = Boolean((err as NodeJS.WriteStream).isTTY);
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once("SIGINT", onSigint);
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
  },
};
