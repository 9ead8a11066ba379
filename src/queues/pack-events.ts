import type { AcceptedEvent } from "../spec/accepted-event";
import { packBySize } from "./pack-by-size";
import type { SizedMessage } from "./send-messages";

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
  /**
   * Set only by the consumer when it forwards events to another source (Protocols' blocked-event
   * and violation forwarding): they skip that source's plan, as Segment's forwarded events do.
   * Ingest never sets it, so no client can skip a plan.
   */
  forwarded?: true;
}

export type PackedMessage = SizedMessage<EventsMessage>;

const encoder = new TextEncoder();
const envelopeBytes = (options: object) => encoder.encode(JSON.stringify({ v: 1, events: [], ...options })).byteLength;

export function packEventsIntoMessages(events: AcceptedEvent[], options: { forwarded?: true } = {}): PackedMessage[] {
  return packBySize(events, (event) => encoder.encode(JSON.stringify(event)).byteLength, envelopeBytes(options), MAX_MESSAGE_BYTES).map(({ items, bytes }) => ({
    body: { v: 1, events: items, ...options },
    bytes,
  }));
}
