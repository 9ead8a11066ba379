import type { ParquetWriter } from "hyparquet-writer/src/index.js";
import type { ColumnType, WarehouseColumn } from "./types";

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]["schema"][number];

/**
 * Parquet's physical and logical type of each column type, every column nullable. Timestamps are
 * INT64 microseconds adjusted to UTC (the legacy TIMESTAMP_MICROS converted type too, for older
 * readers): the unit Spark, Trino, Athena and BigQuery all read, where millis is not universal.
 */
const ELEMENTS: Record<ColumnType, Omit<SchemaElement, "name">> = {
  boolean: { type: "BOOLEAN", repetition_type: "OPTIONAL" },
  bigint: { type: "INT64", repetition_type: "OPTIONAL" },
  double: { type: "DOUBLE", repetition_type: "OPTIONAL" },
  string: { type: "BYTE_ARRAY", repetition_type: "OPTIONAL", converted_type: "UTF8", logical_type: { type: "STRING" } },
  timestamp: {
    type: "INT64",
    repetition_type: "OPTIONAL",
    converted_type: "TIMESTAMP_MICROS",
    logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
  },
};

/** The flat Parquet schema of a table's columns; throws on none, an empty or a repeated name. */
export function parquetSchema(columns: readonly WarehouseColumn[]): SchemaElement[] {
  if (columns.length === 0) throw new Error("a warehouse Parquet file needs at least one column");
  const seen = new Set<string>();
  for (const { name } of columns) {
    if (name === "") throw new Error("a warehouse column needs a name");
    if (seen.has(name)) throw new Error(`warehouse column "${name}" is declared twice`);
    seen.add(name);
  }
  return [{ name: "root", num_children: columns.length }, ...columns.map((column) => ({ name: column.name, ...ELEMENTS[column.type] }))];
}
