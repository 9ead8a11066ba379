import type { Source } from "../../sources/source";
import { SourceStore } from "../../sources/source-store";
import type { WarehouseColumn } from "../../warehouse/parquet/types";
import { WarehouseColumnStore } from "../../warehouse/store/warehouse-columns";
import { SPACE_WIDE, WarehouseFileStore } from "../../warehouse/store/warehouse-files";
import { WarehouseSourceStore, type WarehouseSource } from "../../warehouse/store/warehouse-sources";
import { WarehouseSyncStore, type WarehouseSync } from "../../warehouse/store/warehouse-syncs";

/** What the Warehouse pages show, read through the warehouse's own stores (the admin API reads the same). */

/** One table of a warehouse schema: its files' totals and its columns. */
export interface WarehouseTable {
  name: string;
  rows: number;
  files: number;
  bytes: number;
  columns: readonly WarehouseColumn[];
}

export interface WarehouseSourceRow {
  source: Source;
  slug: string;
  last?: WarehouseSync | undefined;
}

/** Syncs a source's page lists, newest first. */
export const RECENT_SYNCS = 20;

/**
 * Every table that has files or columns, by name: a table whose files a sync removed (its
 * archive hours expired) keeps its columns, and is listed with 0 rows.
 */
export function tablesOf(
  totals: readonly { table: string; files: number; rows: number; bytes: number }[],
  columns: ReadonlyMap<string, readonly WarehouseColumn[]>,
): WarehouseTable[] {
  const byName = new Map<string, WarehouseTable>();
  for (const [name, list] of columns) byName.set(name, { name, rows: 0, files: 0, bytes: 0, columns: list });
  for (const { table, files, rows, bytes } of totals) byName.set(table, { name: table, rows, files, bytes, columns: columns.get(table) ?? [] });
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One schema's tables: a source's, or the space-wide identity tables (SPACE_WIDE). */
export async function readWarehouseTables(db: D1Database, sourceId: string): Promise<WarehouseTable[]> {
  const [totals, columns] = await Promise.all([new WarehouseFileStore(db).tableTotals(sourceId), new WarehouseColumnStore(db).tables(sourceId)]);
  return tablesOf(totals, columns);
}

/**
 * Every source with its schema name and newest sync. A source the warehouse has not seen gets
 * its slug now, as `GET /api/v1/warehouse/sources` gives it, so the page can say where its files
 * will be; one at a time, so two new sources never race each other for a name.
 */
export async function readWarehouseSources(db: D1Database, now: Date): Promise<WarehouseSourceRow[]> {
  const store = new WarehouseSourceStore(db);
  const [sources, known, latest] = await Promise.all([new SourceStore(db).list(), store.list(), new WarehouseSyncStore(db).latestPerSource()]);
  const slugs = new Map(known.map((entry) => [entry.sourceId, entry.slug]));
  const rows: WarehouseSourceRow[] = [];
  for (const source of sources) {
    const slug = slugs.get(source.id) ?? (await store.ensure(source, now)).slug;
    rows.push({ source, slug, last: latest.get(source.id) });
  }
  return rows;
}

export interface WarehouseSourceDetail {
  source: Source;
  warehouse: WarehouseSource;
  syncs: WarehouseSync[];
  tables: WarehouseTable[];
  identityTables: WarehouseTable[];
}

/** A source's warehouse page: null when there is no such source. */
export async function readWarehouseSource(db: D1Database, sourceId: string, now: Date): Promise<WarehouseSourceDetail | null> {
  const source = await new SourceStore(db).get(sourceId);
  if (!source) return null;
  const [warehouse, syncs, tables, identityTables] = await Promise.all([
    new WarehouseSourceStore(db).ensure(source, now),
    new WarehouseSyncStore(db).list(source.id, RECENT_SYNCS),
    readWarehouseTables(db, source.id),
    readWarehouseTables(db, SPACE_WIDE),
  ]);
  return { source, warehouse, syncs, tables, identityTables };
}
