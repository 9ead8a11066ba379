import type { IdentityBindings } from "../identity/durable-store";

/**
 * The identity graph's Durable Objects with `afterWrite` called once each write has landed (a
 * claim, a profile create, an event applied, each step of a merge), for the `identity.after-write`
 * fault (faults.ts): a throw there is a crash in the middle of resolving an event, between two
 * writes that a retry must finish. Reads pass through.
 */
export function afterEachWrite(bindings: IdentityBindings, afterWrite: () => void): IdentityBindings {
  const landed =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await write(...args);
      afterWrite();
      return result;
    };
  return {
    index: (name) => {
      const shard = bindings.index(name);
      return {
        lookup: (keys) => shard.lookup(keys),
        claim: landed((keys: string[], profileId: string) => shard.claim(keys, profileId)),
        repoint: landed((keys: string[], from: string, to: string) => shard.repoint(keys, from, to)),
      };
    },
    profile: (segmentId) => {
      const profile = bindings.profile(segmentId);
      return {
        describe: () => profile.describe(),
        snapshot: () => profile.snapshot(),
        eventPage: (after, limit) => profile.eventPage(after, limit),
        create: landed((...args: Parameters<typeof profile.create>) => profile.create(...args)),
        addIdentifiers: landed((...args: Parameters<typeof profile.addIdentifiers>) => profile.addIdentifiers(...args)),
        apply: landed((...args: Parameters<typeof profile.apply>) => profile.apply(...args)),
        absorbEvents: landed((...args: Parameters<typeof profile.absorbEvents>) => profile.absorbEvents(...args)),
        absorb: landed((...args: Parameters<typeof profile.absorb>) => profile.absorb(...args)),
        markMergedInto: landed((...args: Parameters<typeof profile.markMergedInto>) => profile.markMergedInto(...args)),
        confirmMerged: landed(() => profile.confirmMerged()),
      };
    },
  };
}
