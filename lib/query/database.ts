/**
 * SQL over samples and datasets, for notebooks and the CLI: `openDatabase` opens an in-memory
 * DuckDB with one view per dataset table (`trade`, `depth`, …), `messages` and `_events` over
 * the files named; `db.sql` (a tagged template, values bound as parameters) and `db.query` return
 * a `QueryResult` (rows, typed columns, a DataFrame). `query()` does it once and closes.
 *
 *   const db = await openDatabase({ from: ["data/bundled"] });
 *   const bars = await db.sql`SELECT time_bucket(INTERVAL 1 SECOND, trade_time) AS second, count(*) AS trades FROM trade GROUP BY 1`;
 */
import { DuckDb, type SqlParameter } from "./duckdb";
import { QueryResult } from "./result";
import { resolveSources, type Sources } from "./sources";
import { EVENTS_TABLE, VIEW_NAMES } from "./tables";
import { arrayPayloadFile } from "./sample-sql";
import { createEventsView, createViews, withArrayPayloads } from "./views";

/** Options of `openDatabase` and `query`. */
export interface DatabaseOptions {
  /** Sample files, folders of samples and dataset folders (default: none, an empty database with the views). */
  readonly from?: string | readonly string[];
}

/** A value a tagged `sql` template may interpolate: bound as a parameter, never pasted into the SQL. */
export type SqlValue = SqlParameter | Date;

const MENTIONS_EVENTS = new RegExp(`\\b${EVENTS_TABLE}\\b`, "i");

/** An open database over samples and datasets. Close it with `close()` when done. */
export class Database {
  private eventsReady = false;

  private constructor(
    private readonly db: DuckDb,
    /** What the views read. */
    public sources: Sources,
  ) {}

  /** Opens a database with the views over `options.from`. */
  static async open(options: DatabaseOptions = {}): Promise<Database> {
    const paths = options.from === undefined ? [] : typeof options.from === "string" ? [options.from] : options.from;
    const sources = paths.length === 0 ? { samples: [], datasets: [] } : resolveSources(paths);
    const db = await DuckDb.open();
    try {
      await createViews(db, sources);
    } catch (error) {
      db.close();
      throw error;
    }
    return new Database(db, sources);
  }

  /**
   * Runs `sql` (with `$1`, `$2`, … bound to `parameters`) and returns its last statement's rows.
   * Bad SQL is `BAD_SQL`, a missing view `UNKNOWN_VIEW`, a failure while running `QUERY_FAILED`.
   * @example await db.query("SELECT count(*) AS n FROM trade WHERE symbol = $1", ["BTCUSDT"])
   */
  async query(sql: string, parameters: readonly SqlValue[] = []): Promise<QueryResult> {
    if (!this.eventsReady && MENTIONS_EVENTS.test(sql)) {
      await createEventsView(this.db, this.sources);
      this.eventsReady = true;
    }
    const bound = parameters.map((value) => (value instanceof Date ? value.toISOString() : value));
    try {
      return QueryResult.fromReader(await this.db.read(sql, bound, { views: VIEW_NAMES, userSql: true }));
    } catch (error) {
      // A file that looked like object payloads only holds an array stream: read it the slower way and retry.
      const retry = withArrayPayloads(this.sources, arrayPayloadFile((error as Error).cause ?? error) ?? "");
      if (!retry) throw error;
      this.sources = retry;
      await createViews(this.db, retry);
      if (this.eventsReady) await createEventsView(this.db, retry);
      return this.query(sql, parameters);
    }
  }

  /**
   * A tagged template: interpolated values become bound parameters.
   * @example await db.sql`SELECT * FROM trade WHERE price > ${60000} LIMIT 5`
   */
  readonly sql = (strings: TemplateStringsArray, ...values: SqlValue[]): Promise<QueryResult> => {
    const text = strings.reduce((out, part, i) => out + part + (i < values.length ? `$${i + 1}` : ""), "");
    return this.query(text, values);
  };

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}

/**
 * Opens a database over samples and datasets.
 * @example const db = await openDatabase({ from: "data/bundled" }); (await db.sql`SELECT count(*) AS n FROM trade`).rows
 */
export function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return Database.open(options);
}

/**
 * Runs one query over samples and datasets and closes the database.
 * @example (await query("SELECT count(*) AS n FROM trade", { from: "data/bundled/btcusdt-trade.json" })).rows // [{ n: 20 }]
 */
export async function query(sql: string, options: DatabaseOptions & { parameters?: readonly SqlValue[] } = {}): Promise<QueryResult> {
  const db = await Database.open(options);
  try {
    return await db.query(sql, options.parameters);
  } finally {
    db.close();
  }
}
