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

/**
 * An archive object's events in the order a replay sends them: by `timestamp`, ties in the order
 * written. The archive already writes objects sorted; sorting again keeps the promise for objects
 * written any other way. Unreadable lines are skipped (they never passed validation).
 */
export function replayOrder(lines: readonly string[]): Record<string, unknown>[] {
  const events: { event: Record<string, unknown>; at: number; index: number }[] = [];
  lines.forEach((line, index) => {
    try {
      const event = JSON.parse(line) as unknown;
      if (typeof event !== "object" || event === null || Array.isArray(event)) return;
      const record = event as Record<string, unknown>;
      const at = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : NaN;
      events.push({ event: record, at: Number.isNaN(at) ? Infinity : at, index });
    } catch {
      // not JSON: nothing a destination could take
    }
  });
  return events.sort((a, b) => a.at - b.at || a.index - b.index).map(({ event }) => event);
}
