import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./helpers";

const LIB = path.join(PROJECT_ROOT, "lib");

/** Every .ts and .cjs file under lib/, as a path relative to lib/ with forward slashes. */
function libFiles(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return libFiles(full);
    return /\.(ts|cjs)$/.test(entry.name) ? [path.relative(LIB, full).split(path.sep).join("/")] : [];
  });
}

/** The files docs/architecture.md lists: rows of the tables under "### `lib/<folder>/`" headings. */
function documentedFiles(): string[] {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "architecture.md"), "utf8");
  const files: string[] = [];
  let folder: string | null = null;
  for (const line of text.split("\n")) {
    const heading = /^### `lib\/([^`]*)`/.exec(line);
    if (heading) folder = heading[1].replace(/\/$/, "");
    else if (line.startsWith("## ")) folder = null;
    const row = /^\| `([^`]+\.(?:ts|cjs))` \|/.exec(line);
    if (row && folder !== null) files.push(folder === "" ? row[1] : `${folder}/${row[1]}`);
  }
  return files;
}

test("docs/architecture.md lists every file of lib/, and only files that exist", () => {
  const actual = libFiles().sort();
  const documented = documentedFiles().sort();
  assert.ok(documented.length > 50, `expected the layout tables, found ${documented.length} rows`);
  assert.deepEqual(
    actual.filter((file) => !documented.includes(file)),
    [],
    "files in lib/ that docs/architecture.md does not list",
  );
  assert.deepEqual(
    documented.filter((file) => !actual.includes(file)),
    [],
    "files docs/architecture.md lists that do not exist",
  );
});

test("no file of the repository cites notes that live outside it", () => {
  const offenders: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(ts|cjs|py|md|ipynb)$/.test(entry.name) && /\b(BINANCE|DESIGN|ROADMAP)\.md\b/.test(fs.readFileSync(full, "utf8"))) {
        offenders.push(path.relative(PROJECT_ROOT, full));
      }
    }
  };
  for (const dir of ["lib", "test", "scripts", "docs", "notebooks"]) visit(path.join(PROJECT_ROOT, dir));
  if (/\b(BINANCE|DESIGN|ROADMAP)\.md\b/.test(fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8"))) offenders.push("README.md");
  assert.deepEqual(
    offenders.filter((file) => file !== "test/architecture.test.ts"),
    [],
  );
});

test("danfojs and tslab are imported by one module each", () => {
  const importers = (pattern: RegExp): string[] => libFiles().filter((file) => pattern.test(fs.readFileSync(path.join(LIB, file), "utf8")));
  assert.deepEqual(importers(/from "danfojs-node"|require\("danfojs-node"\)/), ["notebook/frames.ts"]);
  assert.deepEqual(importers(/from "tslab"|require\("tslab"\)/), ["notebook/charts.ts"]);
});
