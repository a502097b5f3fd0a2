/**
 * Hostile cases for the store: damaged journals stay finishable, nothing the tools do deletes
 * or overwrites captured data, only regular files are read (with a size guard), metadata is
 * checked on load.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../lib/cli/main";
import { JournalWriter, type JournalHeaderMeta } from "../lib/store/journal";
import { finishJournal, recoverJournal } from "../lib/store/finish";
import { readWholeFile } from "../lib/store/files";
import { listSamples } from "../lib/store/list";
import { recoverOrphanJournals } from "../lib/store/orphans";
import { loadSample } from "../lib/store/read";
import { saveSample } from "../lib/store/write";
import { SampleFileError } from "../lib/errors";
import { BUNDLED, makeTempDir } from "./helpers";

const HEADER: JournalHeaderMeta = {
  library: { name: "streamlab", version: "0.1.0" },
  source: { kind: "live", wsBaseUrl: "wss://fstream.binance.com" },
  symbols: ["BTCUSDT"],
  streams: ["btcusdt@trade"],
  startedAt: "2026-01-01T00:00:00.000Z",
};
const TEMP = makeTempDir();
const freshDir = () => fs.mkdtempSync(path.join(TEMP, "safety-"));
const trade = (t: number) => `{"stream":"btcusdt@trade","data":{"e":"trade","E":${1000 + t},"T":${1000 + t},"s":"BTCUSDT","t":${t},"p":"1.0","q":"1","X":"MARKET","m":false}}`;

function sink(): { stream: NodeJS.WritableStream; text(): string } {
  const chunks: string[] = [];
  return { stream: { write: (chunk: string) => (chunks.push(String(chunk)), true) } as unknown as NodeJS.WritableStream, text: () => chunks.join("") };
}

/** A journal with good trades 1..6 and two bad lines that start like the subscribed stream's messages. */
function damagedJournal(dir: string, name: string): string {
  const journal = JournalWriter.create(dir, name, HEADER);
  for (const t of [1, 2, 3]) journal.appendFrame(trade(t), t);
  journal.close();
  fs.appendFileSync(journal.file, '{"localTimestamp":4,"stream":"btcusdt@trade","data":{"e":"tra\n');
  fs.appendFileSync(journal.file, '{"localTimestamp":5,"stream":"btcusdt@trade"}\n');
  for (const t of [4, 5, 6]) fs.appendFileSync(journal.file, `{"localTimestamp":${t + 2},${trade(t).slice(1)}\n`);
  return journal.file;
}

test("a journal with malformed lines (cut JSON, no data) is recovered: good messages kept, bad lines quoted in events, the journal kept", () => {
  const dir = freshDir();
  const journal = damagedJournal(dir, "damaged");
  const original = fs.readFileSync(journal);
  const file = recoverJournal(journal);
  const sample = loadSample(file);
  assert.deepEqual(sample.messages.map((m) => (m.data as { t: number }).t), [1, 2, 3, 4, 5, 6]);
  const errors = sample.events.filter((e) => e.kind === "error").map((e) => e.detail ?? "");
  assert.equal(errors.length, 2);
  assert.match(errors[0], /^Line 5 of the journal could not be read and was left out .*"data":\{"e":"tra/);
  assert.match(errors[1], /^Line 6 of the journal could not be read and was left out .*is not a stream message/);
  assert.equal(fs.existsSync(journal), false);
  assert.deepEqual(fs.readFileSync(`${journal}.kept`), original, "the journal is kept, byte for byte, beside the sample");
  assert.deepEqual(listSamples(dir).map((s) => s.name), ["damaged.jsonl"], "the kept journal is not listed or recovered again");
});

test("recover never overwrites: an existing sample of the same name stays, the recovered one is written beside with a suffix", () => {
  const dir = freshDir();
  const existing = saveSample(loadSample(path.join(BUNDLED, "btcusdt-trade.json")).messages, { dir, name: "twin" });
  const before = fs.readFileSync(existing);
  const journal = JournalWriter.create(dir, "twin", HEADER);
  journal.appendFrame(trade(1), 1);
  journal.close();
  const first = recoverJournal(journal.file);
  assert.equal(first, path.join(dir, "twin-recovered.jsonl"));
  assert.deepEqual(fs.readFileSync(existing), before);
  const again = JournalWriter.create(dir, "twin", HEADER);
  again.appendFrame(trade(2), 2);
  again.close();
  assert.equal(finishJournal(again.file), path.join(dir, "twin-recovered-2.jsonl"));
  assert.equal(loadSample(first).count, 1);
});

test("recover of a folder goes on past a journal it cannot read, reports it, and exits non-zero", async () => {
  const dir = freshDir();
  fs.mkdirSync(path.join(dir, "a.partial.jsonl")); // not a file: cannot be read
  damagedJournal(dir, "b");
  const good = JournalWriter.create(dir, "c", HEADER);
  good.appendFrame(trade(1), 1);
  good.close();
  const out = sink();
  const err = sink();
  const status = await main(["recover", dir], out.stream, err.stream);
  assert.equal(status, 2);
  assert.deepEqual(out.text().trim().split("\n"), [path.join(dir, "b.jsonl"), path.join(dir, "c.jsonl")]);
  assert.match(err.text(), /streamlab: .*a\.partial\.jsonl is a folder, not a regular file.* \[NOT_A_FILE\]/);
  assert.match(err.text(), /warning: 2 unreadable line\(s\) of .*b\.partial\.jsonl were left out of b\.jsonl .* kept as .*b\.partial\.jsonl\.kept/);
  assert.ok(fs.existsSync(path.join(dir, "a.partial.jsonl")), "what could not be read is left as it was");
});

test("a journal whose capture is still running is not recovered (JOURNAL_IN_USE), unless forced", async () => {
  const dir = freshDir();
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
  try {
    const journal = JournalWriter.create(dir, "live", HEADER, { pid: child.pid as number, host: os.hostname() });
    journal.appendFrame(trade(1), 1);
    journal.close();
    assert.throws(() => recoverJournal(journal.file), /still being written by process \d+/);
    assert.deepEqual(recoverOrphanJournals(dir), [], "the next capture leaves it alone");
    const err = sink();
    assert.equal(await main(["recover", dir], sink().stream, err.stream), 0);
    assert.match(err.text(), /skipped: Journal .*live\.partial\.jsonl is still being written/);
    assert.equal(await main(["recover", journal.file, "--force"], sink().stream, sink().stream), 0);
    assert.ok(fs.existsSync(path.join(dir, "live.jsonl")));
  } finally {
    child.kill();
  }
});

test("a journal whose writer is gone (a killed capture, a restarted kernel) is finished by the next capture's orphan check", () => {
  const dir = freshDir();
  const journal = JournalWriter.create(dir, "orphan", HEADER, { pid: 2 ** 22 + 12345, host: os.hostname() });
  journal.appendFrame(trade(1), 1);
  journal.close();
  const [outcome] = recoverOrphanJournals(dir);
  assert.equal(outcome.result?.file, path.join(dir, "orphan.jsonl"));
  assert.equal(loadSample(path.join(dir, "orphan.jsonl")).complete, false);
});

test("list reads only regular files: a FIFO, a link to a device and a folder are skipped at once; big files are not read whole", { timeout: 20_000 }, () => {
  const dir = freshDir();
  saveSample(loadSample(path.join(BUNDLED, "btcusdt-trade.json")).messages, { dir, name: "good" });
  execFileSync("mkfifo", [path.join(dir, "pipe.json")]);
  fs.symlinkSync("/dev/zero", path.join(dir, "zero.json"));
  fs.mkdirSync(path.join(dir, "folder.json"));
  const started = Date.now();
  assert.deepEqual(listSamples(dir).map((s) => s.name), ["good.jsonl"]);
  assert.ok(Date.now() - started < 5000);
  for (const name of ["pipe.json", "zero.json", "folder.json"]) {
    assert.throws(() => loadSample(path.join(dir, name)), (error: SampleFileError) => {
      assert.equal(error.code, "NOT_A_FILE", name);
      assert.match(error.message, /not a regular file/);
      return true;
    });
  }
  const big = path.join(dir, "big.json");
  fs.writeFileSync(big, "[");
  fs.truncateSync(big, 2048);
  assert.throws(() => readWholeFile(big, 1024), (error: SampleFileError) => error.code === "FILE_TOO_LARGE" && /read whole into memory/.test(error.message));
});

test("metadata is checked on load and by inspect: a bad field is named with its file, not a TypeError", async () => {
  const dir = freshDir();
  const file = saveSample(loadSample(path.join(BUNDLED, "btcusdt-trade.json")).messages, { dir, name: "meta" });
  const [header, ...rest] = fs.readFileSync(file, "utf8").split("\n");
  const broken = JSON.parse(header);
  broken.meta.firstEventTime = "noon";
  fs.writeFileSync(file, [JSON.stringify(broken), ...rest].join("\n"));
  const err = sink();
  assert.equal(await main(["inspect", file], sink().stream, err.stream), 2);
  assert.match(err.text(), /^streamlab: The header of .*meta\.jsonl has firstEventTime "noon": expected a number\. \[INVALID_META\]\n$/);
  assert.deepEqual(listSamples(dir), [], "a sample whose metadata does not hold up is not listed");
});
