import { chunked } from "../../d1/chunked";
import type { ColumnType, WarehouseColumn } from "../parquet/types";

const TYPES = new Set<ColumnType>(["boolean", "bigint", "double", "timestamp", "string"]);

/** `warehouse_columns` in D1: every table's columns, each with the first type it was written with. */
export class WarehouseColumnStore {
  constructor(private readonly db: D1Database) {}

  /** A source's tables and their columns, in the order they were added. */
  async tables(sourceId: string): Promise<Map<string, WarehouseColumn[]>> {
    const { results } = await this.db
      .prepare("SELECT table_name, column_name, type FROM warehouse_columns WHERE source_id = ? ORDER BY table_name, position, column_name")
      .bind(sourceId)
      .all<{ table_name: string; column_name: string; type: string }>();
    const tables = new Map<string, WarehouseColumn[]>();
    for (const row of results) {
      if (!TYPES.has(row.type as ColumnType)) throw new Error(`warehouse_columns ${sourceId}.${row.table_name}.${row.column_name}: unknown type ${row.type}`);
      const columns = tables.get(row.table_name) ?? [];
      columns.push({ name: row.column_name, type: row.type as ColumnType });
      tables.set(row.table_name, columns);
    }
    return tables;
  }

  /**
   * Stores a table's new columns after its `known` ones (as `tables` gave them): a column already
   * there keeps its type and position (a racing writer's first type wins).
   */
  async add(sourceId: string, table: string, known: number, added: readonly WarehouseColumn[], at: Date): Promise<void> {
    const rows = added.map((column, index) => [sourceId, table, column.name, column.type, known + index, at.toISOString()]);
    const statements = chunked(
      this.db,
      rows,
      (values) => `INSERT OR IGNORE INTO warehouse_columns (source_id, table_name, column_name, type, position, added_at) VALUES ${values}`,
    );
    if (statements.length > 0) await this.db.batch(statements);
  }
}
