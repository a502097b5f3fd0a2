/**
 * Keeps the notebooks' code cells short: each is a few calls into lib/, explained by the markdown
 * before it. Logic is what remains of a code cell without comments, blank lines and the import
 * declaration (which only names what the notebook uses); indentation is not counted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./helpers";

/** At most this many lines of logic per code cell. */
const MAX_LOGIC_LINES = 6;
/** At most this many characters of logic per code cell. */
const MAX_LOGIC_CHARS = 200;

const NOTEBOOKS_DIR = path.join(PROJECT_ROOT, "notebooks");

interface Cell {
  readonly cell_type: string;
  readonly source: string | string[];
}

/** The code without `//` and `/* *\/` comments; strings and template literals are kept as they are. */
function stripComments(code: string): string {
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      out += c;
      if (c === "\\") out += code[++i] ?? "";
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === "`") {
      quote = c;
      out += c;
    } else if (c === "/" && code[i + 1] === "/") {
      while (i < code.length && code[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end < 0 ? code.length : end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** The lines of logic of a code cell, trimmed. */
function logicLines(source: string): string[] {
  const code = stripComments(source).replace(/^\s*import\s[^;]*?\sfrom\s*(["'])[^"']*\1;?/gm, "");
  return code
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

function codeCells(file: string): Array<{ index: number; source: string }> {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: Cell[] };
  return notebook.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ index, source: [cell.source].flat().join("") }] : []));
}

const notebooks = fs
  .readdirSync(NOTEBOOKS_DIR)
  .filter((name) => name.endsWith(".ipynb"))
  .sort();

test("the line counter ignores comments, blank lines, indentation and the import", () => {
  const cell =
    'import { a,\n  b } from "../lib";\n\n// a comment\nconst url = "http://x"; // trailing\n/* block\n comment */\n  call(`a // b`);\n';
  assert.deepEqual(logicLines(cell), ['const url = "http://x";', "call(`a // b`);"]);
});

test("there are notebooks to check", () => {
  assert.ok(notebooks.length >= 6, notebooks.join(", "));
});

for (const name of notebooks) {
  test(`${name}: every code cell has at most ${MAX_LOGIC_LINES} lines and ${MAX_LOGIC_CHARS} characters of logic`, () => {
    const file = path.join(NOTEBOOKS_DIR, name);
    const tooLong = codeCells(file)
      .map(({ index, source }) => {
        const lines = logicLines(source);
        return { index, lines: lines.length, chars: lines.join("").length, first: lines[0] ?? "" };
      })
      .filter((cell) => cell.lines > MAX_LOGIC_LINES || cell.chars > MAX_LOGIC_CHARS);
    assert.deepEqual(tooLong, [], `${name}: cells over the limit (move their logic into lib/notebook/)`);
  });

  test(`${name}: every code cell follows a markdown cell`, () => {
    const notebook = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS_DIR, name), "utf8")) as { cells: Cell[] };
    const unexplained = notebook.cells.flatMap((cell, index) =>
      cell.cell_type === "code" && notebook.cells[index - 1]?.cell_type !== "markdown" ? [index] : [],
    );
    assert.deepEqual(unexplained, [], `${name}: code cells without markdown before them`);
  });
}
