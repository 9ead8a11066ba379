import type { SizedMessage } from "../queues/send-messages";
import type { AcceptedEvent } from "./enrich";

/**
 * Cloudflare Queues limits a message to 128 KB, counted in decimal (128,000 bytes: Miniflare's
 * broker refuses 128,001). Events are packed into as few messages as fit, with headroom for
 * the platform's own framing.
 */
export const MAX_MESSAGE_BYTES = 120_000;

/** The body of one EVENTS queue message. `v` lets the consumer refuse shapes it cannot read. */
export interface EventsMessage {
  v: 1;
  events: AcceptedEvent[];
}

export type PackedMessage = SizedMessage<EventsMessage>;

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
