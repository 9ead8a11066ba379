import { applySchemaBlocks } from "../protocols/schema-blocks";
import type { ReplaySpec } from "./replay-request";

type Selection = Pick<ReplaySpec, "from" | "to" | "eventTypes" | "eventNames" | "blocks">;

/**
 * The event as a replay sends it, or null when the replay leaves it out: outside `[from, to)` of
 * `receivedAt` (the archive's own partitioning), not one of the asked types or names, or blocked
 * by the source now (a blocked event is not sent again; blocked traits are dropped, as live).
 * Names are a track's `event` or a page or screen call's `name`.
 */
export function selectForReplay(event: Record<string, unknown>, selection: Selection): Record<string, unknown> | null {
  const receivedAt = typeof event.receivedAt === "string" ? Date.parse(event.receivedAt) : NaN;
  if (!(receivedAt >= Date.parse(selection.from) && receivedAt < Date.parse(selection.to))) return null;
  if (selection.eventTypes && !selection.eventTypes.includes(String(event.type))) return null;
  if (selection.eventNames) {
    const name = event.type === "track" ? event.event : event.type === "page" || event.type === "screen" ? event.name : undefined;
    if (typeof name !== "string" || !selection.eventNames.includes(name)) return null;
  }
  const { event: kept, blocked } = applySchemaBlocks(event, selection.blocks);
  return blocked ? null : kept;
}

/** An archive object's lines as events; unreadable lines are skipped (they never passed validation). */
export function parseArchiveLines(lines: readonly string[]): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const line of lines) {
    try {
      const event = JSON.parse(line) as unknown;
      if (typeof event === "object" && event !== null && !Array.isArray(event)) events.push(event as Record<string, unknown>);
    } catch {
      // not JSON: nothing a destination could take
    }
  }
  return events;
}

/**
 * Items in the order a replay sends them: by their event's `timestamp`, ties (and events
 * without a readable one, last) in the order given. Stable, so the same archive gives the same
 * order every time: a resumed replay's cursor points at the same event.
 */
export function replayOrder<T>(items: readonly T[], eventOf: (item: T) => Record<string, unknown>): T[] {
  return items
    .map((item, index) => {
      const timestamp = eventOf(item).timestamp;
      const at = typeof timestamp === "string" ? Date.parse(timestamp) : NaN;
      return { item, at: Number.isNaN(at) ? Infinity : at, index };
    })
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ item }) => item);
}
