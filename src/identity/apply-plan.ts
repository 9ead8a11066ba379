import { identifierKey, type HeldIdentifier, type Identifier } from "./identifier";
import type { CandidateProfile, ResolutionPlan } from "./resolve";
import { mergeTraitStates, type TraitState } from "./traits";

/**
 * The identity graph as plain immutable data, and how a resolution plan changes it: the
 * reference for what the Durable Object persists (tests replay Segment's documented sequences
 * through it). Applying returns a new graph; nothing is mutated.
 */
export interface ProfileRecord extends CandidateProfile {
  identifiers: HeldIdentifier[];
  traits: TraitState;
}

export interface IdentityGraph {
  profiles: ReadonlyMap<string, ProfileRecord>;
  /** `identifierKey` → the live profile holding it. */
  index: ReadonlyMap<string, string>;
  /**
   * Absorbed profile id → the profile it was merged into, so an old segment_id still finds the
   * person (FAQ: "Segment traverses the merge graph and resolves all merged profiles").
   */
  mergedInto: ReadonlyMap<string, string>;
}

export function emptyGraph(): IdentityGraph {
  return { profiles: new Map(), index: new Map(), mergedInto: new Map() };
}

/** What `resolveIdentity` needs to know about the event's identifiers. */
export function lookupIdentifiers(
  graph: IdentityGraph,
  identifiers: readonly Identifier[],
): { lookup: Map<string, string>; profiles: Map<string, ProfileRecord> } {
  const lookup = new Map<string, string>();
  const profiles = new Map<string, ProfileRecord>();
  for (const identifier of identifiers) {
    const key = identifierKey(identifier);
    const id = graph.index.get(key);
    if (id === undefined) continue;
    lookup.set(key, id);
    profiles.set(id, profileOrThrow(graph, id));
  }
  return { lookup, profiles };
}

/** The live profile an identifier belongs to. */
export function findProfile(graph: IdentityGraph, identifier: Identifier): ProfileRecord | undefined {
  const id = graph.index.get(identifierKey(identifier));
  return id === undefined ? undefined : graph.profiles.get(id);
}

/** Follows merges from any profile id, old or current, to the live profile. */
export function findProfileById(graph: IdentityGraph, id: string): ProfileRecord | undefined {
  let current = id;
  for (let hops = 0; hops <= graph.mergedInto.size; hops += 1) {
    const next = graph.mergedInto.get(current);
    if (next === undefined) return graph.profiles.get(current);
    current = next;
  }
  throw new Error(`findProfileById: merge cycle from ${id}`);
}

export interface ApplyContext {
  now: Date;
  /** Called only when the plan creates a profile (profile-id.ts). */
  createProfileId: () => string;
}

/**
 * Applies a plan computed on this graph. A new identifier that is already mapped means the plan
 * is stale (the graph changed since the lookup): that throws rather than map one identifier to
 * two people; the caller resolves again.
 */
export function applyPlan(graph: IdentityGraph, plan: ResolutionPlan, context: ApplyContext): { graph: IdentityGraph; profileId?: string } {
  if (plan.kind === "reject") return { graph };
  const now = context.now.toISOString();
  for (const identifier of plan.newIdentifiers) {
    const holder = graph.index.get(identifierKey(identifier));
    if (holder !== undefined) throw new Error(`applyPlan: ${identifierKey(identifier)} already belongs to ${holder}; resolve again`);
  }
  const added = plan.newIdentifiers.map((identifier) => ({ ...identifier, addedAt: now }));
  const profiles = new Map(graph.profiles);
  const index = new Map(graph.index);
  const mergedInto = new Map(graph.mergedInto);

  let target: ProfileRecord;
  if (plan.kind === "create") {
    const id = context.createProfileId();
    if (profiles.has(id) || mergedInto.has(id)) throw new Error(`applyPlan: profile id ${id} is already taken`);
    target = { id, createdAt: now, mergeCount: 0, identifiers: [], traits: {} };
  } else if (plan.kind === "add") {
    target = profileOrThrow(graph, plan.profileId);
  } else {
    target = profileOrThrow(graph, plan.into);
    for (const fromId of plan.from) {
      const from = profileOrThrow(graph, fromId);
      target = {
        ...target,
        mergeCount: target.mergeCount + from.mergeCount + 1,
        identifiers: [...target.identifiers, ...from.identifiers],
        traits: mergeTraitStates(target.traits, from.traits),
      };
      for (const identifier of from.identifiers) index.set(identifierKey(identifier), target.id);
      profiles.delete(fromId);
      mergedInto.set(fromId, target.id);
    }
  }
  target = { ...target, identifiers: [...target.identifiers, ...added] };
  for (const identifier of added) index.set(identifierKey(identifier), target.id);
  profiles.set(target.id, target);
  return { graph: { profiles, index, mergedInto }, profileId: target.id };
}

/** Replaces a live profile's traits (traits.ts computes them). */
export function withTraits(graph: IdentityGraph, profileId: string, traits: TraitState): IdentityGraph {
  const profile = profileOrThrow(graph, profileId);
  return { ...graph, profiles: new Map(graph.profiles).set(profileId, { ...profile, traits }) };
}

function profileOrThrow(graph: IdentityGraph, id: string): ProfileRecord {
  const profile = graph.profiles.get(id);
  if (!profile) throw new Error(`identity graph: no live profile ${id}`);
  return profile;
}
