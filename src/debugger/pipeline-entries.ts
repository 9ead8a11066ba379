import type { ProtocolViolation } from "../protocols/json-schema-violations";
import type { AcceptedEvent } from "../spec/accepted-event";
import type { DeliveriesMessage, DeliveryDecision } from "../destinations/consume-deliveries";
import type { DebuggerEntry, DeliveryJourney, JourneyUpdate, PlanVerdict } from "./entry";

/** What the EVENTS consumer saw of one event, for the debugger (src/pipeline/consume-events.ts). */
export interface SeenEvent {
  received: AcceptedEvent;
  /** The queue message that carried it: a duplicate's entry is per carrier, so a redelivery merges. */
  owner: string;
  duplicate: boolean;
  blocked: string | null;
  violations: ProtocolViolation[];
  forwarded: boolean;
  /** In the archive, by this delivery or an earlier one of the same message. */
  archived: boolean;
}

function verdictOf(event: SeenEvent): PlanVerdict {
  if (event.forwarded) return "not-checked";
  if (event.blocked !== null) return "blocked";
  return event.violations.length > 0 ? "violated" : "passed";
}

/** The consumer's view of a batch as debugger entries: accepted events by messageId, duplicates per carrier. */
export function entriesFromPipeline(events: readonly SeenEvent[]): DebuggerEntry[] {
  return events.map((seen) => {
    const { received } = seen;
    const base = { messageId: received.messageId, sourceId: received.projectId, receivedAt: received.receivedAt, event: received };
    if (seen.duplicate) return { ...base, id: `${received.messageId}#duplicate#${seen.owner}`, kind: "duplicate", journey: {} };
    return {
      ...base,
      id: received.messageId,
      kind: "accepted",
      journey: { plan: { verdict: verdictOf(seen), violations: seen.violations }, blocked: seen.blocked, archived: seen.archived },
    };
  });
}

/**
 * What one DELIVERIES message did to each of its events, as journey updates: discarded (the
 * destination is gone or disabled), failed (dead-lettered), retrying, or else delivered.
 */
export function deliveryJourneys(message: DeliveriesMessage, decision: DeliveryDecision): (JourneyUpdate & { sourceId: string })[] {
  const attempts = message.attempts + 1;
  const failed = new Map(decision.deadLetters.map(({ event, reason }) => [event.messageId, reason]));
  const retrying = new Set(decision.retry?.message.events.map((event) => event.messageId));
  return message.events.map((event) => {
    let delivery: DeliveryJourney;
    if (decision.discarded) delivery = { status: "discarded", attempts, outcome: decision.discarded.reason };
    else if (failed.has(event.messageId)) delivery = { status: "failed", attempts, outcome: failed.get(event.messageId)! };
    else if (retrying.has(event.messageId)) delivery = { status: "retrying", attempts, outcome: `retried in ${decision.retry!.delaySeconds} s` };
    else delivery = { status: "delivered", attempts, outcome: "delivered" };
    return { sourceId: event.projectId, messageId: event.messageId, journey: { deliveries: { [message.destinationId]: delivery } } };
  });
}

/** Groups items by their source, so each source's DebuggerObject gets one call. */
export function bySource<T extends { sourceId: string }>(items: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const group = grouped.get(item.sourceId);
    if (group) group.push(item);
    else grouped.set(item.sourceId, [item]);
  }
  return grouped;
}
