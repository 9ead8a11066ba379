import { describe, expect, it } from "vitest";
import type { WarehouseSync } from "../store/warehouse-syncs";
import { isSyncDue, syncIntervalMinutes } from "./schedule";

const sync = (createdAt: string, status: WarehouseSync["status"] = "succeeded"): WarehouseSync => ({
  id: "s",
  sourceId: "src",
  status,
  trigger: "schedule",
  full: false,
  createdAt,
  hoursTotal: 0,
  hoursSynced: 0,
  rowsWritten: 0,
  filesWritten: 0,
});

describe("syncIntervalMinutes", () => {
  it("is hourly when unset, off at 0, and at least the Cron's 5 minutes", () => {
    expect(syncIntervalMinutes(undefined)).toBe(60);
    expect(syncIntervalMinutes("")).toBe(60);
    expect(syncIntervalMinutes("0")).toBeNull();
    expect(syncIntervalMinutes("1")).toBe(5);
    expect(syncIntervalMinutes("15")).toBe(15);
  });

  it("refuses what is not whole minutes, saying what to give", () => {
    for (const value of ["-5", "1.5", "hourly"]) expect(() => syncIntervalMinutes(value)).toThrow(/whole minutes/);
  });
});

describe("isSyncDue", () => {
  const now = new Date("2026-03-14T10:00:00Z");

  it("is due for a source never synced, and once an interval has passed since the last sync started", () => {
    expect(isSyncDue(undefined, now, 60)).toBe(true);
    expect(isSyncDue(sync("2026-03-14T09:00:00Z"), now, 60)).toBe(true);
    expect(isSyncDue(sync("2026-03-14T09:30:00Z"), now, 60)).toBe(false);
  });

  it("does not skip a 5-minute interval because the Cron fired a few seconds early", () => {
    expect(isSyncDue(sync("2026-03-14T09:55:03Z"), now, 5)).toBe(true);
  });

  it("is not due while the last sync runs, unless it has run so long that its alarm may be lost", () => {
    expect(isSyncDue(sync("2026-03-14T08:00:00Z", "running"), now, 60)).toBe(false);
    expect(isSyncDue(sync("2026-03-14T06:59:00Z", "running"), now, 60)).toBe(true);
  });
});
