import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ColumnType, WarehouseColumn } from "../parquet/types";
import { coerceRowToColumns, coerceValue } from "./coerce";
import { inferTableColumns, inferValueType } from "./infer-columns";

describe("coerceValue", () => {
  it("writes numbers, booleans and dates into a string column as their text", () => {
    expect(coerceValue(12, "string")).toBe("12");
    expect(coerceValue(1.5, "string")).toBe("1.5");
    expect(coerceValue(true, "string")).toBe("true");
    expect(coerceValue(new Date("2024-05-01T10:00:00Z"), "string")).toBe("2024-05-01T10:00:00.000Z");
  });

  it("casts numeric text into number columns and nulls what cannot be cast", () => {
    expect(coerceValue("12", "bigint")).toBe(12n);
    expect(coerceValue(" -3 ", "bigint")).toBe(-3n);
    expect(coerceValue("12.5", "double")).toBe(12.5);
    expect(coerceValue("abc", "bigint")).toBeNull();
    expect(coerceValue("abc", "double")).toBeNull();
    expect(coerceValue("", "double")).toBeNull();
    expect(coerceValue(true, "bigint")).toBeNull();
  });

  it("loses a fraction in an integer column (docs: 'resulting in a loss of precision')", () => {
    expect(coerceValue(12.7, "bigint")).toBe(12n);
    expect(coerceValue(-12.7, "bigint")).toBe(-12n);
    expect(coerceValue("9.99", "bigint")).toBe(9n);
    expect(coerceValue(1e300, "bigint")).toBeNull();
    expect(coerceValue("99999999999999999999", "bigint")).toBeNull();
  });

  it("reads booleans and timestamps only from their own text", () => {
    expect(coerceValue("true", "boolean")).toBe(true);
    expect(coerceValue("yes", "boolean")).toBeNull();
    expect(coerceValue(1, "boolean")).toBeNull();
    expect(coerceValue("2024-05-01T10:00:00Z", "timestamp")).toEqual(new Date("2024-05-01T10:00:00Z"));
    expect(coerceValue("soon", "timestamp")).toBeNull();
    expect(coerceValue(1714557600000, "timestamp")).toBeNull();
  });

  it("leaves a value in its own inferred type as it is, but for numbers typed as integers", () => {
    const value = fc.oneof(
      fc.boolean(),
      fc.string(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    );
    fc.assert(
      fc.property(value, (v) => {
        const type = inferValueType(v);
        const coerced = coerceValue(v, type);
        if (type === "timestamp") expect(coerced).toBeInstanceOf(Date);
        else if (typeof v === "number" && type === "bigint") expect(coerced).toBe(BigInt(v));
        else expect(coerced).toBe(v);
      }),
    );
  });
});

describe("coerceRowToColumns", () => {
  it("gives every schema column, in its type, and nothing else", () => {
    const columns: WarehouseColumn[] = [
      { name: "plan", type: "string" },
      { name: "seats", type: "bigint" },
      { name: "renews_at", type: "timestamp" },
    ];
    const row = coerceRowToColumns({ plan: 3, seats: "4", extra: "dropped", renews_at: undefined }, columns);
    expect({ ...row }).toEqual({ plan: "3", seats: 4n, renews_at: null });
  });

  it("never yields a column outside the schema, nor a value outside its column's type", () => {
    const scalar = fc.oneof(
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.string(),
      fc.date({ noInvalidDate: true }),
      fc.constant(null),
    );
    const row = fc.dictionary(fc.constantFrom("a", "b", "c", "constructor", "__proto__"), scalar);
    const fits: Record<ColumnType, (value: unknown) => boolean> = {
      boolean: (value) => typeof value === "boolean",
      bigint: (value) => typeof value === "bigint",
      double: (value) => typeof value === "number",
      timestamp: (value) => value instanceof Date,
      string: (value) => typeof value === "string",
    };
    fc.assert(
      fc.property(fc.array(row, { maxLength: 5 }), fc.array(row, { maxLength: 5 }), (first, second) => {
        const columns = inferTableColumns(inferTableColumns(undefined, first), second);
        for (const input of [...first, ...second]) {
          const out = coerceRowToColumns(input, columns);
          expect(Object.keys(out).sort()).toEqual(columns.map((column) => column.name).sort());
          for (const column of columns) {
            const value = out[column.name];
            expect(value === null || fits[column.type](value)).toBe(true);
          }
        }
      }),
    );
  });
});
