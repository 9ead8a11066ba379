/**
 * Segment's documented identity sequences, replayed through the whole pure pipeline the Durable
 * Object will run: trait-count check → extract → look up → resolve → apply → traits.
 */
import { describe, expect, it } from "vitest";
import { applyPlan, emptyGraph, findProfile, findProfileById, lookupIdentifiers, withTraits, type ProfileRecord } from "./apply-plan";
import { extractIdentifiers } from "./extract-identifiers";
import { compileIdentityConfig, DEFAULT_IDENTITY_CONFIG, type IdentityConfig } from "./identity-config";
import { generateSegmentId } from "./profile-id";
import { resolveIdentity, type ResolutionPlan } from "./resolve";
import { checkIdentifyTraitCount } from "./system-limits";
import { applyTraits, visibleTraits } from "./traits";
import type { Violation } from "./violations";

type Event = Record<string, unknown>;

/** One workspace's identity space, in memory, with a clock that ticks a minute per event. */
class Space {
  graph = emptyGraph();
  violations: Violation[] = [];
  private clock = Date.parse("2026-03-01T00:00:00.000Z");
  private minted = 0;
  private readonly config;

  constructor(config: Partial<IdentityConfig> = {}) {
    this.config = compileIdentityConfig({ ...DEFAULT_IDENTITY_CONFIG, ...config });
  }

  send(event: Event, { collection = "users", at }: { collection?: "users" | "accounts"; at?: string } = {}) {
    this.clock = at ? Date.parse(at) : this.clock + 60_000;
    const now = new Date(this.clock);
    const tooManyTraits = checkIdentifyTraitCount(event);
    if (tooManyTraits) {
      this.violations.push(tooManyTraits);
      return { plan: { kind: "reject", violations: [tooManyTraits], demoted: [] } as ResolutionPlan, profileId: undefined };
    }
    const identifiers = extractIdentifiers(event, this.config.config.customIdentifiers)[collection];
    const { lookup, profiles } = lookupIdentifiers(this.graph, identifiers);
    const plan = resolveIdentity({ identifiers, lookup, profiles, config: this.config, now });
    this.violations.push(...plan.violations);
    const applied = applyPlan(this.graph, plan, {
      now,
      createProfileId: () => generateSegmentId(now, (length) => new Uint8Array(length).fill(++this.minted)),
    });
    this.graph = applied.graph;
    const traits = event.traits;
    // identify traits describe the user, group traits the account.
    const traitCall = collection === "users" ? "identify" : "group";
    if (applied.profileId && event.type === traitCall && traits && typeof traits === "object") {
      const profile = this.graph.profiles.get(applied.profileId)!;
      const update = { timestamp: now.toISOString(), sourceId: "src_web" };
      this.graph = withTraits(this.graph, applied.profileId, applyTraits(profile.traits, traits as Event, update));
    }
    return { plan, profileId: applied.profileId };
  }

  profile(type: string, value: string): ProfileRecord | undefined {
    return findProfile(this.graph, { type, value });
  }

  /** `{type: [values]}` of the profile `type:value` belongs to. */
  identities(type: string, value: string): Record<string, string[]> {
    const grouped: Record<string, string[]> = {};
    for (const identifier of this.profile(type, value)?.identifiers ?? []) (grouped[identifier.type] ??= []).push(identifier.value);
    return grouped;
  }

  reasons(): string[] {
    return this.violations.map((violation) => (violation.type === undefined ? violation.reason : `${violation.reason}: ${violation.type}:${violation.value}`));
  }
}

describe("Segment's e-commerce example (Jane Doe, SegKicks and SegRuns)", () => {
  it("ends with one profile: 3 anonymous_ids, 1 user_id, 1 ios.id, 1 android.id", () => {
    const space = new Space();
    const iphone = { app: "SegKicks", device: { id: "ios_abc123", type: "ios" } };
    space.send({ type: "track", event: "App Opened", anonymousId: "anon_123", context: iphone });
    space.send({ type: "track", event: "ShoeA Clicked", anonymousId: "anon_123", context: iphone });
    space.send({ type: "identify", anonymousId: "anon_123", userId: "abc123def", context: iphone });
    const android = { id: "and_1a2b3c4d", type: "android" };
    space.send({ type: "identify", anonymousId: "anon_456", userId: "abc123def", context: { app: "SegKicks", device: android } });
    space.send({ type: "identify", anonymousId: "anon_789", userId: "abc123def", context: { app: "SegRuns", device: android } });

    expect(space.graph.profiles.size).toBe(1);
    expect(space.identities("user_id", "abc123def")).toEqual({
      anonymous_id: ["anon_123", "anon_456", "anon_789"],
      "ios.id": ["ios_abc123"],
      user_id: ["abc123def"],
      "android.id": ["and_1a2b3c4d"],
    });
    const ids = ["anonymous_id:anon_123", "anonymous_id:anon_789", "ios.id:ios_abc123", "android.id:and_1a2b3c4d", "user_id:abc123def"].map(
      (key) => space.profile(key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1))?.id,
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^use_[0-9A-Za-z]{27}$/);
    expect(space.violations).toEqual([]);
  });
});

describe("Segment's priority example", () => {
  it("a new user_id with a known email gets a new profile holding only that user_id", () => {
    const space = new Space();
    const first = space.send({ type: "identify", userId: "abc123", traits: { email: "jane@example1.com" } });
    const second = space.send({ type: "identify", userId: "abc456", traits: { email: "jane@example1.com" } });

    expect(second.profileId).not.toBe(first.profileId);
    expect(space.identities("user_id", "abc456")).toEqual({ user_id: ["abc456"] });
    expect(space.identities("user_id", "abc123")).toEqual({ user_id: ["abc123"], email: ["jane@example1.com"] });
    expect(space.reasons()).toEqual(["Identifier value limit exceeded: email:jane@example1.com"]);
  });
});

describe("Merge protection (Engage FAQ: anonymous_id a1 not reset at logout)", () => {
  it("u2 on a1 does not merge into u1's profile: u2 gets its own profile and a1 stays with u1", () => {
    const space = new Space();
    const u1 = space.send({ type: "identify", userId: "u1", anonymousId: "a1" });
    const u2 = space.send({ type: "identify", userId: "u2", anonymousId: "a1" });

    expect(u2.plan).toMatchObject({ kind: "create", demoted: [{ type: "anonymous_id", value: "a1" }] });
    expect(space.identities("user_id", "u2")).toEqual({ user_id: ["u2"] });
    expect(space.identities("user_id", "u1")).toEqual({ user_id: ["u1"], anonymous_id: ["a1"] });
    expect(space.reasons()).toEqual(["Identifier value limit exceeded: anonymous_id:a1"]);

    // Later events: anonymous ones still reach u1; u2's keep going to u2's profile, never merging.
    expect(space.send({ type: "track", event: "Viewed", anonymousId: "a1" }).profileId).toBe(u1.profileId);
    expect(space.send({ type: "track", event: "Viewed", userId: "u2", anonymousId: "a1" }).profileId).toBe(u2.profileId);
    expect(space.graph.profiles.size).toBe(2);
  });
});

describe("Blocked values", () => {
  it("a hard-coded QA user_id does not merge different people", () => {
    const space = new Space();
    const first = space.send({ type: "identify", userId: "0", anonymousId: "a1" });
    const second = space.send({ type: "identify", userId: "0", anonymousId: "a2" });
    const third = space.send({ type: "track", event: "x", userId: "null", anonymousId: "anonymous" });

    expect(first.profileId).not.toBe(second.profileId);
    expect(space.profile("user_id", "0")).toBeUndefined();
    expect(third.plan.kind).toBe("reject");
    expect(space.reasons()).toEqual([
      "ID value blocked: user_id:0",
      "ID value blocked: user_id:0",
      "ID value blocked: user_id:null",
      "ID value blocked: anonymous_id:anonymous",
      "No matching identifiers on event",
    ]);
  });
});

describe("ga_client_id across a reset (ExternalIDs doc)", () => {
  const ga = (clientId: string) => ({ "Google Analytics": { clientId } });

  it("a new anonymous_id with the same ga_client_id lands on the same profile", () => {
    const space = new Space();
    const before = space.send({ type: "identify", userId: "u1", anonymousId: "a1", integrations: ga("GA1.1.111") });
    // analytics.reset() at logout: new anonymousId, the GA cookie survives.
    const after = space.send({ type: "page", anonymousId: "a2", integrations: ga("GA1.1.111") });
    expect(after.profileId).toBe(before.profileId);
    expect(space.identities("ga_client_id", "GA1.1.111")).toEqual({
      user_id: ["u1"],
      anonymous_id: ["a1", "a2"],
      ga_client_id: ["GA1.1.111"],
    });
  });

  it("merges two profiles once an event links their anonymous_id to the shared ga_client_id", () => {
    const space = new Space();
    const first = space.send({ type: "page", anonymousId: "a1", integrations: ga("GA1.1.222") });
    const second = space.send({ type: "track", event: "Server Event", anonymousId: "a2" });
    expect(space.graph.profiles.size).toBe(2);

    const linking = space.send({ type: "page", anonymousId: "a2", integrations: ga("GA1.1.222") });
    expect(linking.plan).toMatchObject({ kind: "merge", into: first.profileId, from: [second.profileId] });
    expect(space.graph.profiles.size).toBe(1);
    expect(findProfileById(space.graph, second.profileId!)?.id).toBe(first.profileId);
  });
});

describe("Traits", () => {
  it("null removes a trait; an empty string does not", () => {
    const space = new Space();
    space.send({ type: "identify", userId: "u1", traits: { plan: "pro", trait1: "x", trait2: "y" } });
    space.send({ type: "identify", userId: "u1", traits: { trait1: null, trait2: "" } });
    expect(visibleTraits(space.profile("user_id", "u1")!.traits)).toEqual({ plan: "pro", trait2: "" });
  });

  it("merged profiles keep the newest value of each trait", () => {
    const space = new Space();
    space.send({ type: "identify", anonymousId: "a1", traits: { name: "Jane", plan: "free" } });
    space.send({ type: "identify", userId: "u1", traits: { plan: "pro" } });
    space.send({ type: "identify", userId: "u1", anonymousId: "a1", traits: {} });
    expect(visibleTraits(space.profile("user_id", "u1")!.traits)).toEqual({ name: "Jane", plan: "pro" });
  });
});

describe("Windowed limits", () => {
  it("5 weekly-style limits free up as the window slides", () => {
    const space = new Space({ limits: { user_id: { max: 1, window: "ever" }, anonymous_id: { max: 2, window: "weekly" } } });
    space.send({ type: "identify", userId: "u1", anonymousId: "a1" }, { at: "2026-03-01T00:00:00.000Z" });
    space.send({ type: "identify", userId: "u1", anonymousId: "a2" }, { at: "2026-03-02T00:00:00.000Z" });
    space.send({ type: "identify", userId: "u1", anonymousId: "a3" }, { at: "2026-03-03T00:00:00.000Z" });
    expect(space.identities("user_id", "u1").anonymous_id).toEqual(["a1", "a2"]);
    expect(space.reasons()).toEqual(["Identifier value time limit exceeded: anonymous_id:a3"]);

    space.send({ type: "identify", userId: "u1", anonymousId: "a3" }, { at: "2026-03-08T00:00:00.000Z" });
    expect(space.identities("user_id", "u1").anonymous_id).toEqual(["a1", "a2", "a3"]);
  });
});

describe("System limits", () => {
  it("stops merging into a profile after 100 merges; its events keep resolving", () => {
    const space = new Space({ limits: { user_id: { max: 1, window: "ever" }, anonymous_id: { max: 1000, window: "ever" } } });
    const owner = space.send({ type: "identify", userId: "u1", anonymousId: "a0" }).profileId;
    for (let n = 1; n <= 100; n += 1) {
      space.send({ type: "track", event: "Visit", anonymousId: `a${n}` });
      expect(space.send({ type: "identify", userId: "u1", anonymousId: `a${n}` }).plan.kind).toBe("merge");
    }
    expect(space.profile("user_id", "u1")?.mergeCount).toBe(100);

    const stray = space.send({ type: "track", event: "Visit", anonymousId: "a101" }).profileId;
    const refused = space.send({ type: "identify", userId: "u1", anonymousId: "a101" });
    expect(refused.profileId).toBe(owner);
    expect(space.profile("anonymous_id", "a101")?.id).toBe(stray);
    expect(space.reasons()).toEqual(["Profile merge limit exceeded: anonymous_id:a101"]);
  });

  it("stops adding identifiers at 1,000 mappings; the event still resolves", () => {
    const space = new Space({ defaultLimit: { max: 1000, window: "ever" } });
    const tags = Array.from({ length: 999 }, (_, n) => ({ id: `tag${n}`, type: "device_tag", collection: "users", encoding: "none" }));
    const owner = space.send({ type: "track", event: "Setup", userId: "u1", context: { externalIds: tags } }).profileId;
    expect(space.profile("user_id", "u1")?.identifiers).toHaveLength(1000);

    const next = space.send({ type: "track", event: "Login", userId: "u1", anonymousId: "a1" });
    expect(next.profileId).toBe(owner);
    expect(space.profile("anonymous_id", "a1")).toBeUndefined();
    expect(space.reasons()).toEqual(["Identifier mapping limit exceeded: anonymous_id:a1"]);
  });

  it("rejects an identify call with 300 traits and accepts one with 299", () => {
    const space = new Space();
    const traits = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, n) => [`t${n}`, n]));
    expect(space.send({ type: "identify", userId: "u1", traits: traits(300) }).plan.kind).toBe("reject");
    expect(space.graph.profiles.size).toBe(0);
    expect(space.violations.map((violation) => violation.reason)).toEqual(["Identify trait limit exceeded"]);
    expect(space.send({ type: "identify", userId: "u1", traits: traits(299) }).plan.kind).toBe("create");
  });
});

describe("Accounts (group calls)", () => {
  it("two users of one account stay two people; the account is its own profile keyed by group_id", () => {
    const users = new Space();
    const accounts = new Space();
    for (const userId of ["u1", "u2"]) {
      const group = { type: "group", userId, anonymousId: "shared-office-device", groupId: "acme", traits: { name: "Acme" } };
      users.send(group);
      accounts.send(group, { collection: "accounts" });
    }
    expect(users.graph.profiles.size).toBe(2);
    expect(users.profile("group_id", "acme")).toBeUndefined();
    expect(visibleTraits(users.profile("user_id", "u1")!.traits)).toEqual({});
    expect(accounts.graph.profiles.size).toBe(1);
    expect(visibleTraits(accounts.profile("group_id", "acme")!.traits)).toEqual({ name: "Acme" });
  });
});
