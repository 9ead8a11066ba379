import { z } from "zod";
import { isPlainObject } from "../spec/validate-event";

/**
 * A user profile's consent state, from the events Segment names for it (docs, "Consent in
 * Unify"): "To get consent preference on the Profile, Segment requires the use of the Segment
 * Consent Preference Updated event and Identify events … [which] should include the consent
 * object", `context.consent.categoryPreferences`, an object of category id → boolean
 * ("Consent in Segment Connections"). Other events carry the consent object for routing; only
 * these two record it on the profile.
 *
 * The newest preferences win by event timestamp, as traits do, so a late, older event never
 * overwrites a newer choice. Two events of the same instant are ordered by messageId, so the
 * outcome does not depend on which arrived (or which profile of a merge held it) first.
 */

/** Segment's reserved track event for a change of consent (emitted by its consent wrappers and Sluice's `setConsent`). */
export const CONSENT_UPDATED_EVENT = "Segment Consent Preference Updated";

export interface ConsentRecord {
  /** Category id → consented, as the event's `context.consent.categoryPreferences` gave it. */
  categoryPreferences: Record<string, boolean>;
  /** The event's (corrected) timestamp, ISO-8601 UTC. */
  updatedAt: string;
  /** The event it came from. */
  messageId: string;
}

/** The stored shape (a ProfileObject's `consent` row). */
export const consentRecordSchema = z.object({
  categoryPreferences: z.record(z.string(), z.boolean()),
  updatedAt: z.string(),
  messageId: z.string(),
});

type ConsentSource = { type: string; event?: unknown; messageId: string; timestamp: string; context?: unknown };

/**
 * The consent an event records on its user's profile, or undefined: only a `Segment Consent
 * Preference Updated` track or an identify with a `context.consent.categoryPreferences` object
 * records one. Values other than booleans are not preferences and are left out; an object with
 * none left records nothing (it says nothing about any category).
 */
export function consentFromEvent(event: ConsentSource): ConsentRecord | undefined {
  const counts = event.type === "identify" || (event.type === "track" && event.event === CONSENT_UPDATED_EVENT);
  if (!counts || !isPlainObject(event.context) || !isPlainObject(event.context.consent)) return undefined;
  const given = event.context.consent.categoryPreferences;
  if (!isPlainObject(given)) return undefined;
  const categoryPreferences = Object.fromEntries(Object.entries(given).filter((entry): entry is [string, boolean] => typeof entry[1] === "boolean"));
  if (Object.keys(categoryPreferences).length === 0) return undefined;
  return { categoryPreferences, updatedAt: new Date(event.timestamp).toISOString(), messageId: event.messageId };
}

/** The record that stands of two: the later by timestamp, then the greater messageId; `current` when they are the same event. */
export function newerConsent(current: ConsentRecord | null, incoming: ConsentRecord | null): ConsentRecord | null {
  if (current === null) return incoming;
  if (incoming === null) return current;
  const order = Date.parse(incoming.updatedAt) - Date.parse(current.updatedAt);
  return order > 0 || (order === 0 && incoming.messageId > current.messageId) ? incoming : current;
}
