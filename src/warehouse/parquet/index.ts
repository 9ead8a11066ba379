// Typed warehouse rows to Parquet bytes, inside a Worker (pure JS: hyparquet-writer).
export { coerceValue, WarehouseValueError } from "./coerce-value";
export { DEFAULT_ROW_GROUP_SIZE, ParquetFileBuilder, writeParquetFile, type ParquetFileOptions } from "./parquet-file";
export { parquetSchema } from "./parquet-schema";
export type { ColumnType, WarehouseColumn, WarehouseRow, WarehouseValue } from "./types";
export { partitionDay, warehouseFileKey, type WarehouseFileParts } from "./warehouse-key";
