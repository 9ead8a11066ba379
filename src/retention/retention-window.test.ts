import { describe, expect, it } from "vitest";
import { dayVerdict, firstKeptPartition, isExpiredHour } from "./retention-window";

describe("retention window", () => {
  it("keeps the hour the cutoff (now − retention) falls in, and every later one", () => {
    expect(firstKeptPartition(new Date("2026-03-10T12:34:56Z"), 1)).toBe("2026-03-09/12");
    expect(firstKeptPartition(new Date("2026-03-10T12:00:00Z"), 1)).toBe("2026-03-09/12");
    expect(firstKeptPartition(new Date("2026-03-10T11:59:59.999Z"), 1)).toBe("2026-03-09/11");
    expect(firstKeptPartition(new Date("2026-03-01T00:30:00Z"), 30)).toBe("2026-01-30/00");
    expect(firstKeptPartition(new Date("2026-03-10T00:00:00Z"), 3650)).toBe("2016-03-12/00");
  });

  it("deletes whole days before the first kept hour, looks into its day by hour, keeps later days", () => {
    const firstKept = "2026-03-09/12";
    expect(dayVerdict("2026-03-08", firstKept)).toBe("delete");
    expect(dayVerdict("2025-12-31", firstKept)).toBe("delete");
    expect(dayVerdict("2026-03-09", firstKept)).toBe("hours");
    expect(dayVerdict("2026-03-10", firstKept)).toBe("keep");
    expect(dayVerdict("not-a-day", firstKept)).toBe("keep");
    expect(dayVerdict("0000", firstKept)).toBe("keep");

    expect(isExpiredHour("00", firstKept)).toBe(true);
    expect(isExpiredHour("11", firstKept)).toBe(true);
    expect(isExpiredHour("12", firstKept)).toBe(false);
    expect(isExpiredHour("23", firstKept)).toBe(false);
    expect(isExpiredHour("1", firstKept)).toBe(false);
    expect(isExpiredHour("00", "2026-03-09/00")).toBe(false);
  });
});
