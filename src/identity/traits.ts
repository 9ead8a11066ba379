import { z } from "zod";

/**
 * Profile traits, merged per trait with the last update winning (docs, Profile API: "The traits
 * endpoint will resolve properties from multiple sources into a canonical source using the last
 * updated precedence order"; Unify FAQ: "If two merged user profiles contain conflicting profile
 * attributes, Segment selects the newest, or last updated, attributes").
 *
 * "Last updated" is by event timestamp, not arrival: a late, older event must not overwrite a
 * newer value. Each trait keeps `{value, source_id, updated_at}`, the shape the Profile API
 * returns with `?verbose=true`.
 *
 * Removal (FAQ: "you can remove a trait from a user profile by sending an Identify event with the
 * trait value set to null ... Setting the trait value to an empty string won't remove the
 * trait"): a `null` is kept as a tombstone with its timestamp, so an older event arriving later
 * cannot bring the trait back. Tombstones are hidden from every view.
 */
export interface TraitEntry {
  /** `null` marks a removed trait. */
  value: unknown;
  source_id: string | null;
  /** ISO-8601 UTC: the timestamp of the event that set it. */
  updated_at: string;
}

export type TraitState = Readonly<Record<string, TraitEntry>>;

/** The stored shape of a TraitState (a ProfileObject's `traits` meta row). */
export const traitStateSchema = z.record(z.string(), z.object({ value: z.unknown(), source_id: z.string().nullable(), updated_at: z.string() }));

export interface TraitUpdate {
  /** The event's (corrected) timestamp. */
  timestamp: string;
  sourceId: string | null;
}

/**
 * Applies an event's traits. On equal timestamps the event applied last wins: it is the last
 * update the profile saw, and two writes in the same millisecond have no better order.
 */
export function applyTraits(state: TraitState, traits: Readonly<Record<string, unknown>>, update: TraitUpdate): TraitState {
  const at = toTime(update.timestamp);
  const updatedAt = new Date(at).toISOString();
  const next: Record<string, TraitEntry> = { ...state };
  for (const [name, value] of Object.entries(traits)) {
    if (value === undefined) continue;
    const current = entryOf(state, name);
    if (current && toTime(current.updated_at) > at) continue;
    next[name] = { value, source_id: update.sourceId, updated_at: updatedAt };
  }
  return next;
}

/**
 * Traits of two merged profiles: per trait, the newer entry (tombstones included, so a removal
 * newer than the other profile's value stays removed). Ties keep the survivor's entry, so the
 * result does not depend on which profile's events arrived first.
 */
export function mergeTraitStates(survivor: TraitState, absorbed: TraitState): TraitState {
  const merged: Record<string, TraitEntry> = { ...survivor };
  for (const [name, entry] of Object.entries(absorbed)) {
    const current = entryOf(survivor, name);
    if (!current || toTime(entry.updated_at) > toTime(current.updated_at)) merged[name] = entry;
  }
  return merged;
}

/** The traits as the Profile API shows them: values only, removed ones left out. */
export function visibleTraits(state: TraitState): Record<string, unknown> {
  const traits: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(state)) if (entry.value !== null) traits[name] = entry.value;
  return traits;
}

/** `?verbose=true`: `{value, source_id, updated_at}` per trait, removed ones left out. */
export function verboseTraits(state: TraitState): Record<string, TraitEntry> {
  const traits: Record<string, TraitEntry> = {};
  for (const [name, entry] of Object.entries(state)) if (entry.value !== null) traits[name] = entry;
  return traits;
}

/**
 * The trait's own entry. A plain `state[name]` would find Object.prototype's members for traits
 * named `constructor`, `toString` or `hasOwnProperty`, which have no `updated_at`.
 */
function entryOf(state: TraitState, name: string): TraitEntry | undefined {
  return Object.hasOwn(state, name) ? state[name] : undefined;
}

function toTime(timestamp: string): number {
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) throw new Error(`traits: ${JSON.stringify(timestamp)} is not an ISO-8601 timestamp`);
  return time;
}
