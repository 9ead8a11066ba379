import { describe, expect, it } from "vitest";
import { groupBySharedIdentifiers } from "./group-events";

describe("groupBySharedIdentifiers", () => {
  it("joins events that share any key, transitively, keeping message order", () => {
    const events = [
      { id: 1, keys: ["a"] },
      { id: 2, keys: ["x"] },
      { id: 3, keys: ["b"] },
      { id: 4, keys: ["a", "b"] },
      { id: 5, keys: ["x", "y"] },
      { id: 6, keys: [] },
    ];
    const groups = groupBySharedIdentifiers(events, (event) => event.keys).map((group) => group.map((event) => event.id));
    expect(groups).toEqual([[1, 3, 4], [2, 5], [6]]);
  });
});
