import { observeEvent, type ObservedType, type SchemaEventType } from "./observe";

/**
 * One consumer batch's schema observations, folded per (source, type, name) and per property
 * path, so the D1 write is one upsert per distinct key whatever the number of events.
 */

export interface PathTally {
  types: Set<ObservedType>;
  lastSeen: string;
}

export interface SchemaTally {
  sourceId: string;
  type: SchemaEventType;
  name: string;
  /** Events seen (allowed and blocked). */
  count: number;
  /** Of those, blocked by the source's tracking plan or schema controls. */
  blocked: number;
  firstSeen: string;
  lastSeen: string;
  paths: Map<string, PathTally>;
  /** Events per hour of `seenAt` (`YYYY-MM-DDTHH`), for the count windows. */
  hours: Map<string, number>;
  /** Some event carried more paths than one event may record. */
  truncated: boolean;
}

export interface TallyInput {
  event: Record<string, unknown>;
  sourceId: string;
  /** When the edge received it (ISO-8601): schema times are receive times. */
  seenAt: string;
  blocked: boolean;
}

export function tallyKey(sourceId: string, type: string, name: string): string {
  return `${sourceId}\u0000${type}\u0000${name}`;
}

export function tallyEvents(inputs: readonly TallyInput[]): SchemaTally[] {
  const tallies = new Map<string, SchemaTally>();
  for (const { event, sourceId, seenAt, blocked } of inputs) {
    const observed = observeEvent(event);
    if (!observed) continue;
    const key = tallyKey(sourceId, observed.type, observed.name);
    let tally = tallies.get(key);
    if (!tally) {
      tally = {
        sourceId,
        type: observed.type,
        name: observed.name,
        count: 0,
        blocked: 0,
        firstSeen: seenAt,
        lastSeen: seenAt,
        paths: new Map(),
        hours: new Map(),
        truncated: false,
      };
      tallies.set(key, tally);
    }
    tally.count += 1;
    const hour = seenAt.slice(0, 13);
    tally.hours.set(hour, (tally.hours.get(hour) ?? 0) + 1);
    if (blocked) tally.blocked += 1;
    if (seenAt < tally.firstSeen) tally.firstSeen = seenAt;
    if (seenAt > tally.lastSeen) tally.lastSeen = seenAt;
    tally.truncated ||= observed.truncated;
    for (const [path, types] of observed.paths) {
      const known = tally.paths.get(path);
      if (!known) tally.paths.set(path, { types: new Set(types), lastSeen: seenAt });
      else {
        for (const type of types) known.types.add(type);
        if (seenAt > known.lastSeen) known.lastSeen = seenAt;
      }
    }
  }
  return [...tallies.values()];
}
