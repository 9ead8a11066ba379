import { serializeEvent, type SerializedEvent } from "../queues/pack-events";
import type { EventType } from "../spec/event-types";
import { describeJsonHazard, findJsonHazard } from "../spec/json-hazards";
import { MAX_BATCH_EVENTS } from "../spec/limits";
import { isIsoDateTime } from "../spec/timestamps";
import { isPlainObject, validateEvent, type EventError } from "../spec/validate-event";
import { enrichEvent, type BatchDefaults, type RequestFacts } from "./enrich";
import { oversizedEventBytes } from "./event-size";
import { ApiError } from "../http/api-error";

export interface RejectedEvent extends EventError {
  index: number;
}

export interface AcceptOutcome {
  events: SerializedEvent[];
  rejected: RejectedEvent[];
}

/** One event posted to `/v1/<type>`: all or nothing. */
export function acceptSingleEvent(body: unknown, routeType: EventType, facts: RequestFacts, newMessageId: () => string): SerializedEvent {
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
  const events: SerializedEvent[] = [];
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
): { ok: true; event: SerializedEvent } | { ok: false; error: EventError } {
  // Validation first: it refuses JSON nested too deep for JSON.stringify, which recurses.
  const result = validateEvent(raw, routeType);
  if (!result.ok) return result;
  // The accepted event's one serialization: sized here, then queued as it is.
  const event = serializeEvent(enrichEvent(result.event, defaults, facts, newMessageId));
  const bytes = oversizedEventBytes(raw as Record<string, unknown>, event); // validateEvent checked it is an object
  if (bytes !== undefined) {
    const message = `The event is ${Math.ceil(bytes / 1024)} KB, over the 32 KB limit per event: trim its properties or traits.`;
    return { ok: false, error: { field: "", message } };
  }
  return { ok: true, event };
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
  // These merge into every event's own context and integrations, at the same depth.
  const hazard = findJsonHazard({ context, integrations });
  if (hazard) {
    const { field, message } = describeJsonHazard(hazard);
    throw new ApiError(400, message, field);
  }
  return { events: batch, defaults: { context, integrations, sentAt } };
}
