import { describe, expect, it } from "vitest";
import { generateSegmentId, isSegmentId } from "./profile-id";

const zeros = (length: number) => new Uint8Array(length);
const ones = (length: number) => new Uint8Array(length).fill(255);

describe("generateSegmentId", () => {
  it("is `use_` and a 27-character KSUID, as Segment's ids look", () => {
    const id = generateSegmentId(new Date("2026-03-01T12:00:00Z"), (length) => crypto.getRandomValues(new Uint8Array(length)));
    expect(id).toMatch(/^use_[0-9A-Za-z]{27}$/);
    expect(isSegmentId(id)).toBe(true);
    expect(isSegmentId("use_4paotyretuj4Ta2bEYQ0vKOq1e7")).toBe(true);
    expect(isSegmentId("usr_4paotyretuj4Ta2bEYQ0vKOq1e7")).toBe(false);
  });

  it("encodes the KSUID bounds exactly", () => {
    expect(generateSegmentId(new Date(1_400_000_000_000), zeros)).toBe("use_000000000000000000000000000");
    expect(generateSegmentId(new Date((1_400_000_000 + 2 ** 32 - 1) * 1000), ones)).toBe("use_aWgEPTl1tmebfsQzFP4bxwgy80V");
  });

  it("sorts by creation time as a string, and differs with the random bytes", () => {
    const earlier = generateSegmentId(new Date("2026-03-01T12:00:00Z"), ones);
    const later = generateSegmentId(new Date("2026-03-01T12:00:01Z"), zeros);
    expect(earlier < later).toBe(true);
    expect(generateSegmentId(new Date("2026-03-01T12:00:00Z"), zeros)).not.toBe(earlier);
  });

  it("refuses times outside the KSUID range and short random sources", () => {
    expect(() => generateSegmentId(new Date("2010-01-01T00:00:00Z"), zeros)).toThrow(/outside the KSUID time range/);
    expect(() => generateSegmentId(new Date("2026-01-01T00:00:00Z"), () => new Uint8Array(4))).toThrow(/returned 4 bytes/);
  });
});
