/**
 * The `streamlab` command: finds the subcommand, parses its flags, and turns errors into one line
 * on stderr and an exit status by class: 2 for usage errors (bad command line, bad value or file
 * named by the user), 1 for failures while running. `docs/errors.md` lists every code.
 * Each subcommand prints what it did (paths, URLs) on stdout and progress on stderr.
 */
import { StreamlabError, UsageError } from "../errors";
import { STREAM_TYPES } from "../binance/endpoints";
import { parseCommandArgs } from "./args";
import type { Command, CommandIo } from "./command";
import { bookCommand } from "./commands/book";
import { captureCommand } from "./commands/capture";
import { exportCommand } from "./commands/export";
import { inspectCommand } from "./commands/inspect";
import { labCommand } from "./commands/lab";
import { listCommand } from "./commands/list";
import { queryCommand } from "./commands/query";
import { recoverCommand } from "./commands/recover";
import { replayCommand } from "./commands/replay";
import { startCommand } from "./commands/start";

/** Every subcommand, in the order `streamlab --help` shows them. */
export const COMMANDS: readonly Command[] = [
  captureCommand,
  replayCommand,
  inspectCommand,
  bookCommand,
  recoverCommand,
  listCommand,
  exportCommand,
  queryCommand,
  startCommand,
  labCommand,
];

/** The text `streamlab --help` prints. */
export function usageText(commands: readonly Command[] = COMMANDS): string {
  return `streamlab — capture, replay and inspect Binance USD-M futures market streams

Usage:
${commands.map((command) => command.usage).join("\n")}

Stream types: ${STREAM_TYPES.join(", ")} (depth also as depth@100ms, depth@500ms, depth@0ms).
Errors: exit status 2 for bad input, 1 for failures while running; codes in docs/errors.md.`;
}

function commandList(commands: readonly Command[]): string {
  const names = commands.map((command) => command.name);
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}` : names.join("");
}

/** The one stderr line for an error: `streamlab: <message> [<CODE>]`. */
export function formatError(error: StreamlabError): string {
  return `streamlab: ${error.message} [${error.code}]`;
}

/**
 * Runs `argv` (command name first) against `commands` and resolves with the exit status:
 * 0 on success, `error.exitStatus` (2 usage, 1 runtime) for a `StreamlabError`, printed as one
 * line on `io.err`. Other errors (bugs) are rethrown.
 */
export async function dispatch(commands: readonly Command[], argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "help" || name === "--help" || name === "-h") {
    io.out.write(usageText(commands) + "\n");
    return 0;
  }
  try {
    if (name === undefined)
      throw new UsageError(
        "MISSING_ARGUMENT",
        `Missing command: expected ${commandList(commands)}. Run "streamlab --help" for the options.`,
      );
    const command = commands.find((candidate) => candidate.name === name);
    if (!command) throw new UsageError("UNKNOWN_COMMAND", `Unknown command ${JSON.stringify(name)}: expected ${commandList(commands)}.`);
    const args = parseCommandArgs(rest, command.options);
    if (args.flags.help) {
      io.out.write(usageText(commands) + "\n");
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (!(error instanceof StreamlabError)) throw error;
    io.err.write(formatError(error) + "\n");
    return error.exitStatus;
  }
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves with the exit status.
 * @example await main(["inspect", "data/bundled/btcusdt-trade.json"])
 */
export function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  return dispatch(COMMANDS, argv, { out, err });
}
