import type { WarehouseRow } from "../parquet/types";
import { identityGraphRows, identityMergeRows, profileTraitsRow, type IdentityProfile } from "../schema/identity-tables";
import { IDENTITY_SCHEMA } from "../store/source-slug";
import { SPACE_WIDE } from "../store/warehouse-files";
import { readIdentityProfiles, type IdentityReaders } from "./identity-profiles";
import { replaceSnapshot, type SnapshotStores } from "./write-snapshot";

/**
 * The space's identity tables (`identity_graph`, `identity_merges`, `profile_traits`) under
 * `warehouse/profiles/`, from the identity Durable Objects. One writer at a time: every source's
 * sync asks the one WarehouseSyncObject named IDENTITY_TABLES_WRITER, which runs the requests in
 * turn, so two sources never interleave their writes of the same files.
 */
export async function writeIdentityTables(stores: SnapshotStores, spaceId: string, identity: IdentityReaders): Promise<void> {
  const profiles = await readIdentityProfiles(spaceId, identity);
  const uuidTs = latestSighting(profiles);
  const tables: [string, WarehouseRow[]][] = [
    ["identity_graph", identityGraphRows(profiles, { uuidTs }).map(({ row }) => row)],
    ["identity_merges", identityMergeRows(profiles, { uuidTs }).map(({ row }) => row)],
    ["profile_traits", profiles.map((profile) => profileTraitsRow(profile, { uuidTs }).row)],
  ];
  for (const [table, rows] of tables) await replaceSnapshot(stores, { sourceId: SPACE_WIDE, schema: IDENTITY_SCHEMA, table, rows: () => rows });
}

/** The WarehouseSyncObject that writes the identity tables (source ids are base62: no `-`). */
export const IDENTITY_TABLES_WRITER = "identity-tables";

/** The identity tables' `uuid_ts`: the newest identifier sighting, so the same identity state writes the same bytes. */
function latestSighting(profiles: readonly IdentityProfile[]): Date {
  let latest = 0;
  for (const profile of profiles) for (const identifier of profile.identifiers) latest = Math.max(latest, Date.parse(identifier.addedAt) || 0);
  return new Date(latest);
}
