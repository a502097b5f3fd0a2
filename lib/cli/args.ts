/**
 * Command-line argument parsing for `streamlab`: a strict `util.parseArgs` wrapper and the
 * parsers of flag values (durations, counts, ports, lists). Every bad value throws a `UsageError`
 * (exit status 2) whose message names the flag and the value.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { UsageError } from "../errors";

/** The flags a command accepts: `string` flags take a value, `boolean` flags do not; `multiple` string flags may repeat. */
export type OptionSpecs = Readonly<
  Record<string, { readonly type: "string" | "boolean"; readonly short?: string; readonly multiple?: boolean }>
>;

/** A parsed command line. */
export interface ParsedArgs {
  /** Values of string flags that were given. */
  readonly values: Readonly<Record<string, string | undefined>>;
  /** Boolean flags that were given (`help` included). */
  readonly flags: Readonly<Record<string, boolean>>;
  readonly positionals: readonly string[];
  /** Every value of each `multiple` string flag, in order (the last one is also in `values`). */
  readonly lists: Readonly<Record<string, readonly string[]>>;
}

/** The hint ending every message about an unknown or malformed flag. */
export const HELP_HINT = 'Run "streamlab --help" for the options.';

const PARSE_ARGS_CODES: Readonly<Record<string, "UNKNOWN_FLAG" | "INVALID_FLAG_VALUE">> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: "UNKNOWN_FLAG",
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: "INVALID_FLAG_VALUE",
};

/**
 * Parses `argv` strictly against `options` (plus `--help`/`-h`); positionals are allowed.
 * @example parseCommandArgs(["a.json", "--json"], { json: { type: "boolean" } }) // → { flags: { json: true }, positionals: ["a.json"], values: {} }
 */
export function parseCommandArgs(argv: readonly string[], options: OptionSpecs): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const code = PARSE_ARGS_CODES[(error as NodeJS.ErrnoException).code ?? ""] ?? "UNKNOWN_FLAG";
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "").replace(/\.$/, "");
    throw new UsageError(code, `${message}. ${HELP_HINT}`);
  }
  const values: Record<string, string | undefined> = {};
  const flags: Record<string, boolean> = {};
  const lists: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed.values)) {
    if (typeof value === "boolean") flags[key] = value;
    else if (typeof value === "string") values[key] = value;
    else if (Array.isArray(value)) {
      lists[key] = value.map(String);
      values[key] = lists[key][lists[key].length - 1];
    }
  }
  return { values, flags, positionals: parsed.positionals, lists };
}

/**
 * Parses "30s", "500ms", "2m", "1h" or a plain number of seconds into milliseconds.
 * @example parseDuration("1.5m") // → 90000
 */
export function parseDuration(text: string, flag = "--duration"): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0) {
    throw new UsageError(
      "INVALID_FLAG_VALUE",
      `Invalid ${flag} ${JSON.stringify(text)}: expected a positive number with ms, s, m or h, such as "30s".`,
    );
  }
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"] ?? 1000;
  return Number(match[1]) * factor;
}

/**
 * Parses a positive whole number such as a message count.
 * @example parseCount("100") // → 100
 */
export function parseCount(text: string, flag = "--count"): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0)
    throw new UsageError("INVALID_FLAG_VALUE", `Invalid ${flag} ${JSON.stringify(text)}: expected a positive whole number.`);
  return Number(text);
}

/**
 * Parses a TCP port, 0 (any free port) to 65535.
 * @example parsePort("9443") // → 9443
 */
export function parsePort(text: string, flag = "--port"): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UsageError("INVALID_FLAG_VALUE", `Invalid ${flag} ${JSON.stringify(text)}: expected 0-65535.`);
  return port;
}

/**
 * Splits a comma-separated list, dropping blanks.
 * @example splitList("BTCUSDT, ETHUSDT,") // → ["BTCUSDT", "ETHUSDT"]
 */
export function splitList(text: string | undefined): string[] {
  return text
    ? text
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : [];
}

/** Throws `NO_SUCH_PATH` unless `target` (a file or folder the user named) exists. */
export function requireExistingPath(target: string): string {
  if (!fs.existsSync(target)) throw new UsageError("NO_SUCH_PATH", `No such file or folder: ${target}.`);
  return target;
}

/** Throws `TOO_MANY_ARGUMENTS` when more than `max` positionals were given; `what` says what the command takes. */
export function expectAtMost(command: string, positionals: readonly string[], max: number, what: string): void {
  if (positionals.length > max) {
    throw new UsageError(
      "TOO_MANY_ARGUMENTS",
      `${command} takes ${what}, got ${positionals.length === 1 ? "1 argument" : `${positionals.length} arguments`}: ${positionals.map((p) => JSON.stringify(p)).join(" ")}.`,
    );
  }
}
