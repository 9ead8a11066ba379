import type { ColumnType, WarehouseColumn, WarehouseRow } from "../parquet/types";
import { inferValueType } from "../schema/infer-columns";

/**
 * `inferTableColumns` for rows that arrive one at a time across many tables (a sync streams an
 * hour of the archive, which may not fit in memory): the same columns and types, without keeping
 * the rows. It also notes which columns the rows used, so a file carries only those.
 */
export class TableColumnsAccumulator {
  readonly #known: ReadonlyMap<string, readonly WarehouseColumn[]>;
  readonly #tables = new Map<string, { known: Set<string>; added: Map<string, ColumnType>; used: Set<string> }>();

  constructor(known: ReadonlyMap<string, readonly WarehouseColumn[]>) {
    this.#known = known;
  }

  add(table: string, row: WarehouseRow): void {
    let state = this.#tables.get(table);
    if (!state) {
      state = { known: new Set((this.#known.get(table) ?? []).map((column) => column.name)), added: new Map(), used: new Set() };
      this.#tables.set(table, state);
    }
    for (const [name, value] of Object.entries(row)) {
      if (value === null || value === undefined) continue;
      state.used.add(name);
      if (!state.known.has(name)) state.added.set(name, inferValueType(value));
    }
  }

  /** Tables the rows named, in name order. */
  tables(): string[] {
    return [...this.#tables.keys()].sort();
  }

  /** The table's columns: the known ones, then the new ones in name order (as `inferTableColumns`). */
  columns(table: string): WarehouseColumn[] {
    const state = this.#tables.get(table);
    const known = [...(this.#known.get(table) ?? [])];
    if (!state) return known;
    return [...known, ...this.added(table)];
  }

  /** The columns the rows brought that the table did not have. */
  added(table: string): WarehouseColumn[] {
    const state = this.#tables.get(table);
    if (!state) return [];
    return [...state.added.keys()].sort().map((name) => ({ name, type: state.added.get(name)! }));
  }

  /** The table's columns that some row gave a value, in the table's order: a file's columns. */
  usedColumns(table: string): WarehouseColumn[] {
    const used = this.#tables.get(table)?.used ?? new Set<string>();
    return this.columns(table).filter((column) => used.has(column.name));
  }
}
