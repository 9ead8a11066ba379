import { describe, expect, it } from "vitest";
import { tallyEvents } from "./tally";

const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, "0")}:00.000Z`;

describe("tallyEvents", () => {
  it("folds a batch into one tally per source, type and name, with every path's types", () => {
    const tallies = tallyEvents([
      { event: { type: "track", event: "Viewed", properties: { id: 1 } }, sourceId: "s1", seenAt: at(5), blocked: false },
      { event: { type: "track", event: "Viewed", properties: { id: "x", extra: true } }, sourceId: "s1", seenAt: at(1), blocked: true },
      { event: { type: "page", name: "Home", properties: { path: "/" } }, sourceId: "s1", seenAt: at(2), blocked: false },
      { event: { type: "track", event: "Viewed", properties: {} }, sourceId: "s2", seenAt: at(3), blocked: false },
      { event: { type: "alias", previousId: "a" }, sourceId: "s1", seenAt: at(4), blocked: false },
    ]);
    expect(tallies.map(({ sourceId, type, name, count, blocked }) => ({ sourceId, type, name, count, blocked }))).toEqual([
      { sourceId: "s1", type: "track", name: "Viewed", count: 2, blocked: 1 },
      { sourceId: "s1", type: "track", name: "Page Viewed", count: 1, blocked: 0 },
      { sourceId: "s2", type: "track", name: "Viewed", count: 1, blocked: 0 },
    ]);
    const viewed = tallies[0]!;
    expect([viewed.firstSeen, viewed.lastSeen]).toEqual([at(1), at(5)]);
    expect([...viewed.hours]).toEqual([["2026-03-01T10", 2]]);
    expect(Object.fromEntries([...viewed.paths].map(([path, { types, lastSeen }]) => [path, { types: [...types], lastSeen }]))).toEqual({
      id: { types: ["integer", "string"], lastSeen: at(5) },
      extra: { types: ["boolean"], lastSeen: at(1) },
    });
  });
});
