import { describe, expect, it } from "vitest";
import { identifierKey, type Identifier } from "./identifier";
import { compileIdentityConfig, DEFAULT_IDENTITY_CONFIG, type IdentityConfig } from "./identity-config";
import { chooseSurvivor, resolveIdentity, type CandidateProfile } from "./resolve";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const EARLIER = "2026-01-01T00:00:00.000Z";

function id(type: string, value: string): Identifier {
  return { type, value };
}

function profile(profileId: string, identifiers: Identifier[], options: Partial<CandidateProfile> = {}): CandidateProfile {
  return {
    id: profileId,
    createdAt: EARLIER,
    mergeCount: 0,
    identifiers: identifiers.map((identifier) => ({ ...identifier, addedAt: EARLIER })),
    ...options,
  };
}

/** Resolves `identifiers` against `profiles`, building the lookup a graph would answer. */
function resolve(identifiers: Identifier[], profiles: CandidateProfile[] = [], config: Partial<IdentityConfig> = {}, now = NOW) {
  const lookup = new Map<string, string>();
  for (const candidate of profiles) {
    for (const held of candidate.identifiers) lookup.set(identifierKey(held), candidate.id);
  }
  const wanted = new Set(identifiers.map(identifierKey));
  for (const key of [...lookup.keys()]) if (!wanted.has(key)) lookup.delete(key);
  return resolveIdentity({
    identifiers,
    lookup,
    profiles: new Map(profiles.map((candidate) => [candidate.id, candidate])),
    config: compileIdentityConfig({ ...DEFAULT_IDENTITY_CONFIG, ...config }),
    now,
  });
}

describe("resolveIdentity: flat matching", () => {
  it("creates a profile when no identifier matches", () => {
    expect(resolve([id("anonymous_id", "anon_123"), id("ios.id", "ios_abc123")])).toEqual({
      kind: "create",
      newIdentifiers: [id("anonymous_id", "anon_123"), id("ios.id", "ios_abc123")],
      violations: [],
      demoted: [],
    });
  });

  it("adds the event's new identifiers to the one profile that matches", () => {
    const jane = profile("use_jane", [id("anonymous_id", "anon_123")]);
    expect(resolve([id("user_id", "abc123def"), id("anonymous_id", "anon_123")], [jane])).toEqual({
      kind: "add",
      profileId: "use_jane",
      newIdentifiers: [id("user_id", "abc123def")],
      violations: [],
      demoted: [],
    });
  });

  it("merges several matching profiles into the oldest", () => {
    const web = profile("use_web", [id("anonymous_id", "a_web")], { createdAt: "2026-02-01T00:00:00.000Z" });
    const app = profile("use_app", [id("ios.id", "i1"), id("user_id", "u1")], { createdAt: "2026-01-15T00:00:00.000Z" });
    const plan = resolve([id("user_id", "u1"), id("anonymous_id", "a_web"), id("email", "j@x.io")], [web, app]);
    expect(plan).toMatchObject({ kind: "merge", into: "use_app", from: ["use_web"], newIdentifiers: [id("email", "j@x.io")] });
  });
});

describe("resolveIdentity: limits and priority", () => {
  it("reproduces Segment's example: a new user_id sharing an email gets a new profile with only the user_id", () => {
    const existing = profile("use_1", [id("user_id", "abc123"), id("email", "jane@example1.com")]);
    const plan = resolve([id("user_id", "abc456"), id("email", "jane@example1.com")], [existing]);
    expect(plan).toMatchObject({ kind: "create", newIdentifiers: [id("user_id", "abc456")], demoted: [id("email", "jane@example1.com")] });
    expect(plan.violations).toEqual([
      {
        reason: "Identifier value limit exceeded",
        type: "email",
        value: "jane@example1.com",
        message: expect.stringMatching(/the profile would hold 2 user_id values, over the limit of 1 ever/) as string,
      },
    ]);
  });

  it("protects merges: two profiles with different user_ids never merge through a shared anonymous_id", () => {
    const first = profile("use_1", [id("user_id", "u1"), id("anonymous_id", "a1")]);
    const second = profile("use_2", [id("user_id", "u2")], { createdAt: "2026-02-01T00:00:00.000Z" });
    const plan = resolve([id("user_id", "u2"), id("anonymous_id", "a1")], [first, second]);
    expect(plan).toMatchObject({ kind: "add", profileId: "use_2", newIdentifiers: [], demoted: [id("anonymous_id", "a1")] });
  });

  it("demotes the lowest-priority identifier first, even when another type is over its limit", () => {
    const existing = profile("use_1", [id("user_id", "u1"), id("email", "e1")]);
    const plan = resolve([id("user_id", "u2"), id("email", "e1"), id("anonymous_id", "a9")], [existing]);
    expect(plan).toMatchObject({ kind: "create", newIdentifiers: [id("user_id", "u2")] });
    expect(plan.demoted).toEqual([id("anonymous_id", "a9"), id("email", "e1")]);
  });

  it("keeps a sixth anonymous_id off a profile limited to 5, and still resolves the event to it", () => {
    const anonymous = [1, 2, 3, 4, 5].map((n) => id("anonymous_id", `a${n}`));
    const existing = profile("use_1", [id("user_id", "u1"), ...anonymous]);
    const plan = resolve([id("user_id", "u1"), id("anonymous_id", "a6")], [existing]);
    expect(plan).toMatchObject({ kind: "add", profileId: "use_1", newIdentifiers: [], demoted: [id("anonymous_id", "a6")] });
    expect(plan.violations[0]?.reason).toBe("Identifier value limit exceeded");
  });

  it("counts windowed limits over a sliding window and names the time limit", () => {
    const weekly = { limits: { user_id: { max: 1, window: "ever" as const }, anonymous_id: { max: 2, window: "weekly" as const } } };
    const existing: CandidateProfile = {
      ...profile("use_1", []),
      identifiers: [
        { type: "user_id", value: "u1", addedAt: "2026-01-01T00:00:00.000Z" },
        { type: "anonymous_id", value: "a1", addedAt: "2026-03-01T00:00:00.000Z" },
        { type: "anonymous_id", value: "a2", addedAt: "2026-03-01T06:00:00.000Z" },
      ],
    };
    const within = resolve([id("user_id", "u1"), id("anonymous_id", "a3")], [existing], weekly, new Date("2026-03-03T00:00:00.000Z"));
    expect(within).toMatchObject({ kind: "add", newIdentifiers: [], demoted: [id("anonymous_id", "a3")] });
    expect(within.violations[0]).toMatchObject({
      reason: "Identifier value time limit exceeded",
      message: expect.stringMatching(/3 anonymous_id values added within the weekly window, over the limit of 2 weekly/) as string,
    });
    const weekLater = resolve([id("user_id", "u1"), id("anonymous_id", "a3")], [existing], weekly, new Date("2026-03-08T00:00:00.000Z"));
    expect(weekLater).toMatchObject({ kind: "add", newIdentifiers: [id("anonymous_id", "a3")], violations: [] });
  });

  it("demotes the later of two same-priority identifiers", () => {
    const first = profile("use_1", [id("user_id", "u1"), id("anonymous_id", "a1")]);
    const second = profile("use_2", [id("user_id", "u2"), id("anonymous_id", "a2")]);
    const plan = resolve([id("anonymous_id", "a1"), id("anonymous_id", "a2")], [first, second]);
    expect(plan).toMatchObject({ kind: "add", profileId: "use_1", demoted: [id("anonymous_id", "a2")] });
  });

  it("keeps resolving to a profile already over a limit made stricter later, without making it worse", () => {
    const legacy = profile("use_1", [id("user_id", "u1"), id("user_id", "u2"), id("anonymous_id", "a1")]);
    expect(resolve([id("user_id", "u1"), id("anonymous_id", "a2")], [legacy])).toMatchObject({
      kind: "add",
      newIdentifiers: [id("anonymous_id", "a2")],
      violations: [],
    });
    expect(resolve([id("user_id", "u1"), id("user_id", "u3")], [legacy])).toMatchObject({
      kind: "add",
      newIdentifiers: [],
      demoted: [id("user_id", "u3")],
    });
  });

  it("honours a configuration where one person may have two user_ids", () => {
    const existing = profile("use_1", [id("user_id", "shopify_1"), id("email", "jane@example1.com")]);
    const plan = resolve([id("user_id", "uuid_1"), id("email", "jane@example1.com")], [existing], {
      limits: { email: { max: 1, window: "ever" }, user_id: { max: 2, window: "ever" } },
    });
    expect(plan).toMatchObject({ kind: "add", profileId: "use_1", newIdentifiers: [id("user_id", "uuid_1")] });
  });
});

describe("resolveIdentity: blocked values and system limits", () => {
  it("drops blocked values before matching and rejects an event left with none", () => {
    const plan = resolve([id("user_id", "0"), id("anonymous_id", "anonymous")]);
    expect(plan.kind).toBe("reject");
    expect(plan.violations.map((violation) => violation.reason)).toEqual(["ID value blocked", "ID value blocked", "No matching identifiers on event"]);
  });

  it("stops merging at 100 merges but still resolves the event", () => {
    const big = profile("use_big", [id("user_id", "u1")], { mergeCount: 100 });
    const other = profile("use_other", [id("anonymous_id", "a1")], { createdAt: "2026-02-01T00:00:00.000Z" });
    const plan = resolve([id("user_id", "u1"), id("anonymous_id", "a1")], [big, other]);
    expect(plan).toMatchObject({ kind: "add", profileId: "use_big", demoted: [id("anonymous_id", "a1")] });
    expect(plan.violations[0]).toMatchObject({ reason: "Profile merge limit exceeded", message: expect.stringMatching(/101 merges/) as string });

    const merged = profile("use_big", [id("user_id", "u1")], { mergeCount: 98 });
    expect(resolve([id("user_id", "u1"), id("anonymous_id", "a1")], [merged, other]).kind).toBe("merge");
  });

  it("stops adding identifiers at 1,000 mappings, keeps the highest-priority ones, and still resolves", () => {
    const limits = { defaultLimit: { max: 1000, window: "ever" as const } };
    const tags = Array.from({ length: 999 }, (_, n) => id("device_tag", `t${n}`));
    const full = profile("use_1", [id("user_id", "u1"), ...tags]);
    const plan = resolve([id("user_id", "u1"), id("email", "e1"), id("anonymous_id", "a1")], [full], limits);
    expect(plan).toMatchObject({ kind: "add", profileId: "use_1", newIdentifiers: [] });
    expect(plan.violations.map((violation) => [violation.reason, violation.type])).toEqual([
      ["Identifier mapping limit exceeded", "email"],
      ["Identifier mapping limit exceeded", "anonymous_id"],
    ]);

    const almost = profile("use_1", [id("user_id", "u1"), ...tags.slice(1)]);
    const partly = resolve([id("user_id", "u1"), id("anonymous_id", "a1"), id("email", "e1")], [almost], limits);
    expect(partly).toMatchObject({ kind: "add", newIdentifiers: [id("email", "e1")] });
    expect(partly.violations).toEqual([expect.objectContaining({ reason: "Identifier mapping limit exceeded", type: "anonymous_id" })]);
  });

  it("refuses a merge whose profiles together hold more than 1,000 identifiers", () => {
    const limits = { defaultLimit: { max: 1000, window: "ever" as const } };
    const first = profile("use_1", [id("user_id", "u1"), ...Array.from({ length: 599 }, (_, n) => id("device_tag", `t${n}`))]);
    const second = profile(
      "use_2",
      Array.from({ length: 402 }, (_, n) => id("anonymous_id", `a${n}`)),
      {
        createdAt: "2026-02-01T00:00:00.000Z",
      },
    );
    const plan = resolve([id("user_id", "u1"), id("anonymous_id", "a0")], [first, second], limits);
    expect(plan).toMatchObject({ kind: "add", profileId: "use_1", demoted: [id("anonymous_id", "a0")] });
    expect(plan.violations[0]?.reason).toBe("Identifier mapping limit exceeded");
  });

  it("throws when the lookup names a profile it was not given", () => {
    expect(() =>
      resolveIdentity({
        identifiers: [id("user_id", "u1")],
        lookup: new Map([["user_id:u1", "use_missing"]]),
        profiles: new Map(),
        config: compileIdentityConfig(),
        now: NOW,
      }),
    ).toThrow(/use_missing/);
  });
});

describe("chooseSurvivor", () => {
  it("keeps the oldest profile, then the smallest id", () => {
    expect(
      chooseSurvivor([
        { id: "use_b", createdAt: "2026-01-02T00:00:00Z" },
        { id: "use_c", createdAt: "2026-01-01T00:00:00Z" },
        { id: "use_a", createdAt: "2026-01-01T00:00:00Z" },
      ]).id,
    ).toBe("use_a");
  });
});

describe("resolveIdentity: defensive edges", () => {
  it("never builds an empty profile, even from rules that skipped validation", () => {
    const plan = resolve([id("phone", "p1")], [], { defaultLimit: { max: 0, window: "ever" } });
    expect(plan).toMatchObject({ kind: "reject", demoted: [id("phone", "p1")] });
    expect(plan.violations.map((violation) => violation.reason)).toEqual(["Identifier value limit exceeded", "No matching identifiers on event"]);
  });

  it("deduplicates the event's identifiers", () => {
    expect(resolve([id("user_id", "u1"), id("user_id", "u1")])).toMatchObject({ kind: "create", newIdentifiers: [id("user_id", "u1")] });
  });
});
