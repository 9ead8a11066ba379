import type { Identifier } from "../../identity/identifier";
import { identityShardName, indexKey, type Collection } from "../../identity/index-shards";
import type { ProfileSnapshot, ProfileUpdate } from "../../identity/profile-record";
import type { IdentityStore, ProfileDescription } from "../../identity/resolve-event";

/** What the store needs of an index shard (IdentityIndexObject's RPC surface). */
export interface IndexShard {
  lookup(keys: string[]): Promise<(string | null)[]>;
  claim(keys: string[], profileId: string): Promise<string[]>;
  repoint(keys: string[], from: string, to: string): Promise<void>;
}

/** What the store needs of a profile (ProfileObject's RPC surface). */
export interface ProfileHandle {
  create(id: string, collection: Collection, createdAt: string): Promise<void>;
  describe(): Promise<ProfileDescription>;
  addIdentifiers(identifiers: Identifier[], at: string): Promise<boolean>;
  apply(update: ProfileUpdate): Promise<{ mergedInto: string | null }>;
  snapshot(): Promise<ProfileSnapshot>;
  absorb(from: ProfileSnapshot): Promise<boolean>;
  markMergedInto(id: string): Promise<void>;
}

export interface IdentityBindings {
  index: (name: string) => IndexShard;
  profile: (segmentId: string) => ProfileHandle;
}

export type PipelineIdentityStore = IdentityStore & {
  apply(profileId: string, update: ProfileUpdate): Promise<{ mergedInto: string | null }>;
};

/** The Durable Object side of identity resolution: keys routed to their shards, one call per shard. */
export function createIdentityStore(bindings: IdentityBindings, spaceId: string): PipelineIdentityStore {
  /** Calls `call` once per shard with that shard's keys; answers in key order. */
  async function perShard<V>(collection: Collection, keys: string[], call: (shard: IndexShard, keys: string[]) => Promise<V[]>): Promise<V[]> {
    const byShard = new Map<string, number[]>();
    keys.forEach((key, index) => {
      const name = identityShardName(spaceId, collection, indexKey(collection, key));
      byShard.set(name, [...(byShard.get(name) ?? []), index]);
    });
    const results = new Array<V>(keys.length);
    await Promise.all(
      [...byShard].map(async ([name, indexes]) => {
        const answers = await call(bindings.index(name), indexes.map((i) => indexKey(collection, keys[i]!)));
        indexes.forEach((keyIndex, answerIndex) => (results[keyIndex] = answers[answerIndex]!));
      }),
    );
    return results;
  }

  const toMap = (keys: string[], owners: (string | null)[]) => {
    const map = new Map<string, string>();
    keys.forEach((key, i) => owners[i] && map.set(key, owners[i]));
    return map;
  };

  return {
    lookup: async (collection, keys) => toMap(keys, await perShard(collection, keys, (shard, part) => shard.lookup(part))),
    claim: async (collection, keys, profileId) =>
      toMap(keys, await perShard(collection, keys, (shard, part) => shard.claim(part, profileId))),
    describe: (profileId) => bindings.profile(profileId).describe(),
    create: (profileId, collection, createdAt) => bindings.profile(profileId).create(profileId, collection, createdAt),
    addIdentifiers: (profileId, identifiers, at) => bindings.profile(profileId).addIdentifiers(identifiers, at),
    apply: (profileId, update) => bindings.profile(profileId).apply(update),
    // Order matters for crash safety: the survivor absorbs first (idempotent by id), then the
    // loser forwards, then its keys move. A crash after any step leaves lookups correct (they
    // follow the pointer) and the retry finishes the rest.
    async mergeProfile(collection, from, into) {
      const loser = bindings.profile(from);
      const snapshot = await loser.snapshot();
      if (snapshot.mergedInto !== null && snapshot.mergedInto !== into) return false;
      if (snapshot.mergedInto === null) {
        if (!(await bindings.profile(into).absorb(snapshot))) return false;
        await loser.markMergedInto(into);
      }
      const keys = snapshot.identifiers.map((identifier) => `${identifier.type}:${identifier.value}`);
      await perShard(collection, keys, async (shard, part) => {
        await shard.repoint(part, from, into);
        return part;
      });
      return true;
    },
  };
}
