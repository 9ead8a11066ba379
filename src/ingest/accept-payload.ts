import type { AcceptedEvent } from "../spec/accepted-event";
import type { EventType } from "../spec/event-types";
import { MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from "../spec/limits";
import { isIsoDateTime } from "../spec/timestamps";
import { isPlainObject, validateEvent, type EventError } from "../spec/validate-event";
import { enrichEvent, type BatchDefaults, type RequestFacts } from "./enrich";
import { ApiError } from "../http/api-error";

export interface RejectedEvent extends EventError {
  index: number;
}

export interface AcceptOutcome {
  events: AcceptedEvent[];
  rejected: RejectedEvent[];
}

const encoder = new TextEncoder();

/** One event posted to `/v1/<type>`: all or nothing. */
export function acceptSingleEvent(body: unknown, routeType: EventType, facts: RequestFacts, newMessageId: () => string): AcceptedEvent {
  const outcome = acceptEvent(body, routeType, {}, facts, newMessageId);
  if (!outcome.ok) throw new ApiError(400, outcome.error.message, outcome.error.field);
  return outcome.event;
}

/**
 * A batch posted to `/v1/batch`: each event is judged alone so one bad event never drops its
 * neighbours; only an unreadable envelope fails the whole request.
 */
export function acceptBatch(body: unknown, facts: RequestFacts, newMessageId: () => string): AcceptOutcome {
  const { events: rawEvents, defaults } = readBatchEnvelope(body);
  const events: AcceptedEvent[] = [];
  const rejected: RejectedEvent[] = [];
  rawEvents.forEach((raw, index) => {
    const outcome = acceptEvent(raw, undefined, defaults, facts, newMessageId);
    if (outcome.ok) events.push(outcome.event);
    else rejected.push({ index, ...outcome.error });
  });
  return { events, rejected };
}

function acceptEvent(
  raw: unknown,
  routeType: EventType | undefined,
  defaults: BatchDefaults,
  facts: RequestFacts,
  newMessageId: () => string,
): { ok: true; event: AcceptedEvent } | { ok: false; error: EventError } {
  const bytes = encoder.encode(JSON.stringify(raw) ?? "").byteLength;
  if (bytes > MAX_EVENT_BYTES) {
    const message = `The event is ${Math.ceil(bytes / 1024)} KB, over the 32 KB limit per event: trim its properties or traits.`;
    return { ok: false, error: { field: "", message } };
  }
  const result = validateEvent(raw, routeType);
  if (!result.ok) return result;
  return { ok: true, event: enrichEvent(result.event, defaults, facts, newMessageId) };
}

function readBatchEnvelope(body: unknown): { events: unknown[]; defaults: BatchDefaults } {
  if (!isPlainObject(body)) throw new ApiError(400, "The batch must be a JSON object with a `batch` array.");
  const { batch, context, integrations, sentAt } = body;
  if (!Array.isArray(batch)) throw new ApiError(400, "batch is required: an array of events.", "batch");
  if (batch.length === 0) throw new ApiError(400, "batch is empty: send at least one event.", "batch");
  if (batch.length > MAX_BATCH_EVENTS) {
    throw new ApiError(400, `batch has ${batch.length} events, over the limit of ${MAX_BATCH_EVENTS}: split it into smaller batches.`, "batch");
  }
  if (context !== undefined && !isPlainObject(context)) throw new ApiError(400, "context must be a JSON object.", "context");
  if (integrations !== undefined && !isPlainObject(integrations)) {
    throw new ApiError(400, "integrations must be a JSON object.", "integrations");
  }
  if (sentAt !== undefined && (typeof sentAt !== "string" || !isIsoDateTime(sentAt))) {
    throw new ApiError(400, "sentAt must be an ISO-8601 date-time string.", "sentAt");
  }
  return { events: batch, defaults: { context, integrations, sentAt } };
}
