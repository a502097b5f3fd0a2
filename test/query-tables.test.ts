/**
 * The dataset tables come from the event schemas, and are documented: every decoded wire field
 * of every schema is a column of its table under the schema's snake_case name, with the SQL type
 * of its kind; every derived column field has its SQL; docs/datasets.md lists every column of
 * every view; notebook 11 shows the recipes' SQL as the library runs it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { EVENT_SCHEMAS, columnarFields, toSnakeCase } from "../lib/binance/schema";
import { RECIPES } from "../lib/query/recipes";
import { DATASET_TABLES, DERIVED_COLUMN_SQL, EVENT_COLUMNS, MESSAGE_COLUMNS, SQL_TYPE_OF_KIND, VIEW_NAMES } from "../lib/query/tables";
import { PROJECT_ROOT } from "./helpers";

test("one table per event schema, named after its kind; every decoded field a column with its kind's SQL type", () => {
  assert.deepEqual(
    DATASET_TABLES.map((table) => table.name),
    EVENT_SCHEMAS.map((schema) => toSnakeCase(schema.kind)),
  );
  for (const table of DATASET_TABLES) {
    const byName = new Map(table.columns.map((column) => [column.name, column]));
    assert.equal(byName.size, table.columns.length, `${table.name}: column names are unique`);
    for (const field of columnarFields(table.schema)) {
      if (field.kind === "levels") {
        assert.ok(
          byName.has("side") && byName.has("price") && byName.has("quantity") && byName.has("is_snapshot"),
          `${table.name}: levels become rows`,
        );
        continue;
      }
      const column = byName.get(field.column);
      if (field.path === undefined) {
        assert.ok(
          DERIVED_COLUMN_SQL[`${table.schema.kind}.${field.name}`],
          `${table.name}: derived ${field.name} has its SQL in DERIVED_COLUMN_SQL`,
        );
      }
      assert.ok(column, `${table.name}: ${field.column}`);
      assert.equal(column.type, SQL_TYPE_OF_KIND[field.kind], `${table.name}.${field.column}`);
    }
    for (const name of ["symbol", "event_time", "local_time", "source", "date"]) assert.ok(byName.has(name), `${table.name}.${name}`);
    assert.equal(table.columns[0].name, "symbol");
    assert.equal(table.columns[table.columns.length - 1].name, "date");
  }
});

test("the issue's trade and depth columns are there", () => {
  const columns = (name: string) => DATASET_TABLES.find((table) => table.name === name)!.columns.map((column) => column.name);
  for (const name of [
    "symbol",
    "trade_id",
    "price",
    "quantity",
    "is_buyer_maker",
    "execution_type",
    "trade_time",
    "event_time",
    "local_time",
  ])
    assert.ok(columns("trade").includes(name), name);
  for (const name of [
    "symbol",
    "event_time",
    "transaction_time",
    "local_time",
    "first_update_id",
    "final_update_id",
    "previous_final_update_id",
    "is_snapshot",
    "side",
    "price",
    "quantity",
  ]) {
    assert.ok(columns("depth").includes(name), name);
  }
});

/** The column rows of docs/datasets.md per "### `view`" heading. */
function documentedColumns(): Map<string, Map<string, string>> {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "datasets.md"), "utf8");
  const views = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const line of text.split("\n")) {
    const heading = /^### `([a-z_]+)`/.exec(line);
    if (heading) views.set(heading[1], (current = new Map()));
    else if (line.startsWith("## ")) current = null;
    const row = /^\| `([a-z_]+)` \| ([A-Z_]+(?:\(.*?\))?) \|/.exec(line);
    if (row && current) current.set(row[1], row[2]);
  }
  return views;
}

test("docs/datasets.md documents every view and every column with its type", () => {
  const documented = documentedColumns();
  assert.deepEqual([...documented.keys()].sort(), [...VIEW_NAMES].sort());
  const all = [
    ...DATASET_TABLES.map((table) => [table.name, table.columns] as const),
    ["_events", EVENT_COLUMNS] as const,
    ["messages", MESSAGE_COLUMNS] as const,
  ];
  for (const [name, columns] of all) {
    assert.deepEqual(
      [...(documented.get(name) ?? new Map()).entries()],
      columns.map((column) => [column.name, column.type]),
      `docs/datasets.md, table ${name}`,
    );
  }
});

test("notebook 11 shows each recipe it runs exactly as the library runs it", () => {
  const notebook = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "notebooks", "11-datasets-and-sql.ipynb"), "utf8")) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  const markdown = notebook.cells.filter((cell) => cell.cell_type === "markdown").map((cell) => [cell.source].flat().join(""));
  const code = notebook.cells
    .filter((cell) => cell.cell_type === "code")
    .map((cell) => [cell.source].flat().join(""))
    .join("\n");
  for (const [name, sql] of Object.entries(RECIPES)) {
    if (!new RegExp(`\\b${name}\\b`).test(code)) continue;
    assert.ok(
      markdown.some((text) => text.includes("```sql\n" + sql + "\n```")),
      `${name} is shown in a markdown cell`,
    );
  }
});
