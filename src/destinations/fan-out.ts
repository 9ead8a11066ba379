import type { AcceptedEvent } from "../ingest/enrich";
import { applyFilterActions, type FilterAction } from "../filters/actions";
import type { Destination } from "./destination-store";
import { routeEvent } from "./routing";

export interface CompiledFilter {
  /** The filter's FQL condition; "error" when the event cannot be evaluated. */
  matches: (event: Record<string, unknown>) => boolean | "error";
  actions: readonly FilterAction[];
}

export interface RoutedDestination {
  destination: Destination;
  /** Enabled filters, in order. */
  filters: readonly CompiledFilter[];
}

export type Discard = { destinationId: string; reason: string };

export interface FanOut {
  /** Events each destination gets, as its filters left them, in event order. */
  deliveries: Map<string, AcceptedEvent[]>;
  discards: Discard[];
}

/**
 * Which events go where: consent, then the integrations object (routing.ts), then each filter in
 * order (its actions apply when its condition holds). An event a filter cannot evaluate is dropped
 * (fail-closed, as Segment does, so a PII filter never lets data through on an error).
 */
export async function fanOut(events: readonly AcceptedEvent[], destinations: readonly RoutedDestination[]): Promise<FanOut> {
  const result: FanOut = { deliveries: new Map(), discards: [] };
  for (const { destination, filters } of destinations) {
    if (!destination.enabled) continue;
    for (const event of events) {
      if (!destination.sourceIds.includes(event.projectId)) continue;
      const record = event as unknown as Record<string, unknown>;
      const routed = routeEvent(record, destination);
      if (routed) {
        result.discards.push({ destinationId: destination.id, reason: routed });
        continue;
      }
      const filtered = await applyFilters(record, filters);
      if (!filtered) {
        result.discards.push({ destinationId: destination.id, reason: "Filtered at destination" });
        continue;
      }
      const list = result.deliveries.get(destination.id) ?? [];
      list.push(filtered as unknown as AcceptedEvent);
      result.deliveries.set(destination.id, list);
    }
  }
  return result;
}

async function applyFilters(event: Record<string, unknown>, filters: readonly CompiledFilter[]): Promise<Record<string, unknown> | null> {
  let current: Record<string, unknown> | null = event;
  for (const filter of filters) {
    const matched = filter.matches(current);
    if (matched === "error") return null;
    if (matched) current = await applyFilterActions(current, filter.actions);
    if (!current) return null;
  }
  return current;
}
