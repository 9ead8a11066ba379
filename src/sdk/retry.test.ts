import { describe, expect, it } from "vitest";
import { computeBackoff, isRetryableStatus } from "./retry";

describe("computeBackoff", () => {
  it("doubles from 1 s with jitter between half and the whole step, capped at a minute", () => {
    expect(computeBackoff(1, 0)).toBe(500);
    expect(computeBackoff(1, 0.999)).toBe(1000);
    expect(computeBackoff(4, 0)).toBe(4000);
    expect(computeBackoff(4, 0.999)).toBe(7996);
    expect(computeBackoff(30, 0.999)).toBeLessThanOrEqual(60_000);
  });

  it("honours Retry-After in seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(computeBackoff(1, 0.5, "7", now)).toBe(7000);
    expect(computeBackoff(1, 0.5, "Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(computeBackoff(1, 0.5, "3600", now)).toBe(60_000);
    expect(computeBackoff(1, 0, "soon", now)).toBe(500);
  });
});

describe("isRetryableStatus", () => {
  it("retries rate limits, timeouts and server errors, not other client errors", () => {
    expect([429, 408, 500, 503].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 413].some(isRetryableStatus)).toBe(false);
  });
});
