import { describe, expect, it } from "vitest";
import { computeBackoffSeconds, type BackoffPolicy } from "./backoff";

describe("computeBackoffSeconds", () => {
  const full: BackoffPolicy = { baseSeconds: 2, capSeconds: 300, jitter: "full" };
  const equal: BackoffPolicy = { baseSeconds: 10, capSeconds: 3_600, jitter: "equal" };

  it("doubles the step from the base per attempt, up to the cap", () => {
    expect([1, 2, 3, 4].map((attempt) => computeBackoffSeconds(full, attempt, 0.999))).toEqual([2, 4, 8, 16]);
    expect(computeBackoffSeconds(full, 20, 0.999)).toBe(300);
    expect(computeBackoffSeconds(equal, 20, 1)).toBe(3_600);
    expect(computeBackoffSeconds(full, 0, 0.999)).toBe(2); // no attempt yet reads as the first
  });

  it("full jitter picks anywhere in the step, never below a second", () => {
    expect(computeBackoffSeconds(full, 4, 0.5)).toBe(8);
    expect(computeBackoffSeconds(full, 4, 0)).toBe(1);
  });

  it("equal jitter keeps at least half the step", () => {
    expect(computeBackoffSeconds(equal, 1, 0)).toBe(5);
    expect(computeBackoffSeconds(equal, 1, 0.999)).toBe(10);
    expect(computeBackoffSeconds(equal, 4, 0)).toBe(40);
    expect(computeBackoffSeconds({ ...equal, baseSeconds: 1 }, 1, 0)).toBe(1);
  });
});
