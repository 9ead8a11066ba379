import type { AcceptedEvent } from "../../spec/accepted-event";
import { eventTableRows, type TableRow } from "./event-tables";
import { applySelectiveSync, isSentToWarehouse, type SelectiveSync } from "./selective-sync";

export interface RowsForEventOptions {
  /** The sync's processing time, written as `uuid_ts`: the same event and time give the same rows. */
  uuidTs: Date;
  selectiveSync?: SelectiveSync;
}

/**
 * The per-call rows one archived event writes, for a sync loop: `tracks` and the event's table,
 * or `pages`, `screens`, `identifies`, `groups`, `aliases`; none when its Integrations object
 * keeps it out of warehouses. Rows are not yet typed: pass each table's rows through
 * `inferTableColumns` and `coerceRowToColumns`. `users` and `accounts` need the previous row
 * (`profileCallOf`, `mergeProfileCall`).
 */
export function rowsForEvent(event: AcceptedEvent, options: RowsForEventOptions): TableRow[] {
  if (!isSentToWarehouse(event)) return [];
  const rows = eventTableRows(event, options.uuidTs);
  return options.selectiveSync ? applySelectiveSync(rows, options.selectiveSync) : rows;
}
