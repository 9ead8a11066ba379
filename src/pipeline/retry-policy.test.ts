import { describe, expect, it } from "vitest";
import { computeRetryDelaySeconds } from "./retry-policy";

describe("computeRetryDelaySeconds", () => {
  it("grows exponentially with full jitter and a 5-minute cap", () => {
    expect(computeRetryDelaySeconds(1, 0.999)).toBe(2);
    expect(computeRetryDelaySeconds(4, 0.999)).toBe(16);
    expect(computeRetryDelaySeconds(20, 0.999)).toBe(300);
    expect(computeRetryDelaySeconds(4, 0.5)).toBe(8);
    expect(computeRetryDelaySeconds(4, 0)).toBe(1);
  });
});
