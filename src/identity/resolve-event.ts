import { identifierKey, type HeldIdentifier, type Identifier } from "./identifier";
import type { CompiledIdentityConfig } from "./identity-config";
import type { Collection } from "./index-shards";
import { resolveIdentity, type CandidateProfile } from "./resolve";
import type { Violation } from "./violations";

/**
 * Resolution of one event against the sharded index and the profile objects: look up → follow
 * merge pointers → describe → `resolveIdentity` → apply. Other consumers may resolve events of
 * the same person at the same time, so the apply step claims identifiers atomically per shard
 * and resolves again when it lost a race: the next round sees the other event's profile and
 * becomes an add or a merge. Every step is idempotent, so a crash anywhere is finished by the
 * queue's retry of the message.
 */

export interface ProfileDescription {
  exists: boolean;
  id: string;
  createdAt: string;
  mergedInto: string | null;
  /** Sealed as merged, but the survivor may not hold its data yet (a merge cut short). */
  mergePending: boolean;
  mergeCount: number;
  identifiers: HeldIdentifier[];
}

/** The I/O that resolution needs; the Durable Object gateway implements it (identity-store.ts). */
export interface IdentityStore {
  /** Index key owners, by identifier key (`type:value`); unmapped keys are absent. */
  lookup(collection: Collection, keys: string[]): Promise<Map<string, string>>;
  /** Maps unmapped keys to `profileId`; answers the owner of every key after the claim. */
  claim(collection: Collection, keys: string[], profileId: string): Promise<Map<string, string>>;
  describe(profileId: string): Promise<ProfileDescription>;
  /** Creates the profile if it does not exist yet. */
  create(profileId: string, collection: Collection, createdAt: string): Promise<void>;
  /** Records identifiers the profile owns in the index; `false` if it was merged away meanwhile. */
  addIdentifiers(profileId: string, identifiers: Identifier[], at: string): Promise<boolean>;
  /** Seals `from` as merged into `into`, then finishes the merge; `false` if `from` was merged elsewhere first. */
  mergeProfile(collection: Collection, from: string, into: string): Promise<boolean>;
  /** Moves a sealed profile's data into its survivor and its keys to it; idempotent. */
  finishMerge(collection: Collection, from: string, into: string): Promise<void>;
}

export interface ResolveEventInput {
  store: IdentityStore;
  collection: Collection;
  identifiers: readonly Identifier[];
  config: CompiledIdentityConfig;
  now: Date;
  /** The id a create in round `round` uses; deterministic per event, so a retry reuses it. */
  newProfileId: (round: number) => Promise<string>;
}

export interface ResolvedEvent {
  profileId?: string;
  /** The event's identifiers the profile holds now (those demoted or blocked are not). */
  held: Identifier[];
  violations: Violation[];
}

/** Rounds before giving up (the message is retried): each lost race needs one more. */
export const MAX_RESOLUTION_ROUNDS = 5;
const MAX_MERGE_HOPS = 20;

export async function resolveEventIdentity(input: ResolveEventInput): Promise<ResolvedEvent> {
  const { store, collection, config, now } = input;
  const at = now.toISOString();
  const identifiers = dedupe(input.identifiers);
  const keys = identifiers.map(identifierKey);
  for (let round = 0; round < MAX_RESOLUTION_ROUNDS; round += 1) {
    const owners = await store.lookup(collection, keys);
    const { lookup, profiles } = await canonicalize(store, collection, owners);
    const plan = resolveIdentity({ identifiers, lookup, profiles, config, now });
    if (plan.kind === "reject") return { held: [], violations: plan.violations };

    let target: string;
    if (plan.kind === "create") {
      target = await input.newProfileId(round);
      await store.create(target, collection, at);
    } else if (plan.kind === "add") {
      target = plan.profileId;
    } else {
      target = plan.into;
      let intact = true;
      for (const from of plan.from) intact = (await store.mergeProfile(collection, from, target)) && intact;
      if (!intact) continue;
    }

    const newKeys = plan.newIdentifiers.map(identifierKey);
    const claimed = newKeys.length > 0 ? await store.claim(collection, newKeys, target) : new Map<string, string>();
    const won = plan.newIdentifiers.filter((identifier) => claimed.get(identifierKey(identifier)) === target);
    // Identifiers the index already gives the target (directly or through a merged profile) are
    // recorded again: a crash between an earlier claim and its record, or a claim by a profile
    // sealed before it could record it, leaves the survivor missing them; this repairs it.
    const owned = identifiers.filter((identifier) => lookup.get(identifierKey(identifier)) === target);
    // The common case, an event of a known person with nothing new, needs no write here: a merge
    // that races it is handled where the event is applied (the sealed profile forwards it).
    if (won.length === 0 && plan.newIdentifiers.length === 0 && holdsAll(profiles.get(target), owned)) {
      return { profileId: target, held: owned, violations: plan.violations };
    }
    const live = await store.addIdentifiers(target, [...owned, ...won], at);
    if (live && won.length === plan.newIdentifiers.length) return { profileId: target, held: [...owned, ...won], violations: plan.violations };
  }
  throw new Error(`identity: ${collection} resolution did not settle in ${MAX_RESOLUTION_ROUNDS} rounds (concurrent updates); retry`);
}

/** Follows merge pointers from each owner to the live profile, describing each once. */
async function canonicalize(
  store: IdentityStore,
  collection: Collection,
  owners: ReadonlyMap<string, string>,
): Promise<{ lookup: Map<string, string>; profiles: Map<string, CandidateProfile> }> {
  const described = new Map<string, Promise<ProfileDescription>>();
  const describe = (id: string) => {
    let found = described.get(id);
    if (!found) described.set(id, (found = store.describe(id)));
    return found;
  };
  const live = async (id: string): Promise<ProfileDescription | undefined> => {
    let current = await describe(id);
    for (let hops = 0; current.mergedInto !== null; hops += 1) {
      if (hops >= MAX_MERGE_HOPS) throw new Error(`identity: merge chain from ${id} longer than ${MAX_MERGE_HOPS}`);
      if (current.mergePending) await store.finishMerge(collection, current.id, current.mergedInto);
      current = await describe(current.mergedInto);
    }
    return current.exists ? current : undefined;
  };
  const lookup = new Map<string, string>();
  const profiles = new Map<string, CandidateProfile>();
  await Promise.all(
    [...owners].map(async ([key, owner]) => {
      const profile = await live(owner);
      if (!profile) return;
      lookup.set(key, profile.id);
      profiles.set(profile.id, profile);
    }),
  );
  return { lookup, profiles };
}

function holdsAll(profile: CandidateProfile | undefined, identifiers: readonly Identifier[]): boolean {
  if (!profile) return false;
  const held = new Set(profile.identifiers.map(identifierKey));
  return identifiers.every((identifier) => held.has(identifierKey(identifier)));
}

function dedupe(identifiers: readonly Identifier[]): Identifier[] {
  const seen = new Set<string>();
  return identifiers.filter((identifier) => !seen.has(identifierKey(identifier)) && seen.add(identifierKey(identifier)));
}
