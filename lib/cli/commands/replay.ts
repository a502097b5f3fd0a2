/** `streamlab replay`: serves recordings on 127.0.0.1 the way Binance serves live streams. */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../../errors";
import { startReplayServer } from "../../replay/server";
import type { ReplaySpeed } from "../../replay/options";
import { JOURNAL_SUFFIX } from "../../store/journal";
import { parsePort, requireExistingPath } from "../args";
import type { Command } from "../command";

const RECORDING = /\.(json|jsonl|jsonl\.gz)$/;

/** The recordings named: files as given, folders expanded to their recordings (journals left out), sorted. */
function expandRecordings(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!fs.statSync(requireExistingPath(input)).isDirectory()) {
      files.push(input);
      continue;
    }
    const found = fs
      .readdirSync(input)
      .sort()
      .filter((entry) => RECORDING.test(entry) && !entry.endsWith(JOURNAL_SUFFIX));
    files.push(...found.map((entry) => path.join(input, entry)));
  }
  if (files.length === 0)
    throw new UsageError(
      "MISSING_ARGUMENT",
      `No recordings (.json, .jsonl, .jsonl.gz) in ${inputs.join(", ")}: replay needs at least one.`,
    );
  return files;
}

function parseSpeed(text: string): ReplaySpeed {
  if (text === "realtime" || text === "max") return text;
  const speed = Number(text);
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new UsageError("INVALID_FLAG_VALUE", `Invalid --speed ${JSON.stringify(text)}: expected realtime, max or a positive multiplier.`);
  return speed;
}

/** `streamlab replay <file|dir...>`: runs until Ctrl-C (SIGINT) or SIGTERM. */
export const replayCommand: Command = {
  name: "replay",
  usage: "  streamlab replay <file|dir...> [--port N] [--speed realtime|max|<multiplier>] [--host <address>]",
  options: { port: { type: "string" }, speed: { type: "string" }, host: { type: "string" } },
  async run({ values, positionals }, { out }) {
    if (positionals.length === 0)
      throw new UsageError("MISSING_ARGUMENT", "replay needs at least one recording file or folder, e.g. data/bundled.");
    const port = values.port === undefined ? 0 : parsePort(values.port);
    const speed = parseSpeed(values.speed ?? "max");
    const server = await startReplayServer({ files: expandRecordings(positionals), port, speed, host: values.host });
    out.write(`replaying ${server.streams.length} streams at ${server.url} (REST ${server.restUrl}); Ctrl-C stops\n`);
    out.write(`  e.g. streamlab capture ${server.streams[0]} --count 10 --url ${server.url}\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
    return 0;
  },
};
