import type { AcceptedEvent } from "../ingest/enrich";
import type { ProtocolViolation } from "./json-schema-violations";
import type { SchemaSettings } from "./schema-settings";

/**
 * Protocols forwarding (Segment: "Forward blocked events", "Forward violations"): a blocked event
 * goes, as it was sent, to the source named in `forwardingBlockedEventsTo`; every JSON Schema
 * violation becomes a `Violation Generated` track call from `userId: "schema-violations"` to the
 * source named in `forwardingViolationsTo`, in Segment's payload shape. Message ids derive from
 * the original's, so forwarding twice (a redelivery) is deduplicated downstream.
 */
export function forwardedEvents(
  received: AcceptedEvent,
  outcome: { blocked: string | null; violations: readonly ProtocolViolation[] },
  settings: SchemaSettings,
  plan: { id: string } | null,
): AcceptedEvent[] {
  const forwards: AcceptedEvent[] = [];
  const from = received.projectId;
  if (outcome.blocked && settings.forwardingBlockedEventsTo) {
    forwards.push({ ...received, projectId: settings.forwardingBlockedEventsTo, messageId: `blocked-${received.messageId}`, forwardedFromProject: from } as AcceptedEvent);
  }
  if (settings.forwardingViolationsTo) {
    const record = received as unknown as Record<string, unknown>;
    const schemaViolations = outcome.violations.filter((violation) => !violation.type.startsWith("Unplanned"));
    schemaViolations.forEach((violation, index) => {
      forwards.push({
        type: "track",
        event: "Violation Generated",
        userId: "schema-violations",
        messageId: `sch-${received.messageId}-${index}`,
        projectId: settings.forwardingViolationsTo!,
        receivedAt: received.receivedAt,
        timestamp: received.receivedAt,
        forwardedFromProject: from,
        context: { library: { name: "sluice-protocols", version: "1" } },
        integrations: {},
        properties: {
          eventMessageID: received.messageId,
          eventName: typeof record.event === "string" ? record.event : typeof record.name === "string" ? record.name : "",
          eventSentAt: typeof record.sentAt === "string" ? record.sentAt : "",
          eventTimestamp: received.timestamp,
          eventType: received.type,
          sourceID: from,
          trackingPlanID: plan?.id ?? "",
          violationDescription: violation.description,
          violationField: violation.field,
          violationType: violation.type,
        },
      } as AcceptedEvent);
    });
  }
  return forwards;
}
