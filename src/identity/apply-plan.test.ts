import { describe, expect, it } from "vitest";
import { applyPlan, emptyGraph, findProfile, findProfileById, lookupIdentifiers, withTraits, type IdentityGraph } from "./apply-plan";
import type { ResolutionPlan } from "./resolve";
import { applyTraits, visibleTraits } from "./traits";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const T1 = new Date("2026-01-02T00:00:00.000Z");
const none = { violations: [], demoted: [] };

function create(graph: IdentityGraph, id: string, identifiers: [string, string][], now = T0): IdentityGraph {
  const plan: ResolutionPlan = { kind: "create", newIdentifiers: identifiers.map(([type, value]) => ({ type, value })), ...none };
  return applyPlan(graph, plan, { now, createProfileId: () => id }).graph;
}

describe("applyPlan", () => {
  it("creates a profile and indexes its identifiers", () => {
    const { graph, profileId } = applyPlan(
      emptyGraph(),
      { kind: "create", newIdentifiers: [{ type: "anonymous_id", value: "a1" }], ...none },
      { now: T0, createProfileId: () => "use_1" },
    );
    expect(profileId).toBe("use_1");
    expect(findProfile(graph, { type: "anonymous_id", value: "a1" })).toEqual({
      id: "use_1",
      createdAt: "2026-01-01T00:00:00.000Z",
      mergeCount: 0,
      identifiers: [{ type: "anonymous_id", value: "a1", addedAt: "2026-01-01T00:00:00.000Z" }],
      traits: {},
    });
  });

  it("adds identifiers with the time they were added, leaving the input graph untouched", () => {
    const before = create(emptyGraph(), "use_1", [["anonymous_id", "a1"]]);
    const { graph } = applyPlan(
      before,
      { kind: "add", profileId: "use_1", newIdentifiers: [{ type: "user_id", value: "u1" }], ...none },
      { now: T1, createProfileId: () => "unused" },
    );
    expect(findProfile(graph, { type: "user_id", value: "u1" })?.identifiers).toEqual([
      { type: "anonymous_id", value: "a1", addedAt: "2026-01-01T00:00:00.000Z" },
      { type: "user_id", value: "u1", addedAt: "2026-01-02T00:00:00.000Z" },
    ]);
    expect(findProfile(before, { type: "user_id", value: "u1" })).toBeUndefined();
  });

  it("merges: moves identifiers and traits, counts merges, and keeps old ids resolvable", () => {
    let graph = create(emptyGraph(), "use_1", [["user_id", "u1"]]);
    graph = withTraits(graph, "use_1", applyTraits({}, { name: "Jane" }, { timestamp: "2026-01-01T00:00:00Z", sourceId: "s" }));
    graph = create(graph, "use_2", [["anonymous_id", "a2"]], T1);
    graph = withTraits(graph, "use_2", applyTraits({}, { plan: "pro" }, { timestamp: "2026-01-02T00:00:00Z", sourceId: "s" }));
    graph = create(graph, "use_3", [["anonymous_id", "a3"]], T1);

    const merged = applyPlan(
      graph,
      { kind: "merge", into: "use_1", from: ["use_2", "use_3"], newIdentifiers: [{ type: "email", value: "j@x.io" }], ...none },
      { now: T1, createProfileId: () => "unused" },
    ).graph;

    const survivor = findProfile(merged, { type: "anonymous_id", value: "a3" });
    expect(survivor?.id).toBe("use_1");
    expect(survivor?.mergeCount).toBe(2);
    expect(survivor?.identifiers.map((identifier) => identifier.value)).toEqual(["u1", "a2", "a3", "j@x.io"]);
    expect(visibleTraits(survivor!.traits)).toEqual({ name: "Jane", plan: "pro" });
    expect([...merged.profiles.keys()]).toEqual(["use_1"]);
    expect(findProfileById(merged, "use_3")?.id).toBe("use_1");
  });

  it("follows chains of merges from any old id", () => {
    let graph = create(emptyGraph(), "use_1", [["user_id", "u1"]]);
    graph = create(graph, "use_2", [["anonymous_id", "a2"]]);
    graph = create(graph, "use_3", [["anonymous_id", "a3"]]);
    const step = (g: IdentityGraph, into: string, from: string) =>
      applyPlan(g, { kind: "merge", into, from: [from], newIdentifiers: [], ...none }, { now: T1, createProfileId: () => "x" }).graph;
    graph = step(step(graph, "use_2", "use_3"), "use_1", "use_2");
    expect(findProfileById(graph, "use_3")?.id).toBe("use_1");
    expect(findProfileById(graph, "use_404")).toBeUndefined();
  });

  it("refuses a stale plan that would map one identifier to two profiles", () => {
    const graph = create(emptyGraph(), "use_1", [["user_id", "u1"]]);
    const stale: ResolutionPlan = { kind: "create", newIdentifiers: [{ type: "user_id", value: "u1" }], ...none };
    expect(() => applyPlan(graph, stale, { now: T1, createProfileId: () => "use_2" })).toThrow(/already belongs to use_1; resolve again/);
  });

  it("leaves the graph alone for a rejected event", () => {
    const graph = emptyGraph();
    expect(applyPlan(graph, { kind: "reject", ...none }, { now: T0, createProfileId: () => "x" })).toEqual({ graph });
  });
});

describe("lookupIdentifiers", () => {
  it("answers which profile each known identifier maps to, with those profiles", () => {
    const graph = create(emptyGraph(), "use_1", [
      ["user_id", "u1"],
      ["anonymous_id", "a1"],
    ]);
    const { lookup, profiles } = lookupIdentifiers(graph, [
      { type: "anonymous_id", value: "a1" },
      { type: "email", value: "new@x.io" },
    ]);
    expect(lookup).toEqual(new Map([["anonymous_id:a1", "use_1"]]));
    expect([...profiles.keys()]).toEqual(["use_1"]);
  });
});
