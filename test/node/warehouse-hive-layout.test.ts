// The warehouse's Hive layout as an engine reads it: one glob over a table's partitions, `dt` as a
// column, files of one table with different column sets unioned by name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionDay, warehouseFileKey, writeParquetFile, type WarehouseColumn, type WarehouseRow } from "../../src/warehouse/parquet";
import { makeTempDir, openDuckDb, writeObject, type DuckDb } from "./support/duckdb";

const BASE: WarehouseColumn[] = [
  { name: "id", type: "string" },
  { name: "received_at", type: "timestamp" },
  { name: "event", type: "string" },
];
// A day later a new property arrived: the table's newer files have one more column.
const EVOLVED: WarehouseColumn[] = [...BASE, { name: "revenue", type: "double" }];

let duck: DuckDb;
let temp: Awaited<ReturnType<typeof makeTempDir>>;

/** Writes `rows` as one file of `table`, in the partition of the first row's received_at. */
async function writeTableFile(table: string, columns: WarehouseColumn[], rows: WarehouseRow[], name: string): Promise<void> {
  const day = partitionDay(rows[0]!.received_at as string);
  await writeObject(temp.dir, warehouseFileKey({ sourceSlug: "website", table, day, name }), writeParquetFile(columns, rows));
}

beforeAll(async () => {
  duck = await openDuckDb();
  temp = await makeTempDir();
  await writeTableFile(
    "tracks",
    BASE,
    [
      { id: "m1", received_at: "2026-03-09T10:00:00.000Z", event: "Product Viewed" },
      { id: "m2", received_at: "2026-03-09T23:59:59.999Z", event: "Product Viewed" },
    ],
    "h10-0001",
  );
  await writeTableFile(
    "tracks",
    EVOLVED,
    [
      { id: "m3", received_at: "2026-03-10T00:00:00.000Z", event: "Order Completed", revenue: 42.5 },
      { id: "m4", received_at: "2026-03-10T08:15:00.000Z", event: "Product Viewed" },
    ],
    "h00-0001",
  );
  // Another table beside it, which a glob over `tracks` must not pick up.
  await writeTableFile("pages", BASE, [{ id: "p1", received_at: "2026-03-09T10:00:00.000Z", event: null }], "h10-0001");
});
afterAll(async () => {
  duck.close();
  await temp.remove();
});

const tracksGlob = () => `${temp.dir}/warehouse/website/tracks/**/*.parquet`;
const READ = "read_parquet($1, hive_partitioning = true, union_by_name = true)";

describe("the warehouse's Hive layout read by DuckDB", () => {
  it("reads a table's files across partitions as one table, with dt as a date column and new columns null in older files", async () => {
    const rows = await duck.query(`SELECT id, event, revenue, CAST(dt AS VARCHAR) AS dt, received_at FROM ${READ} ORDER BY id`, tracksGlob());
    expect(rows).toEqual([
      { id: "m1", event: "Product Viewed", revenue: null, dt: "2026-03-09", received_at: new Date("2026-03-09T10:00:00.000Z") },
      { id: "m2", event: "Product Viewed", revenue: null, dt: "2026-03-09", received_at: new Date("2026-03-09T23:59:59.999Z") },
      { id: "m3", event: "Order Completed", revenue: 42.5, dt: "2026-03-10", received_at: new Date("2026-03-10T00:00:00.000Z") },
      { id: "m4", event: "Product Viewed", revenue: null, dt: "2026-03-10", received_at: new Date("2026-03-10T08:15:00.000Z") },
    ]);
    const types = await duck.query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${READ})`, tracksGlob());
    expect(types).toContainEqual({ column_name: "dt", column_type: "DATE" });
    expect(types).toContainEqual({ column_name: "revenue", column_type: "DOUBLE" });
  });

  it("filters on dt, reading only that day's files", async () => {
    expect(await duck.query(`SELECT id FROM ${READ} WHERE dt = DATE '2026-03-10' ORDER BY id`, tracksGlob())).toEqual([{ id: "m3" }, { id: "m4" }]);
    expect(await duck.query(`SELECT count(*) AS n FROM ${READ} WHERE dt < DATE '2026-03-10'`, tracksGlob())).toEqual([{ n: 2n }]);
    // Partition pruning: the plan's file list holds the one matching file only.
    const plan = await duck.query(`EXPLAIN ANALYZE SELECT id FROM ${READ} WHERE dt = DATE '2026-03-09'`, tracksGlob());
    expect(JSON.stringify(plan)).toMatch(/Total Files Read: 1\b/);
  });
});
