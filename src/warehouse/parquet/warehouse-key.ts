import { hourPartition } from "../../archive/archive-key";
/** What names one warehouse file: the source's slug (Segment's schema name), the table, the UTC day, and a file name. */
export interface WarehouseFileParts {
  sourceSlug: string;
  table: string;
  /** The partition's UTC day, YYYY-MM-DD. */
  day: string;
  /** The file's name without `.parquet`. */
  name: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// One path segment an engine reads back as it was written: no separators, no `=` (Hive would
// take the segment for a partition), not `.` or `..`.
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function checkSegment(what: string, value: string): void {
  if (!SEGMENT.test(value) || value === "..") throw new Error(`warehouse ${what} ${JSON.stringify(value)} is not one path segment of letters, digits, _ . -`);
}

function isCalendarDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return DAY.test(day) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/**
 * The R2 key of a warehouse file, `warehouse/<source_slug>/<table>/dt=YYYY-MM-DD/<name>.parquet`
 * (DESIGN.md): Hive-style, so DuckDB, Spark, Trino and Athena read `dt` as a column and skip the
 * days a query excludes without opening their files.
 */
export function warehouseFileKey({ sourceSlug, table, day, name }: WarehouseFileParts): string {
  checkSegment("source slug", sourceSlug);
  checkSegment("table", table);
  checkSegment("file name", name);
  if (!isCalendarDay(day)) throw new Error(`warehouse day ${JSON.stringify(day)} is not a YYYY-MM-DD date`);
  return `warehouse/${sourceSlug}/${table}/dt=${day}/${name}.parquet`;
}

/** The UTC day (YYYY-MM-DD) a timestamp falls in: the `dt` partition of its row, the day of its archive hour. */
export function partitionDay(timestamp: Date | string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) throw new Error(`partitionDay: ${JSON.stringify(timestamp)} is not a date`);
  return hourFileParts(hourPartition(date.toISOString())).day;
}

/**
 * The R2 key of a table of current state (users, accounts, the identity tables): one file,
 * rewritten by every sync, `warehouse/<schema>/<table>/dt=<day>/<table>.parquet`, where `day` is
 * that of the newest data it holds. The same layout as the event tables, so one glob
 * (every `.parquet` under `warehouse/<schema>/<table>/`) reads any table; a sync deletes the file it replaces.
 */
export function currentStateFileKey(schema: string, table: string, day: string): string {
  return warehouseFileKey({ sourceSlug: schema, table, day, name: table });
}

/** The `dt` day and the file name prefix (`HH`) of an archive hour `YYYY-MM-DD/HH` (src/archive/archive-key.ts). */
export function hourFileParts(hour: string): { day: string; hourOfDay: string } {
  const match = /^(\d{4}-\d{2}-\d{2})\/(\d{2})$/.exec(hour);
  if (!match) throw new Error(`warehouse hour ${JSON.stringify(hour)} is not an archive partition YYYY-MM-DD/HH`);
  return { day: match[1]!, hourOfDay: match[2]! };
}
