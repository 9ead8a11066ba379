import type { AcceptedEvent } from "../../../src/spec/accepted-event";
import type { EventsMessage } from "../../../src/queues/pack-events";

export function acceptedEvent(sourceId: string, messageId: string, overrides: Partial<AcceptedEvent> = {}): AcceptedEvent {
  const now = new Date().toISOString();
  return {
    type: "track",
    event: "Order Completed",
    userId: "user-1",
    messageId,
    receivedAt: now,
    timestamp: now,
    projectId: sourceId,
    context: {},
    ...overrides,
  };
}

export function eventsMessage(events: AcceptedEvent[]): EventsMessage {
  return { v: 1, events };
}

export const uniqueId = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
