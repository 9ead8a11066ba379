import { dropBlockedIdentifiers } from "./blocked-values";
import { identifierKey, type HeldIdentifier, type Identifier } from "./identifier";
import { limitFor, type CompiledIdentityConfig } from "./identity-config";
import { countTowardLimit, describeLimit } from "./limits";
import { comparePriority } from "./priority";
import { MAX_MAPPINGS_PER_PROFILE, MAX_MERGES_PER_PROFILE } from "./system-limits";
import type { Violation, ViolationReason } from "./violations";

/**
 * The matching decision for one event, as a pure function of the event's identifiers, what the
 * graph knows about them, the rules and the time (docs: "Identity Resolution Settings > Flat
 * matching logic"): "Segment looks for profiles that match any of the identifiers on the event":
 * none → "creates a new user profile"; one → "maps the traits, identifiers, and events from the
 * call to that profile"; several → "checks the Identity Resolution rules and merges profiles".
 * The caller looks the identifiers up, calls this, then applies the plan (apply-plan.ts).
 */

/** A profile that one of the event's identifiers already maps to. */
export interface CandidateProfile {
  id: string;
  /** ISO-8601; decides which profile survives a merge. */
  createdAt: string;
  /** Profiles merged into this one so far, counting theirs (system limit: 100). */
  mergeCount: number;
  identifiers: readonly HeldIdentifier[];
}

export interface ResolutionInput {
  /** The event's user identifiers (extract-identifiers.ts), blocked ones included. */
  identifiers: readonly Identifier[];
  /** `identifierKey` → profile id, for each of the event's identifiers the graph already holds. */
  lookup: ReadonlyMap<string, string>;
  /** Every profile named in `lookup`. */
  profiles: ReadonlyMap<string, CandidateProfile>;
  config: CompiledIdentityConfig;
  now: Date;
}

export type ResolutionDecision =
  | { kind: "create"; newIdentifiers: Identifier[] }
  | { kind: "add"; profileId: string; newIdentifiers: Identifier[] }
  | { kind: "merge"; into: string; from: string[]; newIdentifiers: Identifier[] }
  | { kind: "reject" };

export type ResolutionPlan = ResolutionDecision & {
  violations: Violation[];
  /** Identifiers removed from the event to satisfy the rules, in the order they were removed. */
  demoted: Identifier[];
};

interface Obstacle {
  reason: ViolationReason;
  explanation: string;
}

export function resolveIdentity(input: ResolutionInput): ResolutionPlan {
  const { config } = input;
  const { kept, violations } = dropBlockedIdentifiers(config, dedupe(input.identifiers));
  if (kept.length === 0) return reject(violations, []);

  // "Because email and user_id are the two identifiers on the event and email ranks lower than
  // user_id, Segment demotes email as an identifier on the incoming event and tries again." The
  // demoted one is the event's lowest-ranked identifier, whichever type is over its limit, and
  // it is not added anywhere ("creates a new profile with user_id abc456" only). The system
  // limits (merges, mappings) use the same way out, since "event resolution ... will continue".
  // Each round removes one identifier, and a single identifier can always be placed (it maps to
  // at most one profile, and adding nothing exceeds nothing), so this ends.
  let active = kept;
  const demoted: Identifier[] = [];
  for (;;) {
    const candidates = candidatesFor(input, active);
    const newIdentifiers = active.filter((identifier) => !input.lookup.has(identifierKey(identifier)));
    const obstacle = findObstacle(input, candidates, newIdentifiers);
    if (!obstacle) return decide(config, candidates, newIdentifiers, violations, demoted);

    const victim = lowestPriority(config, active);
    active = active.filter((identifier) => identifier !== victim);
    demoted.push(victim);
    violations.push({
      reason: obstacle.reason,
      type: victim.type,
      value: victim.value,
      message:
        `${victim.type} "${victim.value}" was not used to match the event: ${obstacle.explanation}. ` +
        `It is the event's lowest-priority identifier, so it was dropped and the event matched again without it.`,
    });
    // Only reachable with a limit below 1, which the schema refuses: never build an empty profile.
    if (active.length === 0) return reject(violations, demoted);
  }
}

function reject(violations: Violation[], demoted: Identifier[]): ResolutionPlan {
  violations.push({
    reason: "No matching identifiers on event",
    message:
      "The event carries no usable identifier (userId, anonymousId, email, device ids, externalIds ...), " +
      "so it was not added to any profile. Send at least one identifier that is not a blocked value.",
  });
  return { kind: "reject", violations, demoted };
}

/** Matched profiles, oldest first (the first one survives a merge, see `chooseSurvivor`). */
function candidatesFor(input: ResolutionInput, active: readonly Identifier[]): CandidateProfile[] {
  const ids = new Set<string>();
  for (const identifier of active) {
    const id = input.lookup.get(identifierKey(identifier));
    if (id !== undefined) ids.add(id);
  }
  return [...ids]
    .map((id) => {
      const profile = input.profiles.get(id);
      if (!profile) throw new Error(`resolveIdentity: lookup names profile ${id}, which is missing from profiles`);
      return profile;
    })
    .sort(compareAge);
}

/**
 * The merge survivor is the oldest profile (ties: the smaller id). Its segment_id is the one
 * clients and destinations have known longest, so keeping it changes the fewest references;
 * and "oldest" does not depend on the order events arrive in, so replays decide the same way.
 */
export function chooseSurvivor<T extends Pick<CandidateProfile, "id" | "createdAt">>(profiles: readonly T[]): T {
  const survivor = [...profiles].sort(compareAge)[0];
  if (!survivor) throw new Error("chooseSurvivor: no profiles");
  return survivor;
}

function compareAge(a: Pick<CandidateProfile, "id" | "createdAt">, b: Pick<CandidateProfile, "id" | "createdAt">): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * What stops the event from going to the profile it would build, if anything. A limit counts as
 * exceeded only when the event makes it worse than a candidate already was: a profile left over
 * the limit by a stricter rule change keeps resolving instead of shedding every identifier.
 */
function findObstacle(input: ResolutionInput, candidates: CandidateProfile[], newIdentifiers: Identifier[]): Obstacle | undefined {
  const { config, now } = input;
  const addedNow = now.toISOString();
  const final: HeldIdentifier[] = [
    ...candidates.flatMap((profile) => profile.identifiers),
    ...newIdentifiers.map((identifier) => ({ ...identifier, addedAt: addedNow })),
  ];
  const types = [...new Set(final.map((identifier) => identifier.type))].sort((a, b) => comparePriority(config, a, b));
  for (const type of types) {
    const limit = limitFor(config, type);
    const count = countTowardLimit(final, type, limit, now);
    const before = Math.max(0, ...candidates.map((profile) => countTowardLimit(profile.identifiers, type, limit, now)));
    if (count <= limit.max || count <= before) continue;
    const within = limit.window === "ever" ? "" : ` added within the ${limit.window} window`;
    return {
      reason: limit.window === "ever" ? "Identifier value limit exceeded" : "Identifier value time limit exceeded",
      explanation:
        `the profile would hold ${count} ${type} values${within}, over the limit of ${describeLimit(limit)}` +
        ` (raise the ${type} limit in the identity rules if they all belong to one person)`,
    };
  }
  if (candidates.length < 2) return undefined;

  // "No additional merges will be added once the profile reaches this limit." A merge moves all
  // of the absorbed profiles' mappings at once, so one that would pass 1,000 is refused as well.
  const [survivor, ...absorbed] = candidates as [CandidateProfile, ...CandidateProfile[]];
  const merges = survivor.mergeCount + absorbed.reduce((sum, profile) => sum + profile.mergeCount + 1, 0);
  if (merges > MAX_MERGES_PER_PROFILE) {
    return {
      reason: "Profile merge limit exceeded",
      explanation: `merging would give profile ${survivor.id} ${merges} merges, over the system limit of ${MAX_MERGES_PER_PROFILE}`,
    };
  }
  const mappings = candidates.reduce((sum, profile) => sum + profile.identifiers.length, 0);
  if (mappings > MAX_MAPPINGS_PER_PROFILE) {
    return {
      reason: "Identifier mapping limit exceeded",
      explanation: `merging would give profile ${survivor.id} ${mappings} identifiers, ` + `over the system limit of ${MAX_MAPPINGS_PER_PROFILE}`,
    };
  }
  return undefined;
}

/** Builds the decision; new identifiers past the 1,000-mapping cap are left out, highest priority kept. */
function decide(
  config: CompiledIdentityConfig,
  candidates: CandidateProfile[],
  newIdentifiers: Identifier[],
  violations: Violation[],
  demoted: Identifier[],
): ResolutionPlan {
  const held = candidates.reduce((sum, profile) => sum + profile.identifiers.length, 0);
  const room = Math.max(0, MAX_MAPPINGS_PER_PROFILE - held);
  const byPriority = [...newIdentifiers].sort((a, b) => comparePriority(config, a.type, b.type));
  const added = byPriority.slice(0, room);
  for (const identifier of byPriority.slice(room)) {
    violations.push({
      reason: "Identifier mapping limit exceeded",
      type: identifier.type,
      value: identifier.value,
      message:
        `${identifier.type} "${identifier.value}" was not added: the profile already holds ${MAX_MAPPINGS_PER_PROFILE} ` +
        `identifiers, the system limit. The event still resolved to the profile.`,
    });
  }
  const plan = { violations, demoted };
  const [first, ...rest] = candidates;
  if (!first) return { kind: "create", newIdentifiers: added, ...plan };
  if (rest.length === 0) return { kind: "add", profileId: first.id, newIdentifiers: added, ...plan };
  return { kind: "merge", into: first.id, from: rest.map((profile) => profile.id), newIdentifiers: added, ...plan };
}

/** The identifier to demote: lowest priority; among equals, the one that came last in the event. */
function lowestPriority(config: CompiledIdentityConfig, identifiers: readonly Identifier[]): Identifier {
  let victim = identifiers[0]!;
  for (const identifier of identifiers) {
    if (comparePriority(config, identifier.type, victim.type) >= 0) victim = identifier;
  }
  return victim;
}

function dedupe(identifiers: readonly Identifier[]): Identifier[] {
  const seen = new Set<string>();
  return identifiers.filter((identifier) => {
    const key = identifierKey(identifier);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
