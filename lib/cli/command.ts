/**
 * What a `streamlab` subcommand is: its name, its help lines, the flags it accepts and what it
 * runs. `main.ts` parses the flags, prints help, and turns errors into exit statuses; a command
 * only does its job. Adding a command is one file in commands/ and one entry in `COMMANDS`.
 */
import type { OptionSpecs, ParsedArgs } from "./args";

/** Where a command writes: results (paths, URLs, reports) on `out`, progress and warnings on `err`. */
export interface CommandIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** A `streamlab` subcommand. */
export interface Command {
  /** The word after `streamlab`, e.g. `"capture"`. */
  readonly name: string;
  /** Its lines in `streamlab --help`, starting with `streamlab <name>`. */
  readonly usage: string;
  /** The flags it accepts (`--help` is added for every command). */
  readonly options: OptionSpecs;
  /** Runs it and resolves with the exit status; throws a `StreamlabError` for bad input or failures. */
  run(args: ParsedArgs, io: CommandIo): number | Promise<number>;
}
