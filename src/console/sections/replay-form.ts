import { DEFAULT_REPLAY_RATE_PER_SECOND, MAX_REPLAY_RATE_PER_SECOND, replayRequest, type ReplayRequest } from "../../replay/replay-request";
import { text, texts, type PostedForm } from "../form";

/**
 * The console's start-a-replay form: what was typed, kept when it is shown again with an error,
 * and the `POST /api/v1/replays` body it stands for, checked by that route's own schema.
 */
export interface ReplayFormValues {
  sourceId: string;
  destinationIds: string[];
  /** As a datetime-local input gives it (taken as UTC), or ISO-8601. */
  from: string;
  to: string;
  eventTypes: string[];
  /** One event name per line; empty for every name. */
  eventNames: string;
  /** Events per second per destination, as typed; empty for the default. */
  ratePerSecond: string;
}

/** The form as Hono's `parseBody({ all: true })` gives it. */
export function replayFormOf(form: PostedForm): ReplayFormValues {
  return {
    sourceId: text(form, "sourceId"),
    destinationIds: texts(form, "destinationIds"),
    from: text(form, "from"),
    to: text(form, "to"),
    eventTypes: texts(form, "eventTypes"),
    eventNames: text(form, "eventNames"),
    ratePerSecond: text(form, "ratePerSecond"),
  };
}

/** `2026-01-31T10:00` (a datetime-local input, taken as UTC) → `2026-01-31T10:00:00Z`; anything else as typed, for the schema to judge. */
export function instantOf(typed: string): string {
  const value = typed.trim();
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value)) return `${value}:00Z`;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(value)) return `${value}Z`;
  return value;
}

/** One name per line, trimmed, blank lines left out. Names may hold commas, so lines, not commas, separate them. */
export function eventNamesOf(typed: string): string[] {
  return typed
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

const RATE_HELP = `a whole number of events per second per destination, from 1 to ${MAX_REPLAY_RATE_PER_SECOND.toLocaleString("en")}, or empty for ${DEFAULT_REPLAY_RATE_PER_SECOND}`;
const INSTANT_HELP = "a date and time in UTC, such as 2026-01-31T00:00";

/** What to fix, worded for the form's labels; other problems in the schema's own words. */
function messageFor(field: string, schemaMessage: string, values: ReplayFormValues): string {
  switch (field) {
    case "sourceId":
      return "Choose the source whose archived events to replay.";
    case "destinationIds":
      return values.destinationIds.length === 0 ? "Check at least one destination to replay into." : `Destinations: ${schemaMessage}.`;
    case "from":
      return `From: enter ${INSTANT_HELP}.`;
    case "to":
      return schemaMessage === "from must be before to"
        ? "From must be before To: a replay sends the events received from From up to, not including, To."
        : `To: enter ${INSTANT_HELP}.`;
    case "eventNames":
      return "Event names: write one name per line, each at most 200 characters, at most 1,000 names.";
    case "ratePerSecond":
      return `Rate: enter ${RATE_HELP}.`;
    default:
      return `${field ? `${field}: ` : ""}${schemaMessage}.`;
  }
}

/** The admin API's replay request from the form, or what to fix in it (one problem at a time, the first). */
export function replayRequestOf(values: ReplayFormValues): { ok: true; request: ReplayRequest } | { ok: false; message: string } {
  const names = eventNamesOf(values.eventNames);
  const rate = values.ratePerSecond.trim();
  const parsed = replayRequest.safeParse({
    sourceId: values.sourceId,
    destinationIds: values.destinationIds,
    from: instantOf(values.from),
    to: instantOf(values.to),
    ...(values.eventTypes.length > 0 ? { eventTypes: values.eventTypes } : {}),
    ...(names.length > 0 ? { eventNames: names } : {}),
    // Digits only: `1e3` or `12.5` are not what the field asks for, so the schema refuses NaN.
    ...(rate !== "" ? { ratePerSecond: /^\d+$/.test(rate) ? Number(rate) : Number.NaN } : {}),
  });
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? "");
  return { ok: false, message: messageFor(field, issue?.message ?? "invalid", values) };
}
