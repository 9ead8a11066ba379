// The warehouse's Parquet files as DuckDB reads them: types, statistics, row groups, and a
// property test that random typed rows come back exactly.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ParquetFileBuilder, writeParquetFile, type WarehouseColumn, type WarehouseRow } from "../../src/warehouse/parquet";
import { makeTempDir, openDuckDb, writeObject, type DuckDb } from "./support/duckdb";

const COLUMNS: WarehouseColumn[] = [
  { name: "n", type: "bigint" },
  { name: "flag", type: "boolean" },
  { name: "big", type: "bigint" },
  { name: "amount", type: "double" },
  { name: "at", type: "timestamp" },
  { name: "text", type: "string" },
];

let duck: DuckDb;
let temp: Awaited<ReturnType<typeof makeTempDir>>;
let files = 0;

/** Writes `bytes` to a new file and returns its path. */
const fileOf = (bytes: Uint8Array) => writeObject(temp.dir, `file-${files++}.parquet`, bytes);

beforeAll(async () => {
  duck = await openDuckDb();
  temp = await makeTempDir();
});
afterAll(async () => {
  duck.close();
  await temp.remove();
});

describe("warehouse Parquet read by DuckDB", () => {
  it("round-trips every type: nulls, unicode, integers past 2^53, negatives, timestamps in UTC to the millisecond", async () => {
    const rows: WarehouseRow[] = [
      { n: 0, flag: true, big: 2n ** 53n + 1n, amount: -1234.5678, at: "2026-03-10T01:30:00.123+02:00", text: "Grüße, 世界 🎉 مرحبا" },
      { n: 1, flag: false, big: -(2n ** 63n), amount: 0.1, at: new Date("1969-12-31T23:59:59.999Z"), text: "" },
      { n: 2, big: 2n ** 63n - 1n, amount: Number.MAX_VALUE, at: "2026-03-09T23:59:59.999Z", text: 'nul\u0000 tab\t quote" e\u0301' },
      { n: 3, flag: null, big: -42, amount: null, at: null, text: null },
    ];
    const path = await fileOf(writeParquetFile(COLUMNS, rows));

    expect(await duck.query("SELECT * FROM read_parquet($1) ORDER BY n", path)).toEqual([
      { n: 0n, flag: true, big: 9007199254740993n, amount: -1234.5678, at: new Date("2026-03-09T23:30:00.123Z"), text: "Grüße, 世界 🎉 مرحبا" },
      { n: 1n, flag: false, big: -9223372036854775808n, amount: 0.1, at: new Date("1969-12-31T23:59:59.999Z"), text: "" },
      {
        n: 2n,
        flag: null,
        big: 9223372036854775807n,
        amount: Number.MAX_VALUE,
        at: new Date("2026-03-09T23:59:59.999Z"),
        text: 'nul\u0000 tab\t quote" e\u0301',
      },
      { n: 3n, flag: null, big: -42n, amount: null, at: null, text: null },
    ]);
    const types = await duck.query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($1))", path);
    expect(Object.fromEntries(types.map((row) => [row.column_name, row.column_type]))).toEqual({
      n: "BIGINT",
      flag: "BOOLEAN",
      big: "BIGINT",
      amount: "DOUBLE",
      at: "TIMESTAMP WITH TIME ZONE",
      text: "VARCHAR",
    });
  });

  it("is snappy-compressed, in several row groups, each with min/max and null-count statistics", async () => {
    const rows = Array.from({ length: 2_500 }, (_, index) => ({
      n: index,
      at: new Date(Date.UTC(2026, 2, 9) + index * 1_000),
      text: index % 10 === 0 ? null : `user-${String(index).padStart(4, "0")}`,
    }));
    const path = await fileOf(writeParquetFile(COLUMNS, rows, { rowGroupSize: 1_000 }));

    const chunks = await duck.query(
      `SELECT row_group_id, path_in_schema, compression, row_group_num_rows, stats_min_value, stats_max_value, stats_null_count
       FROM parquet_metadata($1) WHERE path_in_schema IN ('n', 'at', 'text') ORDER BY row_group_id, path_in_schema`,
      path,
    );
    expect(new Set(chunks.map((chunk) => chunk.compression))).toEqual(new Set(["SNAPPY"]));
    const statsOf = (column: string) =>
      chunks
        .filter((chunk) => chunk.path_in_schema === column)
        .map(({ row_group_num_rows, stats_min_value, stats_max_value, stats_null_count }) => [
          row_group_num_rows,
          stats_min_value,
          stats_max_value,
          stats_null_count,
        ]);
    expect(statsOf("n")).toEqual([
      [1000n, "0", "999", 0n],
      [1000n, "1000", "1999", 0n],
      [500n, "2000", "2499", 0n],
    ]);
    expect(statsOf("at")).toEqual([
      [1000n, "2026-03-09 00:00:00+00", "2026-03-09 00:16:39+00", 0n],
      [1000n, "2026-03-09 00:16:40+00", "2026-03-09 00:33:19+00", 0n],
      [500n, "2026-03-09 00:33:20+00", "2026-03-09 00:41:39+00", 0n],
    ]);
    expect(statsOf("text")).toEqual([
      [1000n, "user-0001", "user-0999", 100n],
      [1000n, "user-1001", "user-1999", 100n],
      [500n, "user-2001", "user-2499", 50n],
    ]);
  });

  it("encodes a row group early when asked (a sync bounding its memory), and DuckDB reads every row", async () => {
    const builder = new ParquetFileBuilder(COLUMNS, { rowGroupSize: 1_000 });
    const rows = (from: number, count: number): WarehouseRow[] =>
      Array.from({ length: count }, (_, offset) => ({ n: from + offset, text: `r${from + offset}` }));
    builder.appendRows(rows(0, 300));
    expect(builder.pendingRows).toBe(300);
    expect(builder.pendingValues).toBe(300 * COLUMNS.length);
    builder.flushRowGroup();
    expect(builder.pendingRows).toBe(0);
    builder.appendRows(rows(300, 1_200));
    const path = await fileOf(builder.finish());
    const groups = await duck.query(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata($1) ORDER BY row_group_id`, path);
    expect(groups.map((group) => group.row_group_num_rows)).toEqual([300n, 1000n, 200n]);
    const totals = await duck.query(`SELECT count(*) AS count, sum(n)::BIGINT AS total FROM read_parquet($1)`, path);
    expect(totals).toEqual([{ count: 1500n, total: BigInt((1499 * 1500) / 2) }]);
  });

  it("returns random typed rows exactly as written (property)", async () => {
    const timestamp = fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true });
    const row = fc.record(
      {
        flag: fc.option(fc.boolean()),
        big: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
        amount: fc.option(fc.double({ noNaN: true })),
        // Given as a Date or as an ISO string; DuckDB answers Dates either way.
        at: fc.option(
          fc.oneof(
            timestamp,
            timestamp.map((date) => date.toISOString()),
          ),
        ),
        text: fc.option(fc.string({ unit: "grapheme", maxLength: 40 })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 60 }), fc.integer({ min: 1, max: 25 }), async (generated, rowGroupSize) => {
        const rows = generated.map((values, index) => ({ ...values, n: index }));
        const path = await fileOf(writeParquetFile(COLUMNS, rows, { rowGroupSize }));
        const expected = rows.map((values) => ({
          n: BigInt(values.n),
          flag: values.flag ?? null,
          big: values.big ?? null,
          amount: values.amount ?? null,
          at: values.at === undefined || values.at === null ? null : new Date(values.at),
          text: values.text ?? null,
        }));
        expect(await duck.query("SELECT * FROM read_parquet($1) ORDER BY n", path)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
