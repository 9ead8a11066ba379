import type { DebuggerEntry } from "./entry";

/** What an open debugger receives: new or changed entries, whole, to put in place by `id`. */
export interface StreamMessage {
  type: "entries";
  entries: DebuggerEntry[];
}

/**
 * Kept well under the 1 MiB a Workers WebSocket message may carry; an entry is at most
 * MAX_ENTRY_BYTES, so a message holds at least a dozen.
 */
export const MAX_STREAM_MESSAGE_BYTES = 512 * 1024;

/** The entries as WebSocket messages (JSON text), in order, each under `maxBytes` where one entry allows. */
export function streamMessages(entries: readonly { entry: DebuggerEntry; bytes: number }[], maxBytes = MAX_STREAM_MESSAGE_BYTES): string[] {
  const messages: string[] = [];
  let part: DebuggerEntry[] = [];
  let bytes = 0;
  const flush = () => {
    if (part.length > 0) messages.push(JSON.stringify({ type: "entries", entries: part } satisfies StreamMessage));
    part = [];
    bytes = 0;
  };
  for (const { entry, bytes: size } of entries) {
    if (part.length > 0 && bytes + size > maxBytes) flush();
    part.push(entry);
    bytes += size;
  }
  flush();
  return messages;
}
