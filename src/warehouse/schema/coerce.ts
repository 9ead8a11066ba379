import type { ColumnType, WarehouseColumn, WarehouseRow, WarehouseValue } from "../parquet/types";
import { isInt64, parseTimestamp } from "./infer-columns";

/**
 * A row shaped to its table: every column of the schema, in its type, and nothing else (a
 * column the schema lacks, for example one Selective Sync turned off, is left out).
 *
 * A value that does not fit its column's type is cast as Segment describes: "if the first value
 * we received was an integer, we will set the data type of the field to integer, resulting in a
 * loss of precision" (Warehouse Schemas), and "if Data Lakes sees a bad data type, for example
 * text in place of a number or an incorrectly formatted date, it attempts a best effort
 * conversion to cast the field to the target data type. Fields that cannot be cast may be
 * dropped" (Data Lakes). So a number in a string column becomes its text, `"12"` in a number
 * column becomes 12, `12.7` in an integer column becomes 12, and `"abc"` there becomes null.
 *
 * Strings are not cut at 512 characters: that limit is Redshift's column width ("we set the
 * string column length limit at 512 characters"), and Parquet columns have none.
 */
export function coerceRowToColumns(row: WarehouseRow, columns: readonly WarehouseColumn[]): WarehouseRow {
  const out: WarehouseRow = Object.create(null) as WarehouseRow;
  for (const column of columns) {
    const value = Object.hasOwn(row, column.name) ? row[column.name] : undefined;
    out[column.name] = value === undefined || value === null ? null : coerceValue(value, column.type);
  }
  return out;
}

export function coerceValue(value: Exclude<WarehouseValue, null>, type: ColumnType): WarehouseValue {
  switch (type) {
    case "string":
      return value instanceof Date ? value.toISOString() : String(value);
    case "boolean":
      return toBoolean(value);
    case "bigint":
      return toBigint(value);
    case "double":
      return toDouble(value);
    case "timestamp":
      return toTimestamp(value);
  }
}

// Best effort, as the docs say, but never a guess: only the texts a cast would accept.
const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toBoolean(value: Exclude<WarehouseValue, null>): boolean | null {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  return null;
}

function toBigint(value: Exclude<WarehouseValue, null>): bigint | null {
  if (typeof value === "bigint") return isInt64(value) ? value : null;
  if (typeof value === "number") return Number.isFinite(value) && isInt64(Math.trunc(value)) ? BigInt(Math.trunc(value)) : null;
  if (typeof value === "string") {
    const text = value.trim();
    if (INTEGER_TEXT.test(text)) return isInt64(BigInt(text)) ? BigInt(text) : null;
    if (NUMBER_TEXT.test(text)) return toBigint(Number(text));
  }
  return null;
}

function toDouble(value: Exclude<WarehouseValue, null>): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && NUMBER_TEXT.test(value.trim())) return Number(value.trim());
  return null;
}

function toTimestamp(value: Exclude<WarehouseValue, null>): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  return typeof value === "string" ? parseTimestamp(value) : null;
}
