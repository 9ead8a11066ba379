import type { AcceptedEvent } from "../spec/accepted-event";
import { applyFilter, type CompiledFilter } from "../filters/apply-filter";
import type { Destination } from "./destination-store";
import { routeEvent } from "./routing";
import { destinationType } from "./types";

export type { CompiledFilter };

export interface RoutedDestination {
  destination: Destination;
  /** Enabled filters, in order. */
  filters: readonly CompiledFilter[];
}

/** Why an Actions destination did not get an event: none of its subscriptions matches it. */
export const NOT_SUBSCRIBED = "Matched no subscription";

export type Discard = { destinationId: string; reason: string };

export interface FanOut {
  /** Events each destination gets, as its filters left them, in event order. */
  deliveries: Map<string, AcceptedEvent[]>;
  discards: Discard[];
}

/**
 * Which events go where: consent, then the integrations object (routing.ts), then each filter in
 * order (its actions apply when its condition holds), then an Actions destination's subscriptions. An event a filter cannot evaluate is dropped
 * (fail-closed, as Segment does, so a PII filter never lets data through on an error).
 */
export async function fanOut(events: readonly AcceptedEvent[], destinations: readonly RoutedDestination[]): Promise<FanOut> {
  const result: FanOut = { deliveries: new Map(), discards: [] };
  for (const routed of destinations) {
    if (!routed.destination.enabled) continue;
    const destinationId = routed.destination.id;
    for (const event of events) {
      if (!routed.destination.sourceIds.includes(event.projectId)) continue;
      const outcome = await routeToDestination(event, routed);
      if ("discard" in outcome) {
        result.discards.push({ destinationId, reason: outcome.discard });
        continue;
      }
      const list = result.deliveries.get(destinationId) ?? [];
      list.push(outcome.event as unknown as AcceptedEvent);
      result.deliveries.set(destinationId, list);
    }
  }
  return result;
}

/** One event against one destination: the event as its filters leave it, or why it is discarded. */
export async function routeToDestination(
  event: Record<string, unknown>,
  { destination, filters }: RoutedDestination,
): Promise<{ event: Record<string, unknown> } | { discard: string }> {
  const routed = routeEvent(event, destination);
  if (routed) return { discard: routed };
  const filtered = await applyFilters(event, filters);
  if (!filtered) return { discard: "Filtered at destination" };
  // An Actions destination takes only what its subscriptions match, after the filters as in Segment.
  const type = destinationType(destination.type);
  if (type?.accepts && !type.accepts(filtered, destination.settings)) return { discard: NOT_SUBSCRIBED };
  return { event: filtered };
}

async function applyFilters(event: Record<string, unknown>, filters: readonly CompiledFilter[]): Promise<Record<string, unknown> | null> {
  let current: Record<string, unknown> | null = event;
  for (const filter of filters) {
    current = (await applyFilter(filter, current)).event;
    if (!current) return null;
  }
  return current;
}
