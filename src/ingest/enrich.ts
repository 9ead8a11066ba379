import type { AcceptedEvent } from "../spec/accepted-event";
import { correctTimestamp } from "../spec/timestamps";
import { isPlainObject, type SegmentEvent } from "../spec/validate-event";

/** What the edge knows about a request, gathered once and applied to each of its events. */
export interface RequestFacts {
  receivedAt: Date;
  sourceId: string;
  ip?: string;
  location?: Record<string, string | number>;
}

/** Fields a batch envelope (`/v1/batch`) may set for all of its events. */
export interface BatchDefaults {
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
  sentAt?: string;
}

/**
 * Builds the accepted event from a validated one without mutating it. The event's own fields win
 * over the batch's; `projectId` is the authenticated source (as Segment's raw payloads name it),
 * never what the client claimed; the write key is a credential and is never archived.
 */
export function enrichEvent(event: SegmentEvent, batch: BatchDefaults, facts: RequestFacts, newMessageId: () => string): AcceptedEvent {
  const { writeKey: _credential, ...fields } = event;
  const context = mergeObjects(batch.context, event.context);
  const integrations = mergeObjects(batch.integrations, event.integrations);
  const sentAt = event.sentAt ?? batch.sentAt;
  const clientTimestamp = event.timestamp ?? (event.originalTimestamp as string | undefined);
  const times = correctTimestamp({ receivedAt: facts.receivedAt, sentAt, clientTimestamp });

  if (context.ip === undefined && facts.ip) context.ip = facts.ip;
  if (context.location === undefined && facts.location) context.location = facts.location;

  const accepted: AcceptedEvent = {
    ...fields,
    messageId: event.messageId ?? newMessageId(),
    context,
    receivedAt: facts.receivedAt.toISOString(),
    timestamp: times.timestamp,
    projectId: facts.sourceId,
  };
  if (Object.keys(integrations).length > 0) accepted.integrations = integrations;
  if (times.originalTimestamp !== undefined) accepted.originalTimestamp = times.originalTimestamp;
  if (sentAt !== undefined) accepted.sentAt = sentAt;
  return accepted;
}

/** Deep merge of plain objects; `override` wins at every level, arrays are replaced whole. */
export function mergeObjects(base: Record<string, unknown> | undefined, override: Record<string, unknown> | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override ?? {})) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeObjects(current, value) : value;
  }
  return merged;
}

/** `context.location` in Segment's shape from Cloudflare's request geo data, when it has any. */
export function locationFromCf(cf: Record<string, unknown> | undefined): Record<string, string | number> | undefined {
  if (!cf) return undefined;
  const location: Record<string, string | number> = {};
  for (const key of ["city", "country", "region"] as const) {
    if (typeof cf[key] === "string" && cf[key]) location[key] = cf[key];
  }
  for (const key of ["latitude", "longitude"] as const) {
    const value = Number(cf[key]);
    if (cf[key] !== undefined && Number.isFinite(value)) location[key] = value;
  }
  return Object.keys(location).length > 0 ? location : undefined;
}
