import type { AcceptedEvent } from "../../spec/accepted-event";
import type { TableRow } from "./event-tables";

/**
 * Warehouse Selective Sync, per source: "choosing which tables and columns (also known as
 * properties) to sync" (docs, Profiles Sync setup, "Set up Selective Sync"). Segment calls
 * tables "collections": `excludedEvents` names them as the warehouse does (`pages`,
 * `order_completed`), so turning off an event's table keeps its row in `tracks`, which is a
 * collection of its own. `excludedProperties` names columns per table. Disabled data is simply
 * not written; nothing already written is removed ("will not delete any historical data").
 */
export interface SelectiveSync {
  excludedEvents?: readonly string[];
  excludedProperties?: Readonly<Record<string, readonly string[]>>;
}

export function applySelectiveSync(rows: readonly TableRow[], settings: SelectiveSync): TableRow[] {
  const tables = new Set(settings.excludedEvents ?? []);
  const kept: TableRow[] = [];
  for (const { table, row } of rows) {
    if (tables.has(table)) continue;
    const columns = Object.hasOwn(settings.excludedProperties ?? {}, table) ? (settings.excludedProperties?.[table] ?? []) : [];
    if (columns.length === 0) {
      kept.push({ table, row });
      continue;
    }
    const copy = Object.assign(Object.create(null) as TableRow["row"], row);
    for (const column of columns) delete copy[column];
    kept.push({ table, row: copy });
  }
  return kept;
}

/**
 * The Integrations object can keep a call out of every warehouse (docs, Warehouses FAQ):
 * `{"Warehouses": {"all": false}}` sends it to none, and with `{"All": false}` it goes only
 * where `{"Warehouses": {"all": true}}` (or a list of warehouse ids) sends it.
 */
export function isSentToWarehouse(event: AcceptedEvent): boolean {
  const integrations = event.integrations ?? {};
  const warehouses = integrations.Warehouses;
  if (typeof warehouses === "object" && warehouses !== null && !Array.isArray(warehouses)) {
    const settings = warehouses as Record<string, unknown>;
    if (settings.all === false) return false;
    if (settings.all === true || (Array.isArray(settings.warehouseIds) && settings.warehouseIds.length > 0)) return true;
  } else if (typeof warehouses === "boolean") {
    return warehouses;
  }
  return integrations.All !== false;
}
