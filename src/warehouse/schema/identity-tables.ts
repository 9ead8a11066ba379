import type { StoredIdentifier } from "../../identity/profile-record";
import type { TraitState } from "../../identity/traits";
import type { WarehouseRow } from "../parquet/types";
import type { TableRow } from "./event-tables";
import { flattenToColumns } from "./flatten";

/**
 * Identity tables, beyond Segment's basic schema (Segment sells them as Profiles Sync, docs "Profiles
 * Sync Tables"). Sluice writes the current state, as Profiles Sync's materialized tables do, from
 * what a ProfileObject holds (src/identity/profile-record.ts):
 *
 * - `identity_graph`, like `external_id_mapping`: one row per identifier and the profile it now
 *   belongs to: `segment_id` (the canonical profile), `identifier_type`, `identifier_value`,
 *   `first_seen_at`, `source_id` and `first_message_id` (Profiles Sync's `triggering_source_id`
 *   and `triggering_event_id`). Joining `pages.anonymous_id` to it and back on `segment_id` gives
 *   a person's signed-in `user_id`;
 * - `identity_merges`, like `id_graph`: every profile, merged away or not, and the canonical
 *   profile it resolves to ("If, later, profile_1 merges into a different profile_0, Segment adds
 *   recursive entries to show that profile_1 and profile_2 both map to profile_0"). The store does
 *   not keep when a merge happened, so unlike `id_graph_updates` there is no merge time;
 * - `profile_traits`: one row per profile, its traits flattened, and `merged_to` set on a profile
 *   merged away ("If Segment later merges away a profile, it populates the segment_id it merged
 *   in the merged_to column").
 */
export interface IdentityProfile {
  /** The profile's id: Profiles Sync's `segment_id`. */
  id: string;
  /** Set when the profile was merged into another (ProfileView.mergedInto). */
  mergedInto: string | null;
  identifiers: readonly Pick<StoredIdentifier, "type" | "value" | "addedAt" | "sourceId" | "firstMessageId">[];
  traits: TraitState;
}

/** Follows merge chains within `profiles`; a target not among them is taken as canonical. */
export function resolveCanonicalIds(profiles: readonly IdentityProfile[]): Map<string, string> {
  const mergedInto = new Map(profiles.map((profile) => [profile.id, profile.mergedInto]));
  const canonical = new Map<string, string>();
  for (const profile of profiles) {
    let current = profile.id;
    const seen = new Set<string>([current]);
    for (let next = mergedInto.get(current); next && !seen.has(next); next = mergedInto.get(current)) {
      seen.add(next);
      current = next;
    }
    canonical.set(profile.id, current);
  }
  return canonical;
}

/** `identity_graph` rows, one per identifier and canonical profile (the earliest sighting when two profiles held it), sorted. */
export function identityGraphRows(profiles: readonly IdentityProfile[], options: { uuidTs: Date }): TableRow[] {
  const canonical = resolveCanonicalIds(profiles);
  const rows = new Map<string, WarehouseRow & { first_seen_at: Date }>();
  for (const profile of profiles) {
    const segmentId = canonical.get(profile.id) ?? profile.id;
    for (const identifier of profile.identifiers) {
      const firstSeen = new Date(identifier.addedAt);
      const key = JSON.stringify([segmentId, identifier.type, identifier.value]);
      const held = rows.get(key);
      const row = {
        segment_id: segmentId,
        identifier_type: identifier.type,
        identifier_value: identifier.value,
        first_seen_at: firstSeen,
        source_id: identifier.sourceId ?? null,
        first_message_id: identifier.firstMessageId ?? null,
        uuid_ts: options.uuidTs,
      };
      if (!held || isEarlierSighting(row, held)) rows.set(key, row);
    }
  }
  return [...rows.keys()].sort().map((key) => ({ table: "identity_graph", row: nullPrototype(rows.get(key) ?? {}) }));
}

/** Earlier first_seen_at wins; on a tie the smaller source and message ids, so input order never matters. */
function isEarlierSighting(a: WarehouseRow & { first_seen_at: Date }, b: WarehouseRow & { first_seen_at: Date }): boolean {
  const byTime = a.first_seen_at.getTime() - b.first_seen_at.getTime();
  if (byTime !== 0) return byTime < 0;
  return JSON.stringify([a.source_id, a.first_message_id]) < JSON.stringify([b.source_id, b.first_message_id]);
}

/** `identity_merges` rows: each profile and its canonical profile (itself when never merged), sorted by segment_id. */
export function identityMergeRows(profiles: readonly IdentityProfile[], options: { uuidTs: Date }): TableRow[] {
  const canonical = resolveCanonicalIds(profiles);
  return [...canonical.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([segmentId, canonicalId]) => ({
      table: "identity_merges",
      row: nullPrototype({ segment_id: segmentId, canonical_segment_id: canonicalId, uuid_ts: options.uuidTs }),
    }));
}

const TRAIT_RESERVED = new Set(["segment_id", "merged_to", "uuid_ts", "uuid", "loaded_at"]);

/** The `profile_traits` row of one profile: removed traits (tombstones) are hidden, as everywhere else. */
export function profileTraitsRow(profile: IdentityProfile, options: { uuidTs: Date }): TableRow {
  const traits = Object.create(null) as Record<string, unknown>;
  for (const [name, entry] of Object.entries(profile.traits)) if (entry.value !== null) traits[name] = entry.value;
  const row = nullPrototype({ segment_id: profile.id, merged_to: profile.mergedInto, uuid_ts: options.uuidTs });
  for (const [name, value] of flattenToColumns(traits)) if (!TRAIT_RESERVED.has(name)) row[name] = value;
  return { table: "profile_traits", row };
}

function nullPrototype(columns: WarehouseRow): WarehouseRow {
  return Object.assign(Object.create(null) as WarehouseRow, columns);
}
