import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import {
  ConnectionError,
  DecodeError,
  ERROR_CLASSES,
  ERROR_CODES,
  EXIT_STATUS,
  InvalidArgumentError,
  SampleFileError,
  StreamlabError,
  UsageError,
  type ErrorClassName,
  type ErrorCode,
} from "../lib/errors";
import { PROJECT_ROOT } from "./helpers";

const LIB = path.join(PROJECT_ROOT, "lib");

function libSources(): { file: string; text: string }[] {
  return fs
    .readdirSync(LIB, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => ({ file: path.join("lib", file), text: fs.readFileSync(path.join(LIB, file), "utf8") }));
}

/** Rows of docs/errors.md's code table: `| \`CODE\` | Class | exit | meaning | what to do |`. */
function documentedCodes(): Map<string, { className: string; exit: number; meaning: string; todo: string }> {
  const rows = new Map<string, { className: string; exit: number; meaning: string; todo: string }>();
  const text = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "errors.md"), "utf8");
  for (const line of text.split("\n")) {
    const match = /^\| `([A-Z][A-Z_]*)` \| (\w+) \| (\d) \| (.+?) \| (.+?) \|$/.exec(line);
    if (!match) continue;
    assert.ok(!rows.has(match[1]), `${match[1]} is listed twice in docs/errors.md`);
    rows.set(match[1], { className: match[2], exit: Number(match[3]), meaning: match[4], todo: match[5] });
  }
  return rows;
}

test("docs/errors.md lists exactly the codes of ERROR_CODES, each with its class, exit status, meaning and what to do", () => {
  const documented = documentedCodes();
  assert.deepEqual([...documented.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, row] of documented) {
    const className = ERROR_CODES[code as ErrorCode];
    assert.equal(row.className, className, code);
    assert.equal(row.exit, EXIT_STATUS[ERROR_CLASSES[className]], code);
    assert.ok(row.meaning.trim().length > 10 && row.todo.trim().length > 5, `${code} has a meaning and a remedy`);
  }
});

test("docs/errors.md gives every class its category and exit status", () => {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "errors.md"), "utf8");
  for (const [className, category] of Object.entries(ERROR_CLASSES)) {
    assert.match(text, new RegExp(`^\\| \`${className}\` \\| ${category} \\| ${EXIT_STATUS[category]} \\|`, "m"), className);
  }
});

test('every `new XError("CODE"` in lib/ uses a code of that class, and every code is thrown somewhere', () => {
  const thrown = new Set<string>();
  let sites = 0;
  for (const { file, text } of libSources()) {
    if (file === path.join("lib", "errors.ts")) continue;
    for (const match of text.matchAll(/new (\w+Error)\(\s*"([A-Z_]+)"/g)) {
      const [, className, code] = match;
      if (!(className in ERROR_CLASSES)) continue;
      sites++;
      thrown.add(code);
      assert.equal(
        ERROR_CODES[code as ErrorCode],
        className,
        `${file}: new ${className}("${code}") — ${code} is ${ERROR_CODES[code as ErrorCode] ?? "not in ERROR_CODES"}`,
      );
    }
    // Codes passed through a helper (e.g. decode's fail("INVALID_DECIMAL", …)) are typed; count them as thrown.
    for (const match of text.matchAll(/"([A-Z][A-Z_]+[A-Z])"/g)) if (match[1] in ERROR_CODES) thrown.add(match[1]);
  }
  assert.ok(sites > 80, `found ${sites} throw sites`);
  assert.deepEqual(
    Object.keys(ERROR_CODES).filter((code) => !thrown.has(code)),
    [],
    "codes in ERROR_CODES that lib/ never uses",
  );
});

test("each class takes only its own codes and reports its category and exit status", () => {
  const cases: [StreamlabError, ErrorClassName, number][] = [
    [new UsageError("UNKNOWN_FLAG", "x"), "UsageError", 2],
    [new InvalidArgumentError("UNSAFE_FILE_NAME", "x"), "InvalidArgumentError", 2],
    [new SampleFileError("CORRUPT_SAMPLE", "x", "a.json"), "SampleFileError", 2],
    [new DecodeError("INVALID_DECIMAL", "x", "p", "1"), "DecodeError", 1],
    [new ConnectionError("CONNECT_FAILED", "x", "ws://127.0.0.1:9"), "ConnectionError", 1],
    [new StreamlabError("TIMEOUT", "x"), "StreamlabError", 1],
  ];
  for (const [error, className, exitStatus] of cases) {
    assert.ok(error instanceof StreamlabError && error instanceof Error);
    assert.equal(error.name, className);
    assert.equal(ERROR_CODES[error.code], className);
    assert.equal(error.category, ERROR_CLASSES[className]);
    assert.equal(error.exitStatus, exitStatus);
  }
  const cause = new Error("inner");
  assert.equal(new SampleFileError("CORRUPT_GZIP", "x", "a.gz", { cause }).cause, cause);
  if (false as boolean) {
    // Type checks only (tsc --noEmit): a code of another class does not compile.
    // @ts-expect-error FILE_NOT_FOUND is a SampleFileError code
    new InvalidArgumentError("FILE_NOT_FOUND", "x");
    // @ts-expect-error INVALID_BASE_URL is an InvalidArgumentError code
    new ConnectionError("INVALID_BASE_URL", "x", "ws://x");
    // @ts-expect-error UNKNOWN_STREAM_TYPE is not thrown by the base class itself
    new StreamlabError("UNKNOWN_STREAM_TYPE", "x");
    // @ts-expect-error free strings are not codes
    new UsageError("SOMETHING", "x");
  }
});
