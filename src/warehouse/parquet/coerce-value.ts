import { isIsoDateTime } from "../../spec/timestamps";
import type { ColumnType, WarehouseColumn, WarehouseValue } from "./types";

/** What the Parquet writer gets for each column type: timestamps as microseconds since the epoch. */
export type PhysicalValue = boolean | bigint | number | string | null;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MICROS_PER_MILLI = 1000n;

/**
 * Thrown when a value cannot be written in its column's type. The schema mapping guarantees
 * types, so this is a programming error in the caller, never a user's.
 */
export class WarehouseValueError extends Error {
  override readonly name = "WarehouseValueError";
  constructor(
    readonly column: string,
    readonly row: number,
    detail: string,
  ) {
    super(`warehouse column "${column}", row ${row}: ${detail}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `bigint ${value}`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

const HAS_TIME = /[T ]\d{2}:\d{2}/;
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/** Date.toISOString's own form, which every timestamp of an accepted event has: the fast path. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Milliseconds since the epoch of an ISO-8601 string. Date.parse alone would take "1" or "March 9". */
function parseIsoMillis(value: string): number {
  if (CANONICAL.test(value)) return Date.parse(value);
  if (!isIsoDateTime(value)) return Number.NaN;
  // JavaScript reads a date-time without an offset as local time; the warehouse is UTC throughout
  // (as a Worker's local time is), so a Node process in another zone writes the same instant.
  return Date.parse(HAS_TIME.test(value) && !HAS_OFFSET.test(value) ? `${value}Z` : value);
}

/** Milliseconds since the epoch of a Date or an ISO-8601 string, or undefined when it is neither. */
function epochMillis(value: WarehouseValue): number | undefined {
  const millis = value instanceof Date ? value.getTime() : typeof value === "string" ? parseIsoMillis(value) : Number.NaN;
  return Number.isNaN(millis) ? undefined : millis;
}

function coerceBigint(value: WarehouseValue): bigint | undefined {
  const integer = typeof value === "bigint" ? value : typeof value === "number" && Number.isInteger(value) ? BigInt(value) : undefined;
  return integer !== undefined && integer >= INT64_MIN && integer <= INT64_MAX ? integer : undefined;
}

function coerceDouble(value: WarehouseValue): number | undefined {
  if (typeof value === "number") return value;
  // A bigint goes in only when a double holds it exactly: the column must not round silently.
  if (typeof value === "bigint" && BigInt(Number(value)) === value) return Number(value);
  return undefined;
}

const COERCERS: Record<ColumnType, (value: WarehouseValue) => PhysicalValue | undefined> = {
  boolean: (value) => (typeof value === "boolean" ? value : undefined),
  bigint: coerceBigint,
  double: coerceDouble,
  // A lone surrogate (valid in JSON, not in UTF-8) is written as U+FFFD, as TextEncoder does.
  string: (value) => (typeof value === "string" ? value : undefined),
  timestamp: (value) => {
    const millis = epochMillis(value);
    return millis === undefined ? undefined : BigInt(millis) * MICROS_PER_MILLI;
  },
};

const EXPECTED: Record<ColumnType, string> = {
  boolean: "a boolean",
  bigint: "an integer (number or bigint) within the signed 64-bit range",
  double: "a number (or a bigint a double holds exactly)",
  string: "a string",
  timestamp: "a valid Date or ISO-8601 string",
};

/** The value to write for `value` in `column` (row `row` of the file); throws WarehouseValueError when it does not fit. */
export function coerceValue(column: WarehouseColumn, value: WarehouseValue | undefined, row: number): PhysicalValue {
  if (value === undefined || value === null) return null;
  const coerced = COERCERS[column.type](value);
  if (coerced === undefined)
    throw new WarehouseValueError(column.name, row, `expected ${EXPECTED[column.type]} for a ${column.type} column, got ${describe(value)}`);
  return coerced;
}
