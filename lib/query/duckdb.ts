/**
 * The embedded DuckDB: loads `@duckdb/node-api` on first use (so `import "../lib"` stays fast),
 * opens in-memory databases, runs SQL, and turns DuckDB's errors into this library's classes:
 * a syntax or binding error in the user's SQL is `BAD_SQL`, a missing table `UNKNOWN_VIEW`
 * (both usage errors, exit status 2), a malformed sample line `CORRUPT_LINE`, anything else
 * while running `QUERY_FAILED` (exit status 1). DuckDB's `json` and `parquet` support are built
 * into the package's binary; nothing is downloaded at run time.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader } from "@duckdb/node-api";
import { InvalidArgumentError, SampleFileError, StreamlabError, excerpt } from "../errors";

type DuckDbModule = typeof import("@duckdb/node-api");

let loaded: DuckDbModule | undefined;

/** The `@duckdb/node-api` module, required on first call; `DUCKDB_NOT_FOUND` when it cannot be loaded. */
export function loadDuckDb(): DuckDbModule {
  if (!loaded) {
    try {
      // Required here, not imported at the top, so that only code that runs SQL loads DuckDB.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require("@duckdb/node-api") as DuckDbModule;
    } catch (error) {
      throw new StreamlabError(
        "DUCKDB_NOT_FOUND",
        `DuckDB (@duckdb/node-api) could not be loaded: ${(error as Error).message}. Run "npm install".`,
        { cause: error },
      );
    }
  }
  return loaded;
}

/** A parameter bound to `$1`, `$2`, … of a statement. */
export type SqlParameter = string | number | boolean | null;

/** One open in-memory DuckDB database and its connection. */
export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    /** The connection every statement runs on. */
    readonly connection: DuckDBConnection,
  ) {}

  /** Opens a fresh in-memory database. */
  static async open(): Promise<DuckDb> {
    const duckdb = loadDuckDb();
    const instance = await duckdb.DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    return new DuckDb(instance, connection);
  }

  /** Runs `sql` (one or more statements) and reads every row of the last one; DuckDB errors become library errors. */
  async read(sql: string, parameters: readonly SqlParameter[] = [], context: ErrorContext = {}): Promise<DuckDBResultReader> {
    try {
      return await this.connection.runAndReadAll(sql, parameters.length > 0 ? [...parameters] : undefined);
    } catch (error) {
      throw translateDuckDbError(error, context);
    }
  }

  /** Runs `sql` for its effect. */
  async run(sql: string, parameters: readonly SqlParameter[] = [], context: ErrorContext = {}): Promise<void> {
    await this.read(sql, parameters, context);
  }

  /** Closes the connection and the database. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** What an error message may name: the views that exist, and whether the SQL was the user's. */
export interface ErrorContext {
  /** The views a query may use, named in `UNKNOWN_VIEW` messages. */
  readonly views?: readonly string[];
  /** True for SQL the user wrote: syntax and binding errors are then `BAD_SQL`. */
  readonly userSql?: boolean;
}

/** DuckDB's message without its caret excerpt: the first line, e.g. `Parser Error: syntax error at or near "selec"`. */
export function firstLine(message: string): string {
  return message.split("\n")[0].trim();
}

/** Quotes `value` as an SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Quotes `name` as an SQL identifier. */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A DuckDB error as a library error: unknown table → `UNKNOWN_VIEW`, parser/binder errors in
 * user SQL → `BAD_SQL`, malformed JSON in a file → `CORRUPT_LINE`, the rest → `QUERY_FAILED`.
 */
export function translateDuckDbError(error: unknown, context: ErrorContext = {}): StreamlabError {
  if (error instanceof StreamlabError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const line = firstLine(message);
  const missing = /^Catalog Error: Table(?: Function)? with name (\S+) does not exist/.exec(line);
  if (missing && context.views) {
    return new InvalidArgumentError("UNKNOWN_VIEW", `Unknown view ${missing[1]}: the views are ${context.views.join(", ")}.`, {
      cause: error,
    });
  }
  const malformed = /^Invalid Input Error: Malformed JSON in file "([^"]+)"/.exec(line);
  if (malformed) return new SampleFileError("CORRUPT_LINE", `${excerpt(line, 300)}.`, malformed[1], { cause: error });
  if (context.userSql && /^(Parser|Binder|Catalog) Error:/.test(line)) {
    return new InvalidArgumentError("BAD_SQL", `Bad SQL: ${excerpt(line.replace(/^\w+ Error: /, ""), 300)}`, { cause: error });
  }
  return new StreamlabError("QUERY_FAILED", `DuckDB failed: ${excerpt(line, 300)}`, { cause: error });
}
