import type { AppEnv } from "../env";
import { identityStore } from "../identity/durable-store";
import { parseIdentifierKey } from "../identity/identifier";
import { identityShardName, indexKey, type Collection } from "../identity/index-shards";
import { isSegmentId } from "../identity/profile-id";
import type { RecordedEvent } from "../identity/profile-record";
import type { EventQuery, ProfileView } from "../identity/profile-view";

/** What the Profile API and the console read of a ProfileObject. */
export interface ProfileReader {
  view(): Promise<ProfileView>;
  readEvents(query: EventQuery): Promise<RecordedEvent[]>;
  describe(): Promise<{ mergeCount: number }>;
}

/** Merges chain at most this far before a lookup gives up (a cycle would be a bug). */
const MAX_FORWARDS = 20;

/**
 * Finds the live profile for `<type>:<value>` (or a segment_id), following merges: the Profile
 * API's lookup, shared with the console's profile page. Undefined when no profile matches (or the
 * key is not `<type>:<value>`).
 */
export async function findProfile(env: AppEnv, collection: Collection, identifier: string): Promise<{ stub: ProfileReader; view: ProfileView } | undefined> {
  let profileId: string | null;
  if (isSegmentId(identifier)) {
    profileId = identifier;
  } else {
    const parsed = parseIdentifierKey(identifier);
    if (!parsed) return undefined;
    const key = indexKey(collection, `${parsed.type}:${parsed.value}`);
    const shard = env.IDENTITY_INDEX.get(env.IDENTITY_INDEX.idFromName(identityShardName(env.SPACE_ID, collection, key)));
    profileId = (await shard.lookup([key]))[0] ?? null;
  }
  for (let hops = 0; profileId !== null && hops < MAX_FORWARDS; hops += 1) {
    const stub: ProfileReader = env.PROFILES.get(env.PROFILES.idFromName(profileId));
    const view = await stub.view();
    if (!view.exists || view.collection !== collection) return undefined;
    if (view.mergedInto === null) return { stub, view };
    // A merge cut short is finished here too, so the survivor shows everything it absorbs.
    if (view.mergePending) await identityStore(env).finishMerge(collection, view.id, view.mergedInto);
    profileId = view.mergedInto;
  }
  return undefined;
}
