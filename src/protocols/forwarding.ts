import type { AcceptedEvent } from "../spec/accepted-event";
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
  plan: { id: string; name: string } | null,
  sourceName = "",
): AcceptedEvent[] {
  const forwards: AcceptedEvent[] = [];
  const from = received.projectId;
  if (outcome.blocked && settings.forwardingBlockedEventsTo) {
    forwards.push({ ...received, projectId: settings.forwardingBlockedEventsTo, messageId: `blocked-${received.messageId}`, forwardedFromProject: from });
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
          appVersion: appVersionOf(record),
          eventMessageID: received.messageId,
          eventName: typeof record.event === "string" ? record.event : typeof record.name === "string" ? record.name : "",
          eventSentAt: typeof record.sentAt === "string" ? record.sentAt : "",
          eventTimestamp: received.timestamp,
          eventType: received.type,
          sourceID: from,
          sourceName,
          sourceSlug: sourceSlug(sourceName),
          trackingPlanID: plan?.id ?? "",
          trackingPlanName: plan?.name ?? "",
          violationDescription: violation.description,
          violationField: violation.field,
          violationType: violation.type,
        },
      });
    });
  }
  return forwards;
}

/** Segment's source slug: the name in lower case, runs of anything else than letters and digits as `_`. */
export function sourceSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

function appVersionOf(event: Record<string, unknown>): string {
  const app = (event.context as { app?: { version?: unknown } } | undefined)?.app;
  return typeof app?.version === "string" ? app.version : "";
}
