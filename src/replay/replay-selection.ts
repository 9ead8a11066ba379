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
 * Whether the replay takes every event of an hour partition (`YYYY-MM-DD/HH`): no type, name or
 * block narrows it and the whole hour lies in the range. Then an object's recorded event count
 * is its count, and counting need not read it.
 */
export function selectsWholeHour(partition: string, selection: Selection): boolean {
  if (selection.eventTypes || selection.eventNames || selection.blocks.events.length > 0) return false;
  const start = Date.parse(`${partition.replace("/", "T")}:00:00.000Z`);
  return start >= Date.parse(selection.from) && start + 3_600_000 <= Date.parse(selection.to);
}

/** An archive object's lines as events; unreadable lines are skipped (they never passed validation). */
export function parseArchiveLines(lines: readonly string[]): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const line of lines) {
    try {
      const event: unknown = JSON.parse(line);
      if (typeof event === "object" && event !== null && !Array.isArray(event)) events.push(event as Record<string, unknown>);
    } catch {
      // not JSON: nothing a destination could take
    }
  }
  return events;
}

/** Where an event sits in a replay's order: its `timestamp` (ms; none sorts last), then its messageId. */
export interface ReplayKey {
  at: number;
  messageId: string;
}

const NO_TIMESTAMP = Number.MAX_SAFE_INTEGER;

export function replayKey(event: Record<string, unknown>): ReplayKey {
  const at = typeof event.timestamp === "string" ? Date.parse(event.timestamp) : NaN;
  return { at: Number.isNaN(at) ? NO_TIMESTAMP : at, messageId: typeof event.messageId === "string" ? event.messageId : "" };
}

export function compareReplayKeys(a: ReplayKey, b: ReplayKey): number {
  return a.at - b.at || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);
}

/**
 * Events in the order a replay sends them: by timestamp, then messageId. The order depends only
 * on the events themselves, so a cursor (the key of the last event passed) points at the same
 * place after a crash, even if other events of the hour were deleted meanwhile.
 */
export function replayOrder(events: readonly Record<string, unknown>[]): { key: ReplayKey; event: Record<string, unknown> }[] {
  return events.map((event) => ({ key: replayKey(event), event })).sort((a, b) => compareReplayKeys(a.key, b.key));
}
