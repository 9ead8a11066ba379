import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ParquetFileBuilder, writeParquetFile, type WarehouseColumn, type WarehouseRow } from "../../src/warehouse/parquet";
import { uniqueId } from "../support/workerd/events";

const COLUMNS: WarehouseColumn[] = [
  { name: "id", type: "string" },
  { name: "received_at", type: "timestamp" },
  { name: "revenue", type: "double" },
  { name: "quantity", type: "bigint" },
  { name: "in_stock", type: "boolean" },
];

function trackRows(count: number): WarehouseRow[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `msg-${index}`,
    received_at: new Date(Date.UTC(2026, 2, 9, 12, 0, 0, index)).toISOString(),
    revenue: index % 3 === 0 ? null : index * 1.25,
    quantity: BigInt(index) * 2n ** 40n,
    in_stock: index % 2 === 0,
  }));
}

describe("warehouse Parquet files in workerd", () => {
  it("are written inside the Worker to R2 and read back byte for byte, the same bytes on every write", async () => {
    const rows = trackRows(2_500);
    const bytes = writeParquetFile(COLUMNS, rows, { rowGroupSize: 1_000 });
    const key = `warehouse/${uniqueId("src")}/tracks/dt=2026-03-09/part-0.parquet`;
    await env.ARCHIVE.put(key, bytes);

    const stored = await env.ARCHIVE.get(key);
    expect(stored?.size).toBe(bytes.byteLength);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(bytes);
    // A rerun of the same partition (in rows appended in other chunks) must write the same object.
    const rerun = new ParquetFileBuilder(COLUMNS, { rowGroupSize: 1_000 });
    for (let start = 0; start < rows.length; start += 300) rerun.appendRows(rows.slice(start, start + 300));
    expect(rerun.finish()).toEqual(bytes);
  });
});
