/** Store-test helpers: format-1 sample documents, as streamlab wrote them before format 2. */
import { buildSampleMeta } from "../lib/store/meta";
import type { StoredDepthSnapshot, StoredMessage } from "../lib/store/sample-format";

/**
 * The text of a format-1 sample (`.json`, one document) holding `messages`, laid out as the old
 * writer did: metadata, gaps, events, snapshots, then one message per line.
 */
export function formatOneSampleText(messages: readonly StoredMessage[], snapshots: readonly StoredDepthSnapshot[] = []): string {
  const meta = { ...buildSampleMeta(messages, { source: { kind: "recording" } }), formatVersion: 1 };
  const { gaps, events, ...head } = meta;
  const lines = messages.map((m) => JSON.stringify({ localTimestamp: m.localTimestamp, stream: m.stream, data: m.data }));
  return (
    JSON.stringify(head).slice(0, -1) +
    `,\n"gaps":${JSON.stringify(gaps)},\n"events":${JSON.stringify(events)},\n"snapshots":${JSON.stringify(snapshots)},\n"messages":[\n${lines.join(",\n")}\n]}\n`
  );
}
