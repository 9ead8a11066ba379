import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WarehouseColumn, WarehouseRow } from "../parquet/types";
import { inferTableColumns } from "../schema/infer-columns";
import { TableColumnsAccumulator } from "./table-columns";

const value = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 4 }),
  fc.constant("2026-03-14T09:00:00Z"),
);
const row = fc.dictionary(fc.constantFrom("id", "a", "b", "c", "d"), value, { maxKeys: 5 }) as fc.Arbitrary<WarehouseRow>;
const tableRow = fc.record({ table: fc.constantFrom("tracks", "pages"), row });
const known = fc.constantFrom<WarehouseColumn[]>(
  [],
  [{ name: "b", type: "string" }],
  [
    { name: "id", type: "string" },
    { name: "d", type: "boolean" },
  ],
);

describe("TableColumnsAccumulator", () => {
  it("settles each table's columns exactly as inferTableColumns does over the same rows", () => {
    fc.assert(
      fc.property(fc.array(tableRow, { maxLength: 30 }), known, (rows, columns) => {
        const accumulator = new TableColumnsAccumulator(new Map([["tracks", columns]]));
        for (const { table, row } of rows) accumulator.add(table, row);
        for (const table of accumulator.tables()) {
          const ofTable = rows.filter((entry) => entry.table === table).map((entry) => entry.row);
          expect(accumulator.columns(table)).toEqual(inferTableColumns(table === "tracks" ? columns : [], ofTable));
        }
      }),
    );
  });

  it("gives a file only the columns its rows hold a value for, in the table's order", () => {
    const accumulator = new TableColumnsAccumulator(
      new Map([
        [
          "tracks",
          [
            { name: "id", type: "string" },
            { name: "unused", type: "bigint" },
            { name: "z", type: "string" },
          ],
        ],
      ]),
    );
    accumulator.add("tracks", { id: "1", z: "x", new_one: 1.5, empty: null });
    expect(accumulator.usedColumns("tracks")).toEqual([
      { name: "id", type: "string" },
      { name: "z", type: "string" },
      { name: "new_one", type: "double" },
    ]);
    expect(accumulator.added("tracks")).toEqual([{ name: "new_one", type: "double" }]);
  });
});
