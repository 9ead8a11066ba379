import type { ProtocolViolation } from "../protocols/json-schema-violations";
import { findJsonHazard, MAX_JSON_DEPTH } from "../spec/json-hazards";
import { stringifyJson } from "../spec/json-text";

/**
 * What the live debugger shows of one event: how it arrived (`kind`), the event itself (or the
 * raw payload the client sent, for an invalid one), and its journey through the pipeline, which
 * later stages fill in by messageId (`JourneyUpdate`).
 *
 * - `accepted`: the consumer saw it pass the dedupe check (its id is its messageId);
 * - `duplicate`: another queue message already archived this messageId, so it was dropped;
 * - `invalid`: the Tracking API refused it; `error` is exactly what the client was told.
 */
export type EntryKind = "accepted" | "invalid" | "duplicate";

/**
 * What the source's Protocols made of the event: `passed` (no plan, or a clean one), `violated`
 * (passed on with violations), `blocked` (dropped: not archived, not delivered), `not-checked`
 * (forwarded here by another source's Protocols, which skips this source's plan, as Segment does).
 */
export type PlanVerdict = "passed" | "violated" | "blocked" | "not-checked";

export type DeliveryStatus = "delivered" | "retrying" | "failed" | "discarded";

export interface DeliveryJourney {
  status: DeliveryStatus;
  /** Attempts made so far, this one included. */
  attempts: number;
  /** In words: `delivered`, `answered 503`, `Destination disabled`, … */
  outcome: string;
}

export interface Journey {
  plan?: { verdict: PlanVerdict; violations: ProtocolViolation[] };
  /** Why Protocols blocked it (`Blocked in Schema`, `Unplanned Event`, …), or null. */
  blocked?: string | null;
  /** In the archive (by this delivery or an earlier one of the same queue message). */
  archived?: boolean;
  /** Per destination id: the newest outcome. */
  deliveries?: Record<string, DeliveryJourney>;
}

export interface DebuggerEntry {
  id: string;
  messageId: string | null;
  sourceId: string;
  receivedAt: string;
  kind: EntryKind;
  /** The event as received, or the raw payload of an invalid one; null when `omitted`. */
  event: unknown;
  /** Set when the event was too big to keep: its size, and the start of its JSON. */
  omitted?: { bytes: number; preview: string };
  /** The client-facing error, for invalid events: the message and the field it named. */
  error?: { message: string; field: string };
  journey: Journey;
}

/** A later stage's news about an accepted event. */
export interface JourneyUpdate {
  messageId: string;
  journey: Journey;
}

/**
 * The most one entry may take (its JSON): a valid event is at most 32 KB, so every accepted event
 * fits whole, while an oversized invalid payload cannot push 50 others out of the byte budget.
 */
export const MAX_ENTRY_BYTES = 40 * 1024;
const PREVIEW_CHARACTERS = 1_000;

const encoder = new TextEncoder();
export const jsonBytes = (value: unknown): number => encoder.encode(JSON.stringify(value) ?? "").byteLength;

/**
 * The entry as it will be kept: one whose JSON is over MAX_ENTRY_BYTES keeps its journey and
 * error but not its event, and says so (`omitted`), so one huge payload never evicts the buffer.
 * So does a payload nested deeper than events may be: workerd's JSON.stringify, RPC and storage
 * overflow their stacks a few thousand levels down, so it is measured and previewed without them.
 */
export function capEntry(entry: DebuggerEntry): { entry: DebuggerEntry; bytes: number } {
  const tooDeep = findJsonHazard(entry.event, MAX_JSON_DEPTH, true) !== undefined;
  if (!tooDeep) {
    const bytes = jsonBytes(entry);
    if (bytes <= MAX_ENTRY_BYTES) return { entry, bytes };
  }
  const text = tooDeep ? stringifyJson(entry.event) : (JSON.stringify(entry.event) ?? "");
  const capped: DebuggerEntry = { ...entry, event: null, omitted: { bytes: encoder.encode(text).byteLength, preview: text.slice(0, PREVIEW_CHARACTERS) } };
  if (capped.error) capped.error = { ...capped.error, message: capped.error.message.slice(0, PREVIEW_CHARACTERS) };
  return { entry: capped, bytes: jsonBytes(capped) };
}

/**
 * Folds news into a journey. Fields a stage did not report keep their value; deliveries merge per
 * destination, and an older attempt never overwrites a newer one (DELIVERIES messages of one event
 * can be consumed out of order), while the same attempt reported again takes the later word.
 */
export function mergeJourney(current: Journey, news: Journey): Journey {
  const merged: Journey = { ...current };
  if (news.plan !== undefined) merged.plan = news.plan;
  if (news.blocked !== undefined) merged.blocked = news.blocked;
  if (news.archived !== undefined) merged.archived = current.archived === true || news.archived;
  if (news.deliveries) {
    const deliveries = { ...current.deliveries };
    for (const [destinationId, delivery] of Object.entries(news.deliveries)) {
      const known = deliveries[destinationId];
      if (!known || delivery.attempts >= known.attempts) deliveries[destinationId] = delivery;
    }
    merged.deliveries = deliveries;
  }
  return merged;
}
