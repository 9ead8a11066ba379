import { describe, expect, it } from "vitest";
import { applyTraits, mergeTraitStates, verboseTraits, visibleTraits } from "./traits";

const at = (timestamp: string, sourceId = "src_web") => ({ timestamp, sourceId });

describe("applyTraits", () => {
  it("keeps value, source_id and updated_at per trait for `verbose`", () => {
    const state = applyTraits({}, { first_name: "Bob", plan: "pro" }, at("2026-01-01T10:00:00Z"));
    expect(verboseTraits(state)).toEqual({
      first_name: { value: "Bob", source_id: "src_web", updated_at: "2026-01-01T10:00:00.000Z" },
      plan: { value: "pro", source_id: "src_web", updated_at: "2026-01-01T10:00:00.000Z" },
    });
  });

  it("lets the newest event win per trait, whatever the arrival order", () => {
    const newer = applyTraits({}, { plan: "enterprise", city: "Paris" }, at("2026-01-02T00:00:00Z", "src_crm"));
    const thenOlder = applyTraits(newer, { plan: "free", age: 40 }, at("2026-01-01T00:00:00Z", "src_web"));
    expect(visibleTraits(thenOlder)).toEqual({ plan: "enterprise", city: "Paris", age: 40 });
    expect(thenOlder.plan?.source_id).toBe("src_crm");
  });

  it("compares instants, not strings, across offsets and precisions", () => {
    const state = applyTraits({}, { plan: "a" }, at("2026-01-01T12:00:00.500Z"));
    expect(visibleTraits(applyTraits(state, { plan: "b" }, at("2026-01-01T13:00:00+02:00")))).toEqual({ plan: "a" });
  });

  it("removes a trait set to null, and an older event cannot bring it back", () => {
    const set = applyTraits({}, { trait1: "x", trait2: "y" }, at("2026-01-01T00:00:00Z"));
    const removed = applyTraits(set, { trait1: null, trait2: "" }, at("2026-01-02T00:00:00Z"));
    expect(visibleTraits(removed)).toEqual({ trait2: "" });
    const late = applyTraits(removed, { trait1: "stale" }, at("2026-01-01T12:00:00Z"));
    expect(visibleTraits(late)).toEqual({ trait2: "" });
    const again = applyTraits(late, { trait1: "fresh" }, at("2026-01-03T00:00:00Z"));
    expect(visibleTraits(again)).toEqual({ trait1: "fresh", trait2: "" });
  });

  it("lets the later-applied event win a tie, and does not mutate its input", () => {
    const first = applyTraits({}, { plan: "a" }, at("2026-01-01T00:00:00Z"));
    const second = applyTraits(first, { plan: "b" }, at("2026-01-01T00:00:00Z"));
    expect(visibleTraits(second)).toEqual({ plan: "b" });
    expect(visibleTraits(first)).toEqual({ plan: "a" });
  });

  it("refuses a timestamp that is not one", () => {
    expect(() => applyTraits({}, { a: 1 }, at("yesterday"))).toThrow(/not an ISO-8601 timestamp/);
  });
});

describe("mergeTraitStates", () => {
  it("keeps the newest entry per trait, removals included; ties keep the survivor's", () => {
    const survivor = applyTraits({}, { name: "Jane", plan: "pro", city: "Lyon" }, at("2026-01-02T00:00:00Z"));
    const absorbedOld = applyTraits({}, { name: "J.", phone: "555" }, at("2026-01-01T00:00:00Z"));
    const absorbed = applyTraits(absorbedOld, { plan: null, city: "Nice" }, at("2026-01-03T00:00:00Z"));
    expect(visibleTraits(mergeTraitStates(survivor, absorbed))).toEqual({ name: "Jane", phone: "555", city: "Nice" });

    const tie = applyTraits({}, { name: "Other" }, at("2026-01-02T00:00:00Z"));
    expect(visibleTraits(mergeTraitStates(survivor, tie)).name).toBe("Jane");
  });
});

describe("traits named like Object.prototype's members", () => {
  const names = ["constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__"];

  it("are set, updated, removed and merged like any other trait", () => {
    const traits = Object.fromEntries(names.map((name) => [name, `${name}-1`]));
    const first = applyTraits({}, traits, at("2026-01-01T00:00:00Z"));
    expect(visibleTraits(first)).toEqual(traits);
    const second = applyTraits(first, { constructor: "c-2", toString: null }, at("2026-01-02T00:00:00Z"));
    expect(visibleTraits(second)).toMatchObject({ constructor: "c-2", valueOf: "valueOf-1" });
    expect(Object.keys(visibleTraits(second))).not.toContain("toString");
    const merged = mergeTraitStates(applyTraits({}, { hasOwnProperty: "mine" }, at("2026-01-03T00:00:00Z")), second);
    expect(visibleTraits(merged)).toMatchObject({ hasOwnProperty: "mine", constructor: "c-2" });
  });
});
