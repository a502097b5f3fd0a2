/**
 * The 1M-trade notebook (notebooks/bench/12-million-trades.ipynb) is not run by the notebook
 * tests (it takes ~25 s of kernel time; `npm run bench` and the render command can run it): this
 * checks that what it imports exists, so it does not rot.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./helpers";
import * as lib from "../lib";
import * as tradeSample from "../scripts/bench/trade-sample";

const NOTEBOOK = path.join(PROJECT_ROOT, "notebooks", "bench", "12-million-trades.ipynb");

function importedNames(source: string, from: string): string[] {
  const match = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*"${from.replace(/[./]/g, "\\$&")}"`).exec(source);
  assert.ok(match, `the notebook imports from ${from}`);
  return match[1]
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

test("the 1M-trade notebook imports only what the library and the bench helpers export", () => {
  const notebook = JSON.parse(fs.readFileSync(NOTEBOOK, "utf8")) as { cells: Array<{ cell_type: string; source: string[] }> };
  const code = notebook.cells
    .filter((cell) => cell.cell_type === "code")
    .map((cell) => cell.source.join(""))
    .join("\n");
  for (const name of importedNames(code, "../../lib")) assert.ok(name in lib, `lib exports ${name}`);
  for (const name of importedNames(code, "../../scripts/bench/trade-sample"))
    assert.ok(name in tradeSample, `trade-sample exports ${name}`);
});
