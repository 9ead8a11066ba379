import { describe, expect, it } from "vitest";
import { coerceValue, WarehouseValueError } from "./coerce-value";
import type { WarehouseColumn } from "./types";

const column = (type: WarehouseColumn["type"]): WarehouseColumn => ({ name: `c_${type}`, type });

describe("coerceValue", () => {
  it("writes a missing or null value as null in every type", () => {
    for (const type of ["boolean", "bigint", "double", "timestamp", "string"] as const) {
      expect(coerceValue(column(type), undefined, 0)).toBeNull();
      expect(coerceValue(column(type), null, 0)).toBeNull();
    }
  });

  it("takes timestamps as Dates or ISO strings in any offset, as UTC microseconds", () => {
    const micros = 1_773_100_799_123_000n; // 2026-03-09T23:59:59.123Z
    expect(coerceValue(column("timestamp"), "2026-03-09T23:59:59.123Z", 0)).toBe(micros);
    expect(coerceValue(column("timestamp"), "2026-03-10T01:59:59.123+02:00", 0)).toBe(micros);
    expect(coerceValue(column("timestamp"), new Date("2026-03-09T23:59:59.123Z"), 0)).toBe(micros);
    expect(coerceValue(column("timestamp"), "1969-12-31T23:59:59.999Z", 0)).toBe(-1000n);
    // No offset: UTC, whatever the process's time zone.
    expect(coerceValue(column("timestamp"), "2026-03-09T23:59:59.123", 0)).toBe(micros);
    expect(coerceValue(column("timestamp"), "2026-03-09", 0)).toBe(1_773_014_400_000_000n);
  });

  it("takes integer numbers and bigints in a bigint column, within the signed 64-bit range", () => {
    expect(coerceValue(column("bigint"), 42, 0)).toBe(42n);
    expect(coerceValue(column("bigint"), -(2n ** 63n), 0)).toBe(-(2n ** 63n));
    expect(coerceValue(column("bigint"), 2n ** 63n - 1n, 0)).toBe(2n ** 63n - 1n);
  });

  it("takes numbers, and bigints a double holds exactly, in a double column", () => {
    expect(coerceValue(column("double"), -0.5, 0)).toBe(-0.5);
    expect(coerceValue(column("double"), 2n ** 60n, 0)).toBe(2 ** 60);
  });

  it.each([
    ["bigint", 1.5, "expected an integer"],
    ["bigint", 2n ** 63n, "expected an integer"],
    ["bigint", "12", "got string"],
    ["double", 2n ** 53n + 1n, "got bigint"],
    ["double", "1.5", "got string"],
    ["boolean", "true", "expected a boolean"],
    ["boolean", 1, "got number"],
    ["string", 12, "expected a string"],
    ["string", true, "got boolean"],
    ["timestamp", "yesterday", "expected a valid Date or ISO-8601 string"],
    ["timestamp", "1", "got string"],
    ["timestamp", "March 9, 2026", "got string"],
    ["timestamp", new Date(Number.NaN), "Date(invalid)"],
    ["timestamp", 1_773_100_799_123, "got number"],
  ] as const)("rejects a %s column's %s, naming the column and the row", (type, value, detail) => {
    let thrown: unknown;
    try {
      coerceValue(column(type), value, 7);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WarehouseValueError);
    expect(thrown).toMatchObject({ column: `c_${type}`, row: 7 });
    expect((thrown as Error).message).toContain(`warehouse column "c_${type}", row 7:`);
    expect((thrown as Error).message).toContain(detail);
  });
});
