import { isPlainObject } from "../spec/validate-event";

/**
 * Which destinations an event may reach, in Segment's order: consent first, then the
 * `integrations` object (then destination filters, src/filters, then delivery).
 *
 * Consent (docs: "Consent in Segment Connections"): an event without
 * `context.consent.categoryPreferences` flows everywhere ("Events without the consent object will
 * continue to flow to destinations without consent enforcement"); a destination mapped to
 * categories gets it only if every mapped category is `true` (a category the event does not name
 * counts as not consented: "data will not flow to destinations mapped to the functional
 * category"); unmapped destinations get everything.
 *
 * Integrations object: `All` (default true) and destination names, case-sensitive; `false`
 * disables, `true` or an object (destination options) enables.
 */

export type DiscardReason = "Filtered by end user consent" | "Filtered by the integrations object";

export interface RoutableDestination {
  name: string;
  consentCategories: readonly string[];
}

export function consentAllows(event: Record<string, unknown>, categories: readonly string[]): boolean {
  if (categories.length === 0) return true;
  const preferences = recordAt(recordAt(event.context)?.consent)?.categoryPreferences;
  if (!isPlainObject(preferences)) return true;
  return categories.every((category) => preferences[category] === true);
}

export function integrationsAllow(event: Record<string, unknown>, destinationName: string): boolean {
  const integrations = recordAt(event.integrations);
  if (!integrations) return true;
  const own = integrations[destinationName];
  if (own !== undefined) return own === true || isPlainObject(own);
  const all = integrations.All;
  return all === undefined || all === true || isPlainObject(all);
}

/** `null` when the event goes on to the destination's filters; otherwise why it does not. */
export function routeEvent(event: Record<string, unknown>, destination: RoutableDestination): DiscardReason | null {
  if (!consentAllows(event, destination.consentCategories)) return "Filtered by end user consent";
  if (!integrationsAllow(event, destination.name)) return "Filtered by the integrations object";
  return null;
}

function recordAt(value: unknown): Record<string, unknown> | undefined {
  return isPlainObject(value) ? value : undefined;
}
