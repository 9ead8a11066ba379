import type { AcceptedEvent } from "../spec/accepted-event";
import { MAX_MESSAGE_BYTES, packBySize } from "./pack-by-size";
import type { SizedMessage } from "./send-messages";
import { utf8Length } from "./utf8-length";

/**
 * The body of one EVENTS (and IDENTITY) queue message. `v` lets the consumer refuse shapes it
 * cannot read (`src/pipeline/events-message.ts` decodes it). It travels as JSON text the sender
 * built from each event's one serialization (contentType "text"); messages queued by earlier
 * versions carry the object itself (contentType "json"), and the consumer reads both.
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

/** An event with its JSON, serialized once: the edge sizes it, packs it and queues that text. */
export interface SerializedEvent {
  event: AcceptedEvent;
  json: string;
  /** UTF-8 bytes of `json`. */
  bytes: number;
}

/** The JSON text of an `EventsMessage`. */
export type PackedMessage = SizedMessage<string>;

export function serializeEvent(event: AcceptedEvent): SerializedEvent {
  const json = JSON.stringify(event);
  return { event, json, bytes: utf8Length(json) };
}

/**
 * EVENTS messages under the queue's size limit, each the JSON text of an `EventsMessage` joined
 * from its events' own JSON: nothing is serialized again, here or by the queue.
 */
export function packEventsIntoMessages(events: readonly SerializedEvent[], options: { forwarded?: true } = {}): PackedMessage[] {
  // Plain ASCII, so characters are bytes.
  const head = options.forwarded ? '{"v":1,"forwarded":true,"events":[' : '{"v":1,"events":[';
  const tail = "]}";
  return packBySize(events, (event) => event.bytes, head.length + tail.length, MAX_MESSAGE_BYTES).map(({ items, bytes }) => ({
    body: `${head}${items.map((event) => event.json).join(",")}${tail}`,
    bytes,
  }));
}
