/** Segment's warehouse schema as pure functions: archived events to tables, columns and typed rows. */
export { coerceRowToColumns, coerceValue } from "./coerce";
export { eventTableName, eventTableRows, RESERVED_TABLE_NAMES, TABLE_FOR_TYPE, type TableRow } from "./event-tables";
export { flattenToColumns } from "./flatten";
export { identityGraphRows, identityMergeRows, profileTraitsRow, resolveCanonicalIds, type IdentityProfile } from "./identity-tables";
export { inferTableColumns, inferValueType, parseTimestamp } from "./infer-columns";
export { isValidWarehouseName, MAX_NAME_LENGTH, snakeCase, toColumnName, toWarehouseName } from "./naming";
export { rowsForEvent, type RowsForEventOptions } from "./rows-for-event";
export { applySelectiveSync, isSentToWarehouse, type SelectiveSync } from "./selective-sync";
export { compareCalls, type CallOrder, type ProfileRowState } from "./users-accounts";
