import type { ProfileView } from "../../identity/profile-view";
import { identityShardNames } from "../../identity/index-shards";
import type { IdentityProfile } from "../schema/identity-tables";

/** How the identity tables reach the identity Durable Objects (an index shard by name, a profile by id). */
export interface IdentityReaders {
  shard(name: string): { profileIds(after: string | null, limit: number): Promise<string[]> };
  profile(id: string): { view(): Promise<ProfileView> };
}

const PAGE = 500;
const CONCURRENT_PROFILES = 16;

/**
 * Every person's profile in the space, for the identity tables: the ids every users-index shard
 * maps an identifier to (a merged-away profile's identifiers are repointed to the survivor, so
 * only live profiles are named), then each profile's identifiers and traits. One Durable Object
 * request per profile per sync: the cost of Profiles Sync's full tables, said in the README.
 */
export async function readIdentityProfiles(spaceId: string, readers: IdentityReaders): Promise<IdentityProfile[]> {
  const ids = new Set<string>();
  for (const name of identityShardNames(spaceId, "users")) {
    const shard = readers.shard(name);
    for (let after: string | null = null; ;) {
      const page = await shard.profileIds(after, PAGE);
      for (const id of page) ids.add(id);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!;
    }
  }
  const sorted = [...ids].sort();
  const profiles: IdentityProfile[] = [];
  for (let start = 0; start < sorted.length; start += CONCURRENT_PROFILES) {
    const views = await Promise.all(sorted.slice(start, start + CONCURRENT_PROFILES).map((id) => readers.profile(id).view()));
    for (const view of views) if (view.exists) profiles.push({ id: view.id, mergedInto: view.mergedInto, identifiers: view.identifiers, traits: view.traits });
  }
  return profiles;
}
