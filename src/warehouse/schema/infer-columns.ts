import type { ColumnType, WarehouseColumn, WarehouseRow, WarehouseValue } from "../parquet/types";

/**
 * Column types (docs, Warehouse Schemas, "Data Types" and "New Columns"):
 * - "Data types are set up in your warehouse based on the first value that comes in from a
 *   source", and Segment never changes them itself ("reach out to the Segment support team"): a
 *   column already in `existing` keeps its type, whatever later rows hold;
 * - "When Segment process a new batch and discover a new column to add, we take the most recent
 *   occurrence of a column and choose its datatype": within one batch, a new column takes the type
 *   of its last non-null value in the order the rows are given (the caller passes them in
 *   archive order);
 * - "Segment creates and populates a column only when it receives a non-null value".
 * New columns are appended after the existing ones in name order, so the schema depends only on
 * the data.
 */
export function inferTableColumns(existing: readonly WarehouseColumn[] | undefined, rows: Iterable<WarehouseRow>): WarehouseColumn[] {
  const columns = [...(existing ?? [])];
  const known = new Set(columns.map((column) => column.name));
  const added = new Map<string, ColumnType>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (known.has(name) || value === null || value === undefined) continue;
      added.set(name, inferValueType(value));
    }
  }
  const names = [...added.keys()].sort();
  for (const name of names) columns.push({ name, type: added.get(name) as ColumnType });
  return columns;
}

/**
 * Integers are `bigint` (Parquet INT64) when they fit one, other numbers `double`. Strings are
 * `timestamp` when they are ISO-8601 date-times with a time zone: the Spec's format for every
 * timestamp ("All timestamps are ISO-8601 date strings"), and the only kind Engage keeps
 * ("Sending custom traits without a timezone ... will result in the value not being saved").
 * The docs do not give the warehouses' exact rule; a date alone (`2024-05-01`) stays a string.
 */
export function inferValueType(value: Exclude<WarehouseValue, null>): ColumnType {
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "bigint") return "bigint";
  if (typeof value === "number") return Number.isInteger(value) && isInt64(value) ? "bigint" : "double";
  if (value instanceof Date) return "timestamp";
  return parseTimestamp(value) === null ? "string" : "timestamp";
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The instant an ISO-8601 date-time with a zone names, or null for anything else. */
export function parseTimestamp(value: string): Date | null {
  if (!ISO_DATE_TIME.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

const INT64_MAX = 2n ** 63n - 1n;

export function isInt64(value: number | bigint): boolean {
  const big = typeof value === "bigint" ? value : BigInt(value);
  return big <= INT64_MAX && big >= -INT64_MAX - 1n;
}
