import type { z } from "zod";
import { eventSchemas } from "./event-schema";
import { EVENT_TYPES, isEventType, type EventType } from "./event-types";
import { describeJsonHazard, findJsonHazard } from "./json-hazards";

/** An event that passed validation: the raw fields plus the guarantees the schema checked. */
export type SegmentEvent = Record<string, unknown> & {
  type: EventType;
  messageId?: string;
  userId?: string | null;
  anonymousId?: string | null;
  timestamp?: string;
  sentAt?: string;
  context?: Record<string, unknown>;
  integrations?: Record<string, unknown>;
};

export interface EventError {
  /** Dotted path of the offending field, `""` for the event as a whole. */
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; event: SegmentEvent } | { ok: false; error: EventError };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates one event per the Segment Spec. `routeType` is the call named by the URL
 * (`/v1/track`); it wins over the body's `type`, as Segment's per-call endpoints do. Events
 * nested too deep or with a `__proto__` key are refused first (json-hazards.ts says why).
 */
export function validateEvent(raw: unknown, routeType?: EventType): ValidationResult {
  if (!isPlainObject(raw)) {
    return { ok: false, error: { field: "", message: "Each event must be a JSON object." } };
  }
  const hazard = findJsonHazard(raw);
  if (hazard) return { ok: false, error: describeJsonHazard(hazard) };
  const type = routeType ?? raw.type;
  if (!isEventType(type)) {
    const message =
      type === undefined
        ? `type is required: one of ${EVENT_TYPES.join(", ")}.`
        : `type ${JSON.stringify(type)} is unknown: use one of ${EVENT_TYPES.join(", ")}.`;
    return { ok: false, error: { field: "type", message } };
  }
  const parsed = (eventSchemas[type] as z.ZodType<SegmentEvent>).safeParse({ ...raw, type });
  if (parsed.success) return { ok: true, event: parsed.data };

  const issue = parsed.error.issues[0]!;
  const field = issue.path.join(".");
  return { ok: false, error: { field, message: `${field} ${issue.message}.` } };
}
