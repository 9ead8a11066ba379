import { describe, expect, it } from "vitest";
import { countTowardLimit, describeLimit } from "./limits";

const held = (value: string, addedAt: string) => ({ type: "anonymous_id", value, addedAt });

describe("countTowardLimit", () => {
  const identifiers = [
    held("a1", "2026-01-01T00:00:00.000Z"),
    held("a2", "2026-01-05T00:00:00.000Z"),
    held("a3", "2026-01-07T12:00:00.000Z"),
    { type: "user_id", value: "u1", addedAt: "2026-01-01T00:00:00.000Z" },
  ];

  it("counts every value of the type for `ever`", () => {
    expect(countTowardLimit(identifiers, "anonymous_id", { max: 5, window: "ever" }, new Date("2030-01-01T00:00:00Z"))).toBe(3);
  });

  it("counts values added less than a window ago: a weekly window slides", () => {
    const weekly = { max: 5, window: "weekly" } as const;
    expect(countTowardLimit(identifiers, "anonymous_id", weekly, new Date("2026-01-07T23:59:59Z"))).toBe(3);
    expect(countTowardLimit(identifiers, "anonymous_id", weekly, new Date("2026-01-08T00:00:00Z"))).toBe(2);
    expect(countTowardLimit(identifiers, "anonymous_id", weekly, new Date("2026-01-14T12:00:00Z"))).toBe(0);
  });

  it("uses 30-day months and 365-day years", () => {
    const at = new Date("2026-01-31T00:00:00Z");
    expect(countTowardLimit(identifiers, "anonymous_id", { max: 5, window: "monthly" }, at)).toBe(2);
    expect(countTowardLimit(identifiers, "user_id", { max: 1, window: "annually" }, new Date("2026-12-31T23:59:59Z"))).toBe(1);
    expect(countTowardLimit(identifiers, "user_id", { max: 1, window: "annually" }, new Date("2027-01-01T00:00:00Z"))).toBe(0);
  });

  it("describes limits as the settings page does", () => {
    expect(describeLimit({ max: 5, window: "weekly" })).toBe("5 weekly");
  });
});
