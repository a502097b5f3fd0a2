/**
 * Finishing capture journals: a journal (`.partial.jsonl`) becomes a format-2 sample (`.jsonl`)
 * next to it: the header line (complete metadata), then the journal's lines copied byte for byte,
 * then the events of the finish, written to a temp file, fsynced and linked into place. Memory
 * stays bounded whatever the journal's size: it is read twice, line by line (once for the
 * metadata, unless the capture hands it over, once to copy).
 *
 * Nothing here deletes or overwrites captured data: an existing sample of the same name gets a
 * `-recovered` suffix instead, a journal is removed only once its sample is on disk, and a
 * journal with unreadable lines is kept (renamed `*.partial.jsonl.kept`) beside its sample.
 */
import * as fs from "fs";
import * as path from "path";
import { InvalidArgumentError, SampleFileError, excerpt } from "../errors";
import { readLines } from "./files";
import { JOURNAL_SUFFIX, isJournalInUse, type JournalHeaderMeta, type JournalWriterInfo } from "./journal";
import { SampleMetaBuilder } from "./meta";
import { parseLine, sourceOfJournal, truncatedTailEvent } from "./read";
import { MAX_HEADER_EVENTS, SAMPLE_SUFFIX, type CaptureEvent, type SampleMeta, type SamplePart } from "./sample-format";
import { AtomicFile, eventLine, sampleHeaderLine, syncFolder } from "./write";

/** Options of `finishJournal`. */
export interface FinishJournalOptions {
  /** ISO end time; default now, `null` when unknown. */
  endedAt?: string | null;
  /** Whether the capture got what it asked for. Default true. */
  complete?: boolean;
  /** Events to add after the journal's own (written as lines at the end). */
  events?: readonly CaptureEvent[];
  /**
   * The metadata the capture built while writing the journal (counts, gaps, events); when
   * given, the journal is read only once, to copy it. `endedAt`, `complete` and `events` still apply.
   */
  meta?: SampleMeta;
  /** The sample's name without extension; default the journal's. */
  name?: string;
  /** Finish even though the journal's writer seems to be running. Default false. */
  force?: boolean;
}

/** What `finishJournalSteps` produced. */
export interface FinishedJournal {
  /** The sample written. */
  readonly file: string;
  readonly meta: SampleMeta;
  /** Lines of the journal that could not be read and were left out (they stay in `keptJournal`). */
  readonly skippedLines: number;
  /** Where the journal was kept (it had unreadable lines), or null when it was removed. */
  readonly keptJournal: string | null;
}

/** How many lines are copied between two yields of `finishJournalSteps`. */
const LINES_PER_STEP = 5000;

interface Scan {
  header: JournalHeaderMeta | null;
  writer: JournalWriterInfo | null;
  builder: SampleMetaBuilder;
  openedUrls: string[];
  skipped: Set<number>;
  extraEvents: CaptureEvent[];
}

/** First pass: the metadata, every unreadable line noted (left out, with an event quoting it). */
function* scanJournal(journalFile: string, scan: Scan): Generator<void> {
  let n = 0;
  for (const line of readLines(journalFile)) {
    if (++n % LINES_PER_STEP === 0) yield;
    if (line.text.trim() === "") {
      scan.skipped.add(line.number);
      continue;
    }
    try {
      const record = parseLine(line.text, line.number, journalFile);
      if (record.kind === "journal-header") {
        scan.header = record.meta;
        scan.writer = record.writer;
        scan.skipped.add(line.number);
      } else if (record.kind === "sample-header") {
        throw new SampleFileError("CORRUPT_LINE", `Line 1 of ${journalFile} is a sample header, not a journal header.`, journalFile);
      } else if (record.kind === "message") {
        scan.builder.addMessage(record.message.stream, record.message.data, record.message.localTimestamp);
      } else if (record.kind === "snapshot") {
        scan.builder.addSnapshot();
      } else {
        scan.builder.addEvent(record.event);
        if (record.event.kind === "open" && record.event.url) scan.openedUrls.push(record.event.url);
      }
    } catch (error) {
      if (!(error instanceof SampleFileError)) throw error;
      scan.skipped.add(line.number);
      if (line.last && !line.terminated) scan.extraEvents.push(truncatedTailEvent());
      else
        scan.extraEvents.push({
          localTimestamp: Date.now(),
          kind: "error",
          detail: `Line ${line.number} of the journal could not be read and was left out (${error.message.replace(/^Line \d+ of \S+ /, "")}): ${excerpt(line.text, 200)}`,
        });
    }
  }
}

/** A free sample path for `name` in `dir`: `<name>.jsonl`, else `<name>-recovered.jsonl`, `-recovered-2`, … */
function candidateFiles(dir: string, name: string): string[] {
  const names = [name, `${name}-recovered`];
  for (let n = 2; n <= 1000; n++) names.push(`${name}-recovered-${n}`);
  return names.map((candidate) => path.join(dir, candidate + SAMPLE_SUFFIX));
}

/**
 * Finishes a journal step by step: a generator that yields every few thousand lines, so a
 * capture can finish a large journal without blocking its connections (`finishJournalInBackground`),
 * and `finishJournal` runs it in one go. Throws `NOT_A_JOURNAL` for another file, `JOURNAL_IN_USE`
 * when the capture writing it is still running (unless `force`).
 */
export function* finishJournalSteps(journalFile: string, options: FinishJournalOptions = {}): Generator<void, FinishedJournal> {
  if (!journalFile.endsWith(JOURNAL_SUFFIX)) {
    throw new InvalidArgumentError(
      "NOT_A_JOURNAL",
      `File ${journalFile} is not a capture journal: expected a name ending in ${JOURNAL_SUFFIX}.`,
    );
  }
  const scan: Scan = { header: null, writer: null, builder: new SampleMetaBuilder(), openedUrls: [], skipped: new Set(), extraEvents: [] };
  let meta: SampleMeta;
  const endedAt = options.endedAt === undefined ? new Date().toISOString() : options.endedAt;
  const extra = [...(options.events ?? [])];
  if (options.meta) {
    scan.skipped.add(1); // the journal's header, which the capture wrote

    const events = [...options.meta.events, ...extra];
    const counts: Record<string, number> = { ...(options.meta.eventCounts ?? {}) };
    for (const event of extra) counts[event.kind] = (counts[event.kind] ?? 0) + 1;
    meta = { ...options.meta, endedAt, complete: options.complete ?? true, events, eventCounts: counts };
  } else {
    yield* scanJournal(journalFile, scan);
    if (!options.force && isJournalInUse(journalFile, scan.writer)) {
      throw new InvalidArgumentError(
        "JOURNAL_IN_USE",
        `Journal ${journalFile} is still being written by process ${scan.writer?.pid ?? process.pid}${scan.writer ? ` on ${scan.writer.host}` : ""}: stop that capture first (it finishes its own journal).`,
      );
    }
    if (scan.header === null)
      scan.extraEvents.unshift({
        localTimestamp: Date.now(),
        kind: "error",
        detail: "The journal had no readable header line: its source, streams and start time are unknown.",
      });
    extra.push(...scan.extraEvents);
    for (const event of extra) scan.builder.addEvent(event);
    const header = scan.header;
    const part: SamplePart | undefined = header?.part;
    meta = scan.builder.build(
      {
        source: sourceOfJournal(header, scan.openedUrls, { kind: "recording" }),
        library: header?.library,
        symbols: header?.symbols,
        streams: header?.streams,
        startedAt: header?.startedAt ?? null,
        endedAt,
        complete: options.complete ?? true,
        ...(part ? { part } : {}),
      },
      true,
    );
  }
  const headerLine = sampleHeaderLine({ ...meta, events: meta.events.slice(0, MAX_HEADER_EVENTS) });
  const dir = path.dirname(journalFile);
  const name = options.name ?? path.basename(journalFile).slice(0, -JOURNAL_SUFFIX.length);
  let file: string | null = null;
  for (const candidate of candidateFiles(dir, name)) {
    if (fs.existsSync(candidate)) continue;
    const out = new AtomicFile(candidate);
    try {
      out.write(headerLine + "\n");
      for (const line of readLines(journalFile)) {
        if (scan.skipped.has(line.number)) continue;
        out.write(line.text + "\n");
        if (line.number % LINES_PER_STEP === 0) yield;
      }
      for (const event of extra) out.write(eventLine(event) + "\n");
    } catch (error) {
      out.abort();
      throw error;
    }
    try {
      out.commit({ noClobber: true });
      file = candidate;
      break;
    } catch (error) {
      if ((error as InvalidArgumentError).code !== "SAMPLE_EXISTS") throw error;
    }
  }
  if (file === null)
    throw new InvalidArgumentError("SAMPLE_EXISTS", `Every sample name for ${journalFile} is taken: move some samples away first.`);
  let keptJournal: string | null = null;
  const skippedLines = [...scan.skipped].filter((n) => n !== 1).length;
  if (skippedLines > 0 && !options.meta) {
    keptJournal = `${journalFile}.kept`;
    for (let n = 2; fs.existsSync(keptJournal); n++) keptJournal = `${journalFile}.kept-${n}`;
    fs.renameSync(journalFile, keptJournal);
  } else {
    fs.unlinkSync(journalFile);
  }
  syncFolder(dir);
  const { eventCounts: _c, ...loadable } = meta;
  return { file, meta: { ...loadable, eventCounts: meta.eventCounts }, skippedLines, keptJournal };
}

/**
 * Turns a capture journal into a format-2 sample next to it (`<name>.jsonl`, or
 * `<name>-recovered.jsonl` when that exists) and removes the journal (keeps it as
 * `*.partial.jsonl.kept` when some lines could not be read). Message lines are copied byte for
 * byte. Returns the sample's path.
 */
export function finishJournal(journalFile: string, options: FinishJournalOptions = {}): string {
  return runSteps(finishJournalSteps(journalFile, options)).file;
}

/** `finishJournal`, yielding to the event loop every few thousand lines. */
export async function finishJournalInBackground(journalFile: string, options: FinishJournalOptions = {}): Promise<FinishedJournal> {
  const steps = finishJournalSteps(journalFile, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Finishes an unfinished capture's journal as an incomplete sample (`complete: false`, no end
 * time) and returns the sample's path. Unreadable lines are left out and quoted in events; a
 * journal still being written is refused (`JOURNAL_IN_USE`).
 */
export function recoverJournal(journalFile: string, options: { force?: boolean } = {}): string {
  return recoverJournalDetailed(journalFile, options).file;
}

/** `recoverJournal`, with what was skipped and kept. */
export function recoverJournalDetailed(journalFile: string, options: { force?: boolean } = {}): FinishedJournal {
  return runSteps(
    finishJournalSteps(journalFile, {
      complete: false,
      endedAt: null,
      force: options.force,
      events: [{ localTimestamp: Date.now(), kind: "stopped", detail: "Recovered from an unfinished capture journal." }],
    }),
  );
}
