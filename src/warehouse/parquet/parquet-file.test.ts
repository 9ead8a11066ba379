import { describe, expect, it } from "vitest";
import { WarehouseValueError } from "./coerce-value";
import { ParquetFileBuilder, writeParquetFile } from "./parquet-file";
import type { WarehouseColumn } from "./types";

const COLUMNS: WarehouseColumn[] = [
  { name: "id", type: "string" },
  { name: "count", type: "bigint" },
];
const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1", at both ends of every Parquet file

describe("writeParquetFile", () => {
  it("writes a Parquet file, the same bytes for the same rows", () => {
    const rows = [{ id: "a", count: 1 }, { id: "b" }, {}];
    const bytes = writeParquetFile(COLUMNS, rows, { rowGroupSize: 2 });
    expect([...bytes.subarray(0, 4)]).toEqual(MAGIC);
    expect([...bytes.subarray(-4)]).toEqual(MAGIC);
    expect(writeParquetFile(COLUMNS, rows, { rowGroupSize: 2 })).toEqual(bytes);
    expect(writeParquetFile(COLUMNS, rows.slice(0, 2), { rowGroupSize: 2 })).not.toEqual(bytes);
  });

  it("names the column and the file's row of a value that does not fit", () => {
    const rows = [
      { id: "a", count: 1 },
      { id: "b", count: 2 },
      { id: "c", count: "three" },
    ];
    expect(() => writeParquetFile(COLUMNS, rows)).toThrow(WarehouseValueError);
    expect(() => writeParquetFile(COLUMNS, rows)).toThrow('warehouse column "count", row 2: expected an integer');
  });

  it("refuses no columns, a repeated column and a row group size that is not a positive integer", () => {
    expect(() => writeParquetFile([], [])).toThrow("at least one column");
    expect(() => writeParquetFile([...COLUMNS, { name: "id", type: "bigint" }], [])).toThrow('column "id" is declared twice');
    expect(() => writeParquetFile(COLUMNS, [], { rowGroupSize: 0 })).toThrow("rowGroupSize must be a positive integer");
  });
});

describe("ParquetFileBuilder", () => {
  it("writes the same file whether rows come in one call or many", () => {
    const rows = Array.from({ length: 25 }, (_, index) => ({ id: `row-${index}`, count: index }));
    const builder = new ParquetFileBuilder(COLUMNS, { rowGroupSize: 10 });
    for (let start = 0; start < rows.length; start += 7) builder.appendRows(rows.slice(start, start + 7));
    expect(builder.rows).toBe(25);
    expect(builder.finish()).toEqual(writeParquetFile(COLUMNS, rows, { rowGroupSize: 10 }));
  });

  it("counts rows across calls in its errors, and keeps no part of a rejected row", () => {
    const builder = new ParquetFileBuilder(COLUMNS);
    builder.appendRows([{ id: "a" }, { id: "b" }]);
    expect(() => builder.appendRows([{ id: "c" }, { id: 4, count: 4 }])).toThrow('warehouse column "id", row 3:');
    expect(builder.rows).toBe(3);
    expect(builder.finish()).toEqual(writeParquetFile(COLUMNS, [{ id: "a" }, { id: "b" }, { id: "c" }]));
  });

  it("refuses rows after finish()", () => {
    const builder = new ParquetFileBuilder(COLUMNS);
    builder.finish();
    expect(() => builder.appendRows([{ id: "a" }])).toThrow("appendRows after finish()");
    expect(() => builder.finish()).toThrow("finish() called twice");
  });
});
