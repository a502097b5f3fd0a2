/**
 * Where a capture writes: the journal (the store: every message is on disk as it arrives, in
 * memory only its counts and id chains), split into several samples when `rotate` asks for it,
 * each part finished in the background into a complete sample (`<name>-0001.jsonl`,
 * `<name>-0002.jsonl`, …) while the capture goes on. A part ends between two lines, so nothing
 * is lost or repeated at a boundary, and the id chains carry over, so a gap across a boundary
 * is still found.
 */
import * as fs from "fs";
import * as path from "path";
import { finishJournalInBackground, type FinishedJournal } from "../store/finish";
import { JournalWriter, thisWriter, type JournalHeaderMeta } from "../store/journal";
import { SampleMetaBuilder } from "../store/meta";
import type { SequenceGap } from "../binance/sequence";
import type { CaptureEvent, SampleMeta, StoredDepthSnapshot } from "../store/sample-format";
import type { RotateOptions } from "./options";

/** What the journal's header says, except the part. */
export type RecorderHeader = Omit<JournalHeaderMeta, "part">;

/** A finished capture's files. */
export interface RecordedFiles {
  readonly files: readonly string[];
  readonly metas: readonly SampleMeta[];
}

/** The journal(s) of one capture. */
export class CaptureRecorder {
  private journal: JournalWriter;
  private builder = new SampleMetaBuilder();
  private partIndex: number;
  private partStartedAt = Date.now();
  private partStartedIso: string;
  private previousFile: string | null = null;
  private readonly openedUrls = new Set<string>();
  private readonly finishing: Promise<FinishedJournal>[] = [];
  private readonly finishedFiles: string[] = [];
  private bytesInFinishedParts = 0;
  private gapsInFinishedParts = 0;
  private messagesInFinishedParts = 0;

  constructor(
    private readonly outDir: string,
    private readonly name: string,
    private readonly header: RecorderHeader,
    private readonly rotate: RotateOptions | undefined,
  ) {
    this.partIndex = rotate ? 1 : 0;
    this.partStartedIso = header.startedAt ?? new Date().toISOString();
    this.journal = this.openJournal();
  }

  private partName(): string {
    return this.partIndex === 0 ? this.name : `${this.name}-${String(this.partIndex).padStart(4, "0")}`;
  }

  private openJournal(): JournalWriter {
    const part = this.partIndex === 0 ? undefined : { index: this.partIndex, previous: this.previousFile };
    return JournalWriter.create(
      this.outDir,
      this.partName(),
      { ...this.header, startedAt: this.partStartedIso, ...(part ? { part } : {}) },
      thisWriter(),
    );
  }

  /** The journal being written. */
  get journalFile(): string {
    return this.journal.file;
  }

  /** Bytes in the current file, and in all files. */
  get fileBytes(): number {
    return this.journal.bytes;
  }

  get totalBytes(): number {
    return this.bytesInFinishedParts + this.journal.bytes;
  }

  /** Sequence gaps found so far, in every part. */
  get gapCount(): number {
    return this.gapsInFinishedParts + this.builder.gapCount;
  }

  /** Messages stored so far, in every part. */
  get messageCount(): number {
    return this.messagesInFinishedParts + this.builder.messageCount;
  }

  /** Sample files finished so far. */
  get files(): readonly string[] {
    return this.finishedFiles;
  }

  /** Appends a combined-stream message as received; returns the sequence gap it reveals, if any. */
  appendMessage(frame: string | Uint8Array, stream: string, data: unknown, localTimestamp: number): SequenceGap | null {
    this.maybeRotate();
    this.journal.appendFrame(frame, localTimestamp);
    return this.builder.addMessage(stream, data, localTimestamp);
  }

  /** Appends a REST depth snapshot. */
  appendSnapshot(snapshot: Omit<StoredDepthSnapshot, "messageIndex">): void {
    this.journal.appendSnapshot(snapshot);
    this.builder.addSnapshot();
  }

  /** Appends an event. */
  appendEvent(event: CaptureEvent): void {
    this.journal.appendEvent(event);
    this.builder.addEvent(event);
    if (event.kind === "open" && event.url) this.openedUrls.add(event.url);
  }

  /** Hands pending lines to the OS. */
  flush(): void {
    this.journal.flush();
  }

  /** Starts a new part when the current one is old or big enough (`rotate`); called before each message and every tick. */
  maybeRotate(at?: number): void {
    if (!this.rotate || this.builder.messageCount === 0) return;
    const now = at ?? Date.now();
    const tooOld = this.rotate.everyMs !== undefined && now - this.partStartedAt >= this.rotate.everyMs;
    const tooBig = this.rotate.maxBytes !== undefined && this.journal.bytes >= this.rotate.maxBytes;
    if (!tooOld && !tooBig) return;
    const endedAt = new Date(now).toISOString();
    const event: CaptureEvent = {
      localTimestamp: now,
      kind: "rotate",
      detail: `Part ${this.partIndex} ends (${tooBig ? `${this.journal.bytes} bytes` : `after ${Math.round((now - this.partStartedAt) / 1000)} s`}); part ${this.partIndex + 1} starts.`,
    };
    this.appendEvent(event);
    this.startFinishing(this.meta({ endedAt, complete: true }));
    this.previousFile = `${this.partName()}.jsonl`;
    this.bytesInFinishedParts += this.journal.bytes;
    this.gapsInFinishedParts += this.builder.gapCount;
    this.messagesInFinishedParts += this.builder.messageCount;
    this.partIndex++;
    this.partStartedAt = now;
    this.partStartedIso = endedAt;
    this.builder = new SampleMetaBuilder(this.builder);
    this.journal = this.openJournal();
  }

  private meta(extra: { endedAt: string | null; complete: boolean }): SampleMeta {
    const part = this.partIndex === 0 ? undefined : { index: this.partIndex, previous: this.previousFile };
    return this.builder.build(
      {
        source: { ...this.header.source, urls: [...new Set([...(this.header.source.urls ?? []), ...this.openedUrls])] },
        library: this.header.library,
        symbols: this.header.symbols,
        streams: this.header.streams,
        startedAt: this.partStartedIso,
        ...extra,
        ...(part ? { part } : {}),
      },
      true,
    );
  }

  private startFinishing(meta: SampleMeta): void {
    this.journal.close();
    const task = finishJournalInBackground(this.journal.file, { meta, endedAt: meta.endedAt, complete: meta.complete });
    task.then((finished) => this.finishedFiles.push(finished.file)).catch(() => undefined);
    this.finishing.push(task);
  }

  /** Closes the last part and finishes every part; resolves with the sample files in order. */
  async finish(complete: boolean, events: readonly CaptureEvent[] = []): Promise<RecordedFiles> {
    for (const event of events) this.appendEvent(event);
    this.startFinishing(this.meta({ endedAt: new Date().toISOString(), complete }));
    const finished = await Promise.all(this.finishing);
    return { files: finished.map((part) => part.file), metas: finished.map((part) => part.meta) };
  }

  /** Closes and removes the journal when nothing at all was captured (no empty sample is left behind). */
  discardIfEmpty(): boolean {
    if (this.partIndex > 1 || this.builder.messageCount > 0) return false;
    this.journal.close();
    fs.unlinkSync(this.journal.file);
    return true;
  }

  /** The folder written into. */
  get folder(): string {
    return path.resolve(this.outDir);
  }
}
