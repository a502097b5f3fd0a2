/**
 * What a received frame is, checked before anything is stored: a combined-stream message
 * (`{"stream":"<name>","data":{…}}` exactly, so its bytes can be journaled as they came), a
 * control reply, a server error, or malformed (not JSON, cut off, no `data`, binary, another
 * shape). A malformed frame is reported as an event with its excerpt and never stored, so one
 * bad frame cannot make a journal unfinishable. Also the keys that tell two copies of one
 * message apart from two messages (ids `t`, `a`, `u`, else `E` plus the payload).
 */
import { isUtf8 } from "buffer";
import { excerpt } from "../errors";
import { controlErrorOf } from "../binance/control";
import type { SequenceKind } from "../binance/routes";
import { HEAD_FIELDS } from "../binance/sequence";
import { FrameScanner } from "./frame-scan";

/**
 * A frame, classified. A message's `data` holds what the capture reads of its payload: the
 * top-level members the id chains and the sample's metadata need (`HEAD_FIELDS`) when the fast
 * path read it, the whole payload otherwise (arrays, escapes, a symbol nested as in
 * `forceOrder`'s `o.s`). `dataStart` is where the payload starts in the frame (a byte index, or a
 * character index for a frame given as text; the same for Binance's ASCII stream names).
 */
export type ReceivedFrame =
  | { readonly kind: "message"; readonly stream: string; readonly data: unknown; readonly dataStart: number }
  | { readonly kind: "reply" }
  | { readonly kind: "server-error"; readonly code: unknown; readonly msg: unknown; readonly id: unknown }
  | { readonly kind: "malformed"; readonly detail: string };

const COMBINED_PREFIX = '{"stream":"';

/** The fast path: every frame Binance sends (no whitespace, no escapes) is read without `JSON.parse`. */
const scanner = new FrameScanner(HEAD_FIELDS);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Classifies one frame. A message must be exactly `{"stream":"<name>","data":<object or array>}`
 * (Binance's combined layout); a frame that starts like one but is cut off, lacks `data` or has
 * other keys is malformed. Binary frames are malformed (Binance sends text). A frame's bytes, as
 * ws hands them over, are read by the fast path (`frame-scan.ts`); what it cannot vouch for, and a
 * frame given as a string, is classified with `JSON.parse`, the reference.
 */
export function classifyFrame(frame: string | Buffer, isBinary: boolean): ReceivedFrame {
  if (typeof frame !== "string") {
    const scanned = isBinary ? null : scanner.scan(frame);
    if (scanned === null) {
      // The fast path accepts ASCII only; the socket does not check UTF-8 (connection.ts), so it is checked here.
      if (!isBinary && !isUtf8(frame))
        return {
          kind: "malformed",
          detail: `Not valid UTF-8 (a frame of ${frame.length} bytes): ${excerpt(JSON.stringify(frame.toString("utf8")), 120)}`,
        };
      return classifyFrame(frame.toString("utf8"), isBinary);
    }
    const data = scanned.head.s === undefined ? JSON.parse(frame.toString("utf8", scanned.dataStart, frame.length - 1)) : scanned.head;
    return { kind: "message", stream: scanned.stream, data, dataStart: scanned.dataStart };
  }
  const text = frame;
  if (isBinary)
    return {
      kind: "malformed",
      detail: `Binary frame of ${Buffer.byteLength(text)} bytes (market streams send text): ${excerpt(JSON.stringify(text), 120)}`,
    };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      kind: "malformed",
      detail: `Not JSON${text.startsWith(COMBINED_PREFIX) ? " (a message cut off or corrupted)" : ""}: ${excerpt(text)}`,
    };
  }
  if (isRecord(value) && typeof value.stream === "string") {
    const prefix = `{"stream":${JSON.stringify(value.stream)},"data":`;
    const keys = Object.keys(value);
    if (keys.length === 2 && (isRecord(value.data) || Array.isArray(value.data)) && text.startsWith(prefix) && text.endsWith("}")) {
      return { kind: "message", stream: value.stream, data: value.data, dataStart: prefix.length };
    }
    return {
      kind: "malformed",
      detail: `A message of ${value.stream} without the combined layout {"stream","data":{…}}: ${excerpt(text)}`,
    };
  }
  const serverError = controlErrorOf(value);
  if (serverError)
    return { kind: "server-error", code: serverError.code, msg: serverError.msg, id: isRecord(value) ? value.id : undefined };
  if (isRecord(value) && "id" in value && "result" in value) return { kind: "reply" };
  return { kind: "malformed", detail: `Not a combined-stream message: ${excerpt(text)}` };
}

/** How two copies of one stream's message are recognised. */
export interface FrameKey {
  /** The id that orders the stream's messages (`t`, `a`, `u`), or null for a stream without ids. */
  readonly id: number | null;
  /** The id field, or `"E"`. */
  readonly field: string;
  /** The event time `E`, when the payload has one. */
  readonly eventTime: number | null;
  /** Frame length and hash: equal for two copies of one message (computed when first asked for). */
  readonly digest: string;
  /** For depth: the previous update id `pu` and first update id `U`. */
  readonly previousId: number | null;
  readonly firstId: number | null;
}

/** 32-bit FNV-1a of a frame's text or bytes. */
function fnv1a(frame: string | Uint8Array): number {
  let hash = 0x811c9dc5;
  if (typeof frame === "string") {
    for (let i = 0; i < frame.length; i++) hash = Math.imul(hash ^ frame.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < frame.length; i++) hash = Math.imul(hash ^ frame[i], 0x01000193);
  }
  return hash >>> 0;
}

const ID_FIELD: Readonly<Record<SequenceKind, string>> = { tradeId: "t", aggTradeId: "a", depthChain: "u", bookUpdateId: "u" };

function numberOr(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** A key whose digest is only computed when a handover or a switch needs it. */
class LazyFrameKey implements FrameKey {
  private text: string | Uint8Array | null;
  private hashed: string | null = null;

  constructor(
    readonly id: number | null,
    readonly field: string,
    readonly eventTime: number | null,
    readonly previousId: number | null,
    readonly firstId: number | null,
    text: string | Uint8Array,
  ) {
    this.text = text;
  }

  get digest(): string {
    if (this.hashed === null) {
      const text = this.text ?? "";
      this.hashed = `${text.length}:${fnv1a(text).toString(36)}`;
      this.text = null;
    }
    return this.hashed;
  }
}

/**
 * The key of a message of a stream whose id chain is `sequence` (`null`: no ids). `text` is the
 * frame (its bytes, or its text), hashed for the digest only when it is asked for; two copies of one
 * stream's message have equal texts.
 */
export function frameKeyOf(data: unknown, text: string | Uint8Array, sequence: SequenceKind | null): FrameKey {
  const record = isRecord(data) ? data : null;
  const field = sequence ? ID_FIELD[sequence] : "E";
  const id = sequence && record ? numberOr(record[field]) : null;
  return new LazyFrameKey(
    id,
    id === null ? "E" : field,
    record ? numberOr(record.E) : null,
    sequence === "depthChain" && record ? numberOr(record.pu) : null,
    sequence === "depthChain" && record ? numberOr(record.U) : null,
    text,
  );
}
