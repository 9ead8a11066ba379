import type { AcceptedEvent } from "../spec/accepted-event";
import { packIntoMessages } from "./pack-by-size";
import type { SizedMessage } from "./send-messages";

/**
 * The body of one EVENTS (and IDENTITY) queue message. `v` lets the consumer refuse shapes it
 * cannot read (`src/pipeline/events-message.ts` decodes it).
 */
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

export function packEventsIntoMessages(events: AcceptedEvent[], options: { forwarded?: true } = {}): PackedMessage[] {
  return packIntoMessages(events, (items): EventsMessage => ({ v: 1, events: items, ...options }));
}
