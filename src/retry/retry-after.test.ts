import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads delay-seconds", () => {
    expect(parseRetryAfter("2", now)).toBe(2);
    expect(parseRetryAfter(" 120 ", now)).toBe(120);
    expect(parseRetryAfter("0", now)).toBe(0);
  });

  it("reads an HTTP-date in each of its formats as seconds from now", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Thursday, 01-Jan-26 00:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Thu Jan  1 00:00:05 2026", now)).toBe(5);
  });

  it("answers 0 for a date already past", () => {
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
  });

  it("answers null for an absent or unreadable value", () => {
    for (const garbage of [null, undefined, "", "soon", "-5", "1.5", "2 minutes", "May", "Thu, 99 Foo 2026 00:00:00 GMT"]) {
      expect(parseRetryAfter(garbage, now), String(garbage)).toBeNull();
    }
  });
});
