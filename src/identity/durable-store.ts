import type { AppEnv } from "../env";
import { afterEachWrite } from "../testing/identity-writes";
import type { Identifier } from "./identifier";
import { identityShardName, indexKey, type Collection } from "./index-shards";
import type { ProfileSnapshot, ProfileUpdate, RecordedEvent } from "./profile-record";
import type { IdentityStore, ProfileDescription } from "./resolve-event";

/** Events per call when a merge copies them (each at most 32 KB, so a page stays a few MB). */
export const MERGE_EVENT_PAGE = 100;

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
  eventPage(after: string | null, limit: number): Promise<RecordedEvent[]>;
  absorbEvents(events: RecordedEvent[]): Promise<{ forwardTo: string | null }>;
  absorb(from: ProfileSnapshot, at: string): Promise<{ forwardTo: string | null }>;
  markMergedInto(id: string): Promise<string>;
  confirmMerged(): Promise<void>;
}

export interface IdentityBindings {
  index: (name: string) => IndexShard;
  profile: (segmentId: string) => ProfileHandle;
}

/** The rounds' store (resolve-event.ts) plus applying an event's update to a profile (the identity stage). */
export type DurableIdentityStore = IdentityStore & {
  apply(profileId: string, update: ProfileUpdate): Promise<{ mergedInto: string | null }>;
};

/** The Durable Object side of identity resolution: keys routed to their shards, one call per shard. */
export function createIdentityStore(bindings: IdentityBindings, spaceId: string): DurableIdentityStore {
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
        const answers = await call(
          bindings.index(name),
          indexes.map((i) => indexKey(collection, keys[i]!)),
        );
        indexes.forEach((keyIndex, answerIndex) => (results[keyIndex] = answers[answerIndex]!));
      }),
    );
    return results;
  }

  // Seal first, then copy: a sealed profile refuses new identifiers and events (they are
  // forwarded to the survivor), so the snapshot the survivor absorbs is final and nothing
  // applied during the merge is lost. A crash after the seal leaves the merge "pending"; the
  // next lookup that follows the pointer finishes it (resolve-event.ts).
  async function mergeProfile(collection: Collection, from: string, into: string): Promise<boolean> {
    const sealedInto = await bindings.profile(from).markMergedInto(into);
    if (sealedInto !== into) return false;
    await finishMerge(collection, from, into);
    return true;
  }

  async function finishMerge(collection: Collection, from: string, into: string): Promise<void> {
    const loser = bindings.profile(from);
    // Sealed, so final: its events go over in pages (a profile may hold 14 days of a busy
    // user's events, more than one call can carry), then the rest in one absorb.
    let survivor = into;
    const handOver = async (call: (profile: ProfileHandle) => Promise<{ forwardTo: string | null }>) => {
      for (let hops = 0; ; hops += 1) {
        if (hops > 20) throw new Error(`identity: merge of ${from} forwards more than 20 times`);
        const { forwardTo } = await call(bindings.profile(survivor));
        if (forwardTo === null) return;
        survivor = forwardTo;
      }
    };
    for (let after: string | null = null; ;) {
      const page = await loser.eventPage(after, MERGE_EVENT_PAGE);
      if (page.length > 0) await handOver((profile) => profile.absorbEvents(page));
      if (page.length < MERGE_EVENT_PAGE) break;
      after = page[page.length - 1]!.messageId;
    }
    const snapshot = await loser.snapshot();
    const at = new Date().toISOString();
    await handOver((profile) => profile.absorb(snapshot, at));
    const keys = snapshot.identifiers.map((identifier) => `${identifier.type}:${identifier.value}`);
    await perShard(collection, keys, async (shard, part) => {
      await shard.repoint(part, from, survivor);
      return part;
    });
    await loser.confirmMerged();
  }

  const toMap = (keys: string[], owners: (string | null)[]) => {
    const map = new Map<string, string>();
    keys.forEach((key, i) => owners[i] && map.set(key, owners[i]));
    return map;
  };

  return {
    lookup: async (collection, keys) => toMap(keys, await perShard(collection, keys, (shard, part) => shard.lookup(part))),
    claim: async (collection, keys, profileId) => toMap(keys, await perShard(collection, keys, (shard, part) => shard.claim(part, profileId))),
    describe: (profileId) => bindings.profile(profileId).describe(),
    create: (profileId, collection, createdAt) => bindings.profile(profileId).create(profileId, collection, createdAt),
    addIdentifiers: (profileId, identifiers, at) => bindings.profile(profileId).addIdentifiers(identifiers, at),
    apply: (profileId, update) => bindings.profile(profileId).apply(update),
    mergeProfile,
    finishMerge,
  };
}

/**
 * The identity graph of the Worker's space, through its Durable Object bindings (pipeline and
 * Profile API). `afterWrite` (test faults only, src/testing) runs after each write lands.
 */
export function identityStore(env: AppEnv, afterWrite?: () => void): DurableIdentityStore {
  const bindings: IdentityBindings = {
    index: (name) => env.IDENTITY_INDEX.get(env.IDENTITY_INDEX.idFromName(name)),
    profile: (segmentId) => env.PROFILES.get(env.PROFILES.idFromName(segmentId)),
  };
  return createIdentityStore(afterWrite ? afterEachWrite(bindings, afterWrite) : bindings, env.SPACE_ID);
}
