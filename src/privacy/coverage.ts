import type { AppEnv } from "../env";
import { identityStore } from "../identity/durable-store";
import { identifierKey, type Identifier } from "../identity/identifier";
import { userIdKey } from "./subject-keys";

/**
 * Who a regulation covers. Segment regulates people by userId, but a person's events also arrive
 * under the anonymous ids they had before signing in, their emails and device ids: the identity
 * graph knows which, so each userId covers its own key plus every identifier its profile holds.
 * A userId without a profile covers just its own key.
 */

/** What coverage reads of the identity graph (users collection). */
export interface CoverageReader {
  /** The profile owning each identifier key that has one (`user_id:<id>` → profile id). */
  lookup(keys: string[]): Promise<Map<string, string>>;
  describe(profileId: string): Promise<{ exists: boolean; mergedInto: string | null; identifiers: readonly Identifier[] }>;
}

export interface Coverage {
  /** Every covered key, sorted, once. */
  keys: string[];
  /** Each userId asked for (once, in the order asked) and the keys it covers, its own first. */
  bySubject: Map<string, string[]>;
}

/** Merges chain at most this far (as the Profile API follows them); a longer chain is a bug. */
const MAX_FORWARDS = 20;
/**
 * Profiles described at once. A regulation names up to 5,000 userIds, each a Durable Object call
 * or more: bounded so a large request never has thousands in flight, yet wide enough that 1,000
 * people resolve in about half a second locally (at 50 the bench's 1,000-person regulation spent
 * 5 s here, more than its whole deletion job).
 */
export const COVERAGE_CONCURRENCY = 200;

/**
 * Resolves userIds to the keys they cover. The index is read once (the reader groups keys by
 * shard); each profile found is described, following `merged_into` to the live profile as the
 * Profile API does. Every profile on the way counts: while a merge is pending the survivor may
 * not hold the loser's identifiers yet, and once it is done they are the same set.
 */
export async function resolveCoverage(userIds: readonly string[], reader: CoverageReader, concurrency = COVERAGE_CONCURRENCY): Promise<Coverage> {
  const subjects = [...new Set(userIds)];
  const owners = await reader.lookup(subjects.map(userIdKey));

  const profileKeys = new Map<string, string[]>();
  const described = new Map<string, Promise<Awaited<ReturnType<CoverageReader["describe"]>>>>();
  const describe = (id: string) => {
    let found = described.get(id);
    if (!found) described.set(id, (found = reader.describe(id)));
    return found;
  };
  const keysOfProfile = async (first: string): Promise<string[]> => {
    const keys = new Set<string>();
    let id: string | null = first;
    for (let hops = 0; id !== null; hops += 1) {
      if (hops > MAX_FORWARDS) throw new Error(`coverage: profile ${first} forwards more than ${MAX_FORWARDS} times`);
      const profile = await describe(id);
      if (!profile.exists) break;
      for (const identifier of profile.identifiers) keys.add(identifierKey(identifier));
      id = profile.mergedInto;
    }
    return [...keys];
  };

  const profiles = [...new Set(owners.values())];
  let next = 0;
  const worker = async () => {
    while (next < profiles.length) {
      const id = profiles[next++]!;
      profileKeys.set(id, await keysOfProfile(id));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, profiles.length) }, worker));

  const bySubject = new Map<string, string[]>();
  const all = new Set<string>();
  for (const userId of subjects) {
    const own = userIdKey(userId);
    const profile = owners.get(own);
    const keys = [
      own,
      ...(profile
        ? profileKeys
            .get(profile)!
            .filter((key) => key !== own)
            .sort()
        : []),
    ];
    bySubject.set(userId, keys);
    for (const key of keys) all.add(key);
  }
  return { keys: [...all].sort(), bySubject };
}

/** The reader over the Worker's identity graph (the Durable Objects behind `identityStore`). */
export function coverageReader(env: AppEnv): CoverageReader {
  const store = identityStore(env);
  return {
    lookup: (keys) => store.lookup("users", keys),
    describe: (profileId) => store.describe(profileId),
  };
}
