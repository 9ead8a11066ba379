import { describe, expect, it } from "vitest";
import type { WarehouseSync } from "../../warehouse/store/warehouse-syncs";
import { tablesOf } from "./warehouse-data";
import { duckdbFromFilesApi, duckdbFromR2 } from "./warehouse-query";
import { describeSchedule, nextScheduledSync, scheduleOf } from "./warehouse-schedule";

const sync = (over: Partial<WarehouseSync> = {}): WarehouseSync => ({
  id: "whs_1",
  sourceId: "src_1",
  status: "succeeded",
  trigger: "schedule",
  full: false,
  createdAt: "2026-05-01T12:00:00.000Z",
  hoursTotal: 2,
  hoursSynced: 2,
  rowsWritten: 10,
  filesWritten: 4,
  ...over,
});
const now = new Date("2026-05-01T12:30:00.000Z");
const enabled = { enabled: true };

describe("warehouse schedule, as the console says it", () => {
  it("reads WAREHOUSE_SYNC_INTERVAL_MINUTES as the Cron Trigger does, and says a bad value instead of throwing", () => {
    expect(scheduleOf(undefined)).toEqual({ kind: "every", minutes: 60 });
    expect(scheduleOf("2")).toEqual({ kind: "every", minutes: 5 });
    expect(scheduleOf("0")).toEqual({ kind: "off" });
    const invalid = scheduleOf("hourly");
    expect(invalid.kind).toBe("invalid");
    expect(describeSchedule(invalid)).toContain('WAREHOUSE_SYNC_INTERVAL_MINUTES is "hourly"');
    expect(describeSchedule({ kind: "every", minutes: 60 })).toContain("every 60 minutes");
    expect(describeSchedule({ kind: "off" })).toContain("Scheduled syncs are off");
  });

  it("the next scheduled sync: an interval after the last one started, at the next check when due, none when off or disabled", () => {
    const hourly = { kind: "every", minutes: 60 } as const;
    expect(nextScheduledSync(hourly, enabled, sync(), now)).toBe("Around 2026-05-01 13:00 UTC.");
    expect(nextScheduledSync(hourly, enabled, sync({ createdAt: "2026-05-01T11:00:00.000Z" }), now)).toBe("At the next check (within 5 minutes).");
    expect(nextScheduledSync(hourly, enabled, undefined, now)).toBe("At the next check (within 5 minutes).");
    expect(nextScheduledSync(hourly, enabled, sync({ status: "running" }), now)).toBe("After this sync ends.");
    expect(nextScheduledSync(hourly, { enabled: false }, sync(), now)).toBe("None while the source is disabled.");
    expect(nextScheduledSync({ kind: "off" }, enabled, sync(), now)).toContain("None scheduled");
  });
});

describe("warehouse tables", () => {
  it("every table with files or columns, by name; one without files counts 0", () => {
    const columns = new Map([
      ["tracks", [{ name: "id", type: "string" as const }]],
      ["old_event", [{ name: "id", type: "string" as const }]],
    ]);
    expect(tablesOf([{ table: "tracks", files: 2, rows: 30, bytes: 4_000 }], columns)).toEqual([
      { name: "old_event", rows: 0, files: 0, bytes: 0, columns: [{ name: "id", type: "string" }] },
      { name: "tracks", rows: 30, files: 2, bytes: 4_000, columns: [{ name: "id", type: "string" }] },
    ]);
  });
});

describe("the Query it box", () => {
  it("DuckDB over R2 reads every day partition of the source's table by name", () => {
    const text = duckdbFromR2({ origin: "https://data.example.com", sourceId: "src_1", slug: "web_shop", table: "tracks" });
    expect(text).toContain("CREATE SECRET (TYPE r2");
    expect(text).toContain("read_parquet('r2://sluice-archive/warehouse/web_shop/tracks/*/*.parquet', hive_partitioning = true, union_by_name = true)");
  });

  it("the files API with this host and the source, or placeholders before there is one", () => {
    const text = duckdbFromFilesApi({ origin: "https://data.example.com", sourceId: "src 1", slug: "web_shop", table: "tracks" });
    expect(text).toContain('"https://data.example.com/api/v1/warehouse/files?sourceId=src%201"');
    expect(text).toContain("-o tracks.parquet");
    expect(duckdbFromR2({ origin: "http://localhost:8787", sourceId: null, slug: null, table: "tracks" })).toContain("warehouse/<schema>/tracks/");
    expect(duckdbFromFilesApi({ origin: "http://localhost:8787", sourceId: null, slug: null, table: "tracks" })).toContain(
      '"http://localhost:8787/api/v1/warehouse/files"',
    );
  });
});
