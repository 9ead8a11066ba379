import { Meter } from "./meter";

/**
 * Counts a Durable Object's own SQLite use, billed as rows read and written
 * (https://developers.cloudflare.com/durable-objects/platform/pricing/): every `sql.exec` cursor's
 * `rowsRead`/`rowsWritten` and each `setAlarm` (one row written), and reports the database's size.
 * Cursors are tallied after the synchronous run that made them (a microtask), once Sluice's
 * `toArray()`/`one()` have read them through; a cursor read across an `await` would be tallied
 * partly. Miniflare's own bookkeeping table (`__miniflare_do_name`, absent when deployed) is not
 * counted. Patches this object's own `storage.sql` and `storage`, nothing shared.
 */
export function meterObjectStorage(ctx: DurableObjectState, className: string, print?: (line: string) => void): Meter {
  const meter = new Meter(`do:${className}`, print, ctx.id.toString(), true);
  const { storage } = ctx;
  const { sql } = storage;
  const exec = sql.exec.bind(sql);
  const setAlarm = storage.setAlarm.bind(storage);
  let cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const tally = () => {
    let rowsRead = 0;
    let rowsWritten = 0;
    for (const cursor of cursors) {
      rowsRead += cursor.rowsRead;
      rowsWritten += cursor.rowsWritten;
    }
    meter.count("sql", { statements: cursors.length, rowsRead, rowsWritten });
    meter.gauge("sql.databaseSize", sql.databaseSize);
    cursors = [];
  };
  sql.exec = ((query: string, ...bindings: unknown[]) => {
    const cursor = exec(query, ...bindings);
    if (query.includes("__miniflare")) return cursor;
    if (cursors.length === 0) queueMicrotask(tally);
    cursors.push(cursor);
    return cursor;
  }) as SqlStorage["exec"];
  storage.setAlarm = (...args: Parameters<DurableObjectStorage["setAlarm"]>) => {
    meter.count("sql", { alarmsSet: 1, rowsWritten: 1 });
    return setAlarm(...args);
  };
  return meter;
}
