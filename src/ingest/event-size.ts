import type { SerializedEvent } from "../queues/pack-events";
import { utf8Length } from "../queues/utf8-length";
import { MAX_EVENT_BYTES } from "../spec/limits";

/** Fields accepting an event sets over the client's own value (`src/ingest/enrich.ts`, and the route's type). */
const SET_BY_SLUICE = ["type", "receivedAt", "projectId", "originalTimestamp"] as const;

/**
 * The bytes of an event as the client sent it (`raw`) when they are over the 32 KB limit, else
 * undefined. Read off the accepted event's JSON where that is enough, so the edge serializes each
 * event once (that JSON is what it queues): accepting an event only adds to it (messageId,
 * receivedAt, timestamps, ip, location, the batch's context), except the write key it strips and
 * the fields it sets over the client's. So an accepted event within the limit, once the stripped
 * write key is allowed for, was within it as the client sent it; only otherwise is the client's
 * event serialized again to measure it.
 */
export function oversizedEventBytes(raw: Record<string, unknown>, accepted: SerializedEvent): number | undefined {
  if (accepted.bytes + removedBytesBound(raw, accepted.event) <= MAX_EVENT_BYTES) return undefined;
  const bytes = utf8Length(JSON.stringify(raw));
  return bytes > MAX_EVENT_BYTES ? bytes : undefined;
}

/** At most how many bytes accepting `raw` took out of its JSON; Infinity when that is not cheap to bound. */
function removedBytesBound(raw: Record<string, unknown>, accepted: Record<string, unknown>): number {
  if (SET_BY_SLUICE.some((key) => raw[key] !== undefined && raw[key] !== accepted[key])) return Infinity;
  if (raw.writeKey === undefined) return 0;
  // `,"writeKey":` and the key's JSON, at most 3 UTF-8 bytes per UTF-16 unit.
  return typeof raw.writeKey === "string" && raw.writeKey.length <= 1024 ? 12 + 3 * JSON.stringify(raw.writeKey).length : Infinity;
}
