import { describe, expect, it } from "vitest";
import type { Identifier } from "../identity/identifier";
import { resolveCoverage, type CoverageReader } from "./coverage";

interface FakeProfile {
  identifiers: Identifier[];
  mergedInto?: string;
}

/** An identity graph in memory: the index maps keys to profiles; counts describe calls and how many run at once. */
function fakeGraph(index: Record<string, string>, profiles: Record<string, FakeProfile>) {
  const stats = { describes: [] as string[], lookups: 0, inFlight: 0, maxInFlight: 0 };
  const reader: CoverageReader = {
    lookup: (keys) => {
      stats.lookups += 1;
      return Promise.resolve(new Map(keys.flatMap((key) => (index[key] ? [[key, index[key]] as [string, string]] : []))));
    },
    describe: async (id) => {
      stats.describes.push(id);
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      await Promise.resolve();
      stats.inFlight -= 1;
      const profile = profiles[id];
      return { exists: profile !== undefined, mergedInto: profile?.mergedInto ?? null, identifiers: profile?.identifiers ?? [] };
    },
  };
  return { reader, stats };
}

const id = (type: string, value: string): Identifier => ({ type, value });

describe("resolveCoverage", () => {
  it("covers each userId's key and every identifier of its profile; a userId without a profile covers its own key", async () => {
    const { reader, stats } = fakeGraph(
      { "user_id:u1": "p1" },
      { p1: { identifiers: [id("user_id", "u1"), id("anonymous_id", "a1"), id("email", "ann@example.com"), id("ios.id", "dev-1")] } },
    );
    const coverage = await resolveCoverage(["u1", "nobody", "u1"], reader);
    expect(coverage.bySubject).toEqual(
      new Map([
        ["u1", ["user_id:u1", "anonymous_id:a1", "email:ann@example.com", "ios.id:dev-1"]],
        ["nobody", ["user_id:nobody"]],
      ]),
    );
    expect(coverage.keys).toEqual(["anonymous_id:a1", "email:ann@example.com", "ios.id:dev-1", "user_id:nobody", "user_id:u1"]);
    expect(stats.lookups).toBe(1);
  });

  it("follows merges to the live profile and keeps the keys of every profile on the way", async () => {
    // p1 was merged into p2, which was merged into p3; p3 has not absorbed p1's a1 yet (merge pending).
    const { reader } = fakeGraph(
      { "user_id:u1": "p1" },
      {
        p1: { identifiers: [id("user_id", "u1"), id("anonymous_id", "a1")], mergedInto: "p2" },
        p2: { identifiers: [id("anonymous_id", "a2")], mergedInto: "p3" },
        p3: { identifiers: [id("user_id", "u1"), id("anonymous_id", "a2"), id("anonymous_id", "a3")] },
      },
    );
    const coverage = await resolveCoverage(["u1"], reader);
    expect(coverage.bySubject.get("u1")).toEqual(["user_id:u1", "anonymous_id:a1", "anonymous_id:a2", "anonymous_id:a3"]);
  });

  it("describes a profile shared by several userIds once, and each of them covers the other's key", async () => {
    const { reader, stats } = fakeGraph({ "user_id:u1": "p1", "user_id:u2": "p1" }, { p1: { identifiers: [id("user_id", "u1"), id("user_id", "u2")] } });
    const coverage = await resolveCoverage(["u1", "u2"], reader);
    expect(coverage.bySubject.get("u1")).toEqual(["user_id:u1", "user_id:u2"]);
    expect(coverage.bySubject.get("u2")).toEqual(["user_id:u2", "user_id:u1"]);
    expect(stats.describes).toEqual(["p1"]);
  });

  it("describes at most `concurrency` profiles at a time, however many userIds there are", async () => {
    const count = 5_000;
    const index = Object.fromEntries(Array.from({ length: count }, (_, i) => [`user_id:u${i}`, `p${i}`]));
    const profiles = Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, { identifiers: [id("anonymous_id", `a${i}`)] }]));
    const { reader, stats } = fakeGraph(index, profiles);
    const coverage = await resolveCoverage(
      Array.from({ length: count }, (_, i) => `u${i}`),
      reader,
      8,
    );
    expect(coverage.keys).toHaveLength(2 * count);
    expect(stats.describes).toHaveLength(count);
    expect(stats.maxInFlight).toBe(8);
  });

  it("refuses a merge chain that never ends (a cycle)", async () => {
    const { reader } = fakeGraph({ "user_id:u1": "p1" }, { p1: { identifiers: [], mergedInto: "p2" }, p2: { identifiers: [], mergedInto: "p1" } });
    await expect(resolveCoverage(["u1"], reader)).rejects.toThrow(/forwards more than 20 times/);
  });
});
