import { compileFilter } from "../filters/apply-filter";
import { toDestination, toFilter } from "./destination-store";
import type { CompiledFilter, RoutedDestination } from "./fan-out";

/**
 * The enabled destinations that take any of `sourceIds`, with their enabled filters compiled:
 * one D1 round trip per consumer batch. A filter whose saved expression no longer parses drops
 * every event (compileFilter).
 */
export async function loadRoutedDestinations(db: D1Database, sourceIds: readonly string[]): Promise<RoutedDestination[]> {
  if (sourceIds.length === 0) return [];
  const [destinations, filters] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT * FROM destinations WHERE enabled = 1 ORDER BY created_at, id"),
    db.prepare(
      "SELECT f.* FROM destination_filters f JOIN destinations d ON d.id = f.destination_id WHERE d.enabled = 1 AND f.enabled = 1 ORDER BY f.destination_id, f.position",
    ),
  ]);
  const wanted = new Set(sourceIds);
  const byDestination = new Map<string, CompiledFilter[]>();
  for (const row of filters!.results) {
    const filter = toFilter(row as unknown as Parameters<typeof toFilter>[0]);
    const list = byDestination.get(filter.destinationId) ?? [];
    list.push(compileFilter(filter));
    byDestination.set(filter.destinationId, list);
  }
  return destinations!.results
    .map((row) => toDestination(row as unknown as Parameters<typeof toDestination>[0]))
    .filter((destination) => destination.sourceIds.some((id) => wanted.has(id)))
    .map((destination) => ({ destination, filters: byDestination.get(destination.id) ?? [] }));
}

/** One destination (enabled or not) with its enabled filters compiled, or null when it is gone. */
export async function loadRoutedDestination(db: D1Database, id: string): Promise<RoutedDestination | null> {
  const [destinations, filters] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT * FROM destinations WHERE id = ?").bind(id),
    db.prepare("SELECT * FROM destination_filters WHERE destination_id = ? AND enabled = 1 ORDER BY position").bind(id),
  ]);
  const row = destinations!.results[0];
  if (!row) return null;
  return {
    destination: toDestination(row as unknown as Parameters<typeof toDestination>[0]),
    filters: filters!.results.map((filter) => compileFilter(toFilter(filter as unknown as Parameters<typeof toFilter>[0]))),
  };
}
