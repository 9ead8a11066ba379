export type ColumnType = "boolean" | "bigint" | "double" | "timestamp" | "string";
export interface WarehouseColumn {
  name: string;
  type: ColumnType;
}
export type WarehouseValue = boolean | bigint | number | string | Date | null;
export type WarehouseRow = Record<string, WarehouseValue | undefined>;
