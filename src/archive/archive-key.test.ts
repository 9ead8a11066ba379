import { describe, expect, it } from "vitest";
import { archiveKey, dayPrefixes, hourPartition, partitionOfKey, partitionOverlaps } from "./archive-key";

describe("archive layout", () => {
  it("partitions by UTC hour of receivedAt", () => {
    expect(hourPartition("2026-03-09T23:59:59.999Z")).toBe("2026-03-09/23");
    expect(hourPartition("2026-03-10T01:30:00+02:00")).toBe("2026-03-09/23");
    expect(archiveKey("src_1", "2026-03-09/23", "s01-000000000001")).toBe("archive/src_1/2026-03-09/23/s01-000000000001.ndjson.gz");
    expect(partitionOfKey("archive/src_1/2026-03-09/23/x.ndjson.gz")).toBe("2026-03-09/23");
    expect(partitionOfKey("dead-letter/x.json")).toBeUndefined();
  });

  it("lists one prefix per UTC day of a range", () => {
    expect(dayPrefixes("s", new Date("2026-03-09T22:00:00Z"), new Date("2026-03-11T01:00:00Z"))).toEqual([
      "archive/s/2026-03-09/",
      "archive/s/2026-03-10/",
      "archive/s/2026-03-11/",
    ]);
  });

  it("keeps partitions that overlap [from, to)", () => {
    const from = new Date("2026-03-09T10:30:00Z");
    const to = new Date("2026-03-09T12:00:00Z");
    expect(partitionOverlaps("2026-03-09/10", from, to)).toBe(true);
    expect(partitionOverlaps("2026-03-09/11", from, to)).toBe(true);
    expect(partitionOverlaps("2026-03-09/12", from, to)).toBe(false);
    expect(partitionOverlaps("2026-03-09/09", from, to)).toBe(false);
  });
});
