import type { AcceptedEvent } from "./enrich";

/**
 * Cloudflare Queues limits: a message is at most 128 KB and one `sendBatch` call at most 100
 * messages and 256 KB. Events are packed into as few messages as fit, and messages into as few
 * `sendBatch` calls as fit, with headroom for the envelope and the platform's own overhead.
 */
export const MAX_MESSAGE_BYTES = 126 * 1024;
export const MAX_SEND_BATCH_BYTES = 240 * 1024;
export const MAX_SEND_BATCH_MESSAGES = 100;

/** The body of one EVENTS queue message. `v` lets the consumer refuse shapes it cannot read. */
export interface EventsMessage {
  v: 1;
  events: AcceptedEvent[];
}

export interface PackedMessage {
  body: EventsMessage;
  bytes: number;
}

const encoder = new TextEncoder();
const ENVELOPE_BYTES = encoder.encode(JSON.stringify({ v: 1, events: [] })).byteLength;

export function packEventsIntoMessages(events: AcceptedEvent[]): PackedMessage[] {
  const messages: PackedMessage[] = [];
  let current: AcceptedEvent[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const event of events) {
    const size = encoder.encode(JSON.stringify(event)).byteLength;
    if (current.length > 0 && bytes + 1 + size > MAX_MESSAGE_BYTES) {
      messages.push({ body: { v: 1, events: current }, bytes });
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    bytes += size + (current.length > 0 ? 1 : 0); // the comma between events
    current.push(event);
  }
  if (current.length > 0) messages.push({ body: { v: 1, events: current }, bytes });
  return messages;
}

/** Groups packed messages into `sendBatch` calls within the per-call limits. */
export function groupIntoSendBatches(messages: PackedMessage[]): PackedMessage[][] {
  const calls: PackedMessage[][] = [];
  let current: PackedMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const full = current.length >= MAX_SEND_BATCH_MESSAGES || bytes + message.bytes > MAX_SEND_BATCH_BYTES;
    if (current.length > 0 && full) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.bytes;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}
