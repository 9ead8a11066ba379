import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WarehouseRow } from "../parquet/types";
import { inferTableColumns, inferValueType, parseTimestamp } from "./infer-columns";

describe("inferValueType", () => {
  it("tells booleans, integers, other numbers, timestamps and strings apart", () => {
    expect(inferValueType(true)).toBe("boolean");
    expect(inferValueType(42)).toBe("bigint");
    expect(inferValueType(-7n)).toBe("bigint");
    expect(inferValueType(4.5)).toBe("double");
    expect(inferValueType(1e300)).toBe("double");
    expect(inferValueType("2024-05-01T10:00:00.000Z")).toBe("timestamp");
    expect(inferValueType("2024-05-01T12:00:00+02:00")).toBe("timestamp");
    expect(inferValueType(new Date(0))).toBe("timestamp");
    expect(inferValueType("2024-05-01")).toBe("string");
    expect(inferValueType("2024-05-01T10:00:00")).toBe("string");
    expect(inferValueType("2024-13-45T99:00:00Z")).toBe("string");
    expect(inferValueType("Pro Annual")).toBe("string");
  });

  it("reads ISO-8601 date-times with a zone as the instant they name", () => {
    expect(parseTimestamp("2024-05-01T12:00:00+02:00")?.toISOString()).toBe("2024-05-01T10:00:00.000Z");
    expect(parseTimestamp("yesterday")).toBeNull();
  });
});

describe("inferTableColumns", () => {
  it("creates a column per non-null value, typed by it, in name order", () => {
    const rows: WarehouseRow[] = [{ plan: "Pro Annual", seats: 3, trial: false, gone: null }];
    expect(inferTableColumns(undefined, rows)).toEqual([
      { name: "plan", type: "string" },
      { name: "seats", type: "bigint" },
      { name: "trial", type: "boolean" },
    ]);
  });

  it("never changes an existing column's type, and appends new columns after the existing ones", () => {
    const existing = [{ name: "total", type: "bigint" as const }];
    expect(inferTableColumns(existing, [{ total: 9.99, coupon: "SPRING" }])).toEqual([
      { name: "total", type: "bigint" },
      { name: "coupon", type: "string" },
    ]);
  });

  it("types a new column by its most recent occurrence in the batch, as the docs say", () => {
    expect(inferTableColumns([], [{ size: 1 }, { size: "large" }, { size: null }])).toEqual([{ name: "size", type: "string" }]);
  });

  it("keeps every existing column and adds exactly the new non-null ones", () => {
    const row = fc.dictionary(
      fc.constantFrom("a", "b", "c", "d"),
      fc.oneof(fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.string(), fc.constant(null)),
    );
    fc.assert(
      fc.property(fc.array(row), fc.array(row), (first, second) => {
        const before = inferTableColumns(undefined, first);
        const after = inferTableColumns(before, second);
        expect(after.slice(0, before.length)).toEqual(before);
        const seen = new Set(
          [...first, ...second].flatMap((r) =>
            Object.entries(r)
              .filter(([, v]) => v !== null)
              .map(([k]) => k),
          ),
        );
        expect(new Set(after.map((column) => column.name))).toEqual(seen);
      }),
    );
  });
});
