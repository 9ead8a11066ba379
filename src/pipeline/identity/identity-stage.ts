import type { AcceptedEvent } from "../../spec/accepted-event";
import { consentFromEvent } from "../../identity/consent";
import { extractIdentifiers } from "../../identity/extract-identifiers";
import { identifierKey, type Identifier } from "../../identity/identifier";
import type { CompiledIdentityConfig } from "../../identity/identity-config";
import type { Collection } from "../../identity/index-shards";
import { generateSegmentId } from "../../identity/profile-id";
import type { ProfileUpdate, RecordedEvent } from "../../identity/profile-record";
import { resolveEventIdentity } from "../../identity/resolve-event";
import { checkIdentifyTraitCount } from "../../identity/system-limits";
import type { EventViolation, Violation } from "../../identity/violations";
import { groupBySharedIdentifiers } from "./group-events";
import type { DurableIdentityStore } from "../../identity/durable-store";
import { isPlainObject } from "../../spec/validate-event";

export interface IdentityStageDeps {
  store: DurableIdentityStore;
  config: CompiledIdentityConfig;
  now: () => Date;
}

const MAX_FORWARDS = 20;
/** Groups (people) resolved at once by one consumer invocation. */
const MAX_PARALLEL_GROUPS = 16;

export interface ResolvedEvents {
  violations: EventViolation[];
  /** Indexes of events not resolved (a Durable Object failed or a race did not settle): retry them. */
  failed: Set<number>;
}

/**
 * The identity stage for a run of events: events that share an identifier in order (a later
 * event may depend on an earlier one, as in Segment's documented sequences), unrelated ones in
 * parallel. When an event fails, the rest of its group is left for the retry, which resolves
 * them in order again; every write is idempotent, so the retry finishes what this run started.
 */
export async function resolveEvents(events: readonly AcceptedEvent[], deps: IdentityStageDeps): Promise<ResolvedEvents> {
  const customIdentifiers = deps.config.config.customIdentifiers;
  const groups = groupBySharedIdentifiers(
    events.map((event, index) => ({ event, index })),
    ({ event }) => {
      const { users, accounts } = extractIdentifiers(event, customIdentifiers);
      return [...users.map((id) => `users/${identifierKey(id)}`), ...accounts.map((id) => `accounts/${identifierKey(id)}`)];
    },
  );
  // Bounded: each event is a few Durable Object round trips, and an unbounded fan-out of a
  // large batch would only queue up behind the same objects.
  const violations: EventViolation[] = [];
  const failed = new Set<number>();
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++]!;
      const known: KnownIdentifiers = new Map();
      for (const [position, { event }] of group.entries()) {
        try {
          const found = await resolveOneEvent(event, deps, known);
          violations.push(...found.map((violation) => ({ ...violation, messageId: event.messageId })));
        } catch (error) {
          console.error(`identity: event ${event.messageId} not resolved; it is retried`, error);
          for (const rest of group.slice(position)) failed.add(rest.index);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL_GROUPS, groups.length) }, worker));
  return { violations, failed };
}

/**
 * Where identifiers resolved earlier in the same group went (`collection/type:value` → profile).
 * An index entry only ever moves to the survivor of a merge, so a later event of the group whose
 * identifiers all went to one profile belongs to it (or to its survivor, which applying follows):
 * it needs no lookup, as most events of a known person bring nothing new.
 */
type KnownIdentifiers = Map<string, string>;

function knownProfile(known: KnownIdentifiers, collection: Collection, identifiers: readonly Identifier[]): string | undefined {
  const profiles = new Set(identifiers.map((identifier) => known.get(`${collection}/${identifierKey(identifier)}`)));
  const [only] = profiles;
  return profiles.size === 1 ? only : undefined;
}

async function resolveOneEvent(event: AcceptedEvent, deps: IdentityStageDeps, known: KnownIdentifiers): Promise<Violation[]> {
  const record = event as unknown as Record<string, unknown>;
  const tooManyTraits = checkIdentifyTraitCount(record);
  if (tooManyTraits) return [tooManyTraits];

  const { config, store } = deps;
  const now = deps.now();
  const { users, accounts } = extractIdentifiers(record, config.config.customIdentifiers);
  const resolve = async (collection: Collection, identifiers: Identifier[]): Promise<{ profileId?: string; violations: Violation[] }> => {
    if (identifiers.length === 0) return { violations: [] };
    const profileId = knownProfile(known, collection, identifiers);
    if (profileId) return { profileId, violations: [] };
    const resolved = await resolveEventIdentity({
      store,
      collection,
      identifiers,
      config,
      now,
      newProfileId: (round) => newProfileId(event, collection, round),
    });
    if (resolved.profileId) for (const identifier of resolved.held) known.set(`${collection}/${identifierKey(identifier)}`, resolved.profileId);
    return resolved;
  };
  const user = await resolve("users", users);
  const account = await resolve("accounts", accounts);

  const recorded = recordedEvent(event);
  const traits = isPlainObject(record.traits) ? record.traits : undefined;
  const at = now.toISOString();
  // The user's profile takes identify traits and consent, and links to the account; the
  // account's profile takes group traits and links back to the user.
  const userConsent = consentFromEvent(event);
  const sides = [
    {
      own: user.profileId,
      traitsFrom: "identify",
      consent: userConsent,
      other: { collection: "accounts" as const, profileId: account.profileId, identifiers: accounts },
    },
    { own: account.profileId, traitsFrom: "group", consent: undefined, other: { collection: "users" as const, profileId: user.profileId, identifiers: users } },
  ];
  for (const { own, traitsFrom, consent, other } of sides) {
    if (!own) continue;
    await applyFollowingMerges(store, own, {
      event: recorded,
      traits: event.type === traitsFrom ? traits : undefined,
      link: other.profileId ? { ...other, profileId: other.profileId, sourceId: event.projectId } : undefined,
      ...(consent ? { consent } : {}),
      now: at,
    });
  }
  return [...user.violations, ...account.violations];
}

/** A profile merged after resolution forwards to its survivor; the event goes there. */
async function applyFollowingMerges(store: DurableIdentityStore, profileId: string, update: ProfileUpdate): Promise<void> {
  let id = profileId;
  for (let hops = 0; hops < MAX_FORWARDS; hops += 1) {
    const { mergedInto } = await store.apply(id, update);
    if (mergedInto === null) return;
    id = mergedInto;
  }
  throw new Error(`identity: profile ${profileId} forwards more than ${MAX_FORWARDS} times`);
}

/**
 * The segment_id a create uses: random-looking but derived from the event, so the queue's retry
 * of a half-done create reuses the same profile instead of leaving an empty one behind.
 */
async function newProfileId(event: AcceptedEvent, collection: Collection, round: number): Promise<string> {
  const seed = new TextEncoder().encode(`${event.projectId}/${event.messageId}/${collection}/${round}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", seed));
  return generateSegmentId(new Date(event.receivedAt), (length) => digest.slice(0, length));
}

function recordedEvent(event: AcceptedEvent): RecordedEvent {
  const record = event as unknown as Record<string, unknown>;
  const name = typeof record.event === "string" ? record.event : typeof record.name === "string" ? record.name : null;
  return {
    messageId: event.messageId,
    type: event.type,
    name,
    sourceId: event.projectId,
    timestamp: new Date(event.timestamp).toISOString(),
    body: JSON.stringify(event),
  };
}
