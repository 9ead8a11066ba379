import { readNdjsonGzipLines } from "../../archive/ndjson";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { ParquetFileBuilder } from "../parquet/parquet-file";
import type { WarehouseColumn } from "../parquet/types";
import { hourFileParts, warehouseFileKey } from "../parquet/warehouse-key";
import { coerceRowToColumns } from "../schema/coerce";
import { rowsForEvent } from "../schema/rows-for-event";
import type { SelectiveSync } from "../schema/selective-sync";
import type { TableRow } from "../schema/event-tables";
import type { WarehouseFile } from "../store/warehouse-files";
import type { ArchiveObject } from "./archive-hours";
import { TableColumnsAccumulator } from "./table-columns";

/**
 * Rows per file: an hour with more starts a new part (`HH-001`…). A part is built in memory
 * (R2 takes whole objects); 500,000 tracks rows make a file of about 3 MB.
 */
export const MAX_ROWS_PER_FILE = 500_000;

export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

/**
 * Values (rows × columns) all of an hour's open files may hold before their row groups are
 * encoded: about 37 bytes a value (`npm run bench`, section warehouse), so some 40 MB of a
 * Worker's 128 MB. Past it, the file holding the most is encoded early, in a smaller row group;
 * an hour with one busy table keeps the usual 25,000-row groups.
 */
export const MAX_PENDING_VALUES = 1_100_000;

export interface HourToWrite {
  slug: string;
  hour: string;
  objects: readonly ArchiveObject[];
  selectiveSync: SelectiveSync;
  /** The source's tables and their columns so far (types are kept: the first type wins). */
  knownColumns: ReadonlyMap<string, readonly WarehouseColumn[]>;
}

export interface WrittenHour {
  files: WarehouseFile[];
  rows: number;
  /** Per table, the columns this hour added after the known ones. */
  addedColumns: Map<string, WarehouseColumn[]>;
}

/** Each archived event of the hour with the rows it writes, read from R2 in key order. */
async function* hourRows(bucket: R2Bucket, hour: HourToWrite): AsyncGenerator<{ event: AcceptedEvent; rows: TableRow[] }> {
  for (const object of hour.objects) {
    const body = await bucket.get(object.key);
    if (!body) throw new Error(`archive object ${object.key} vanished while its hour was being written; the next sync writes the hour again`);
    // workers-types declares R2 bodies as ReadableStream<any>; they are bytes.
    let lineNumber = 0;
    for await (const line of readNdjsonGzipLines(body.body as ReadableStream<Uint8Array>)) {
      lineNumber += 1;
      // The archive holds what the edge accepted and validated (src/spec/accepted-event.ts).
      const event = parseArchivedLine(line, object.key, lineNumber);
      yield { event, rows: rowsForEvent(event, { uuidTs: object.uploaded, selectiveSync: hour.selectiveSync }) };
    }
  }
}

/**
 * Writes one archive hour as Parquet files, one per table (more parts past MAX_ROWS_PER_FILE),
 * at `warehouse/<slug>/<table>/dt=<day>/<HH>-<part>.parquet`. Two passes over the hour's objects:
 * the first settles each table's columns, the second streams rows into the files, so memory holds
 * a row group per table and the files, never the hour's events. The same objects, settings and
 * known columns give the same bytes under the same keys, so writing an hour again overwrites it
 * in place. `onEvent` sees every event of the hour (the caller keeps users' and accounts' calls);
 * `beforePut` each key before its file is written (the caller notes it, to clean up after a crash).
 */
export async function writeHour(
  bucket: R2Bucket,
  hour: HourToWrite,
  onEvent: (event: AcceptedEvent) => void,
  beforePut: (key: string) => void = () => {},
): Promise<WrittenHour> {
  const columns = new TableColumnsAccumulator(hour.knownColumns);
  for await (const { event, rows } of hourRows(bucket, hour)) {
    onEvent(event);
    for (const { table, row } of rows) columns.add(table, row);
  }

  const { day, hourOfDay } = hourFileParts(hour.hour);
  const files: WarehouseFile[] = [];
  const open = new Map<string, { builder: ParquetFileBuilder; part: number; columns: WarehouseColumn[] }>();
  const flush = async (table: string) => {
    const file = open.get(table);
    if (!file || file.builder.rows === 0) return;
    const key = warehouseFileKey({ sourceSlug: hour.slug, table, day, name: `${hourOfDay}-${String(file.part).padStart(3, "0")}` });
    const bytes = file.builder.finish();
    beforePut(key);
    await bucket.put(key, bytes, { httpMetadata: { contentType: PARQUET_CONTENT_TYPE }, customMetadata: { rows: String(file.builder.rows) } });
    files.push({ key, table, rows: file.builder.rows, bytes: bytes.byteLength });
    open.set(table, { builder: new ParquetFileBuilder(file.columns), part: file.part + 1, columns: file.columns });
  };

  let rowCount = 0;
  let pendingValues = 0;
  for await (const { rows } of hourRows(bucket, hour)) {
    for (const { table, row } of rows) {
      let file = open.get(table);
      if (!file) {
        const used = columns.usedColumns(table);
        file = { builder: new ParquetFileBuilder(used), part: 0, columns: used };
        open.set(table, file);
      }
      const before = file.builder.pendingValues;
      file.builder.appendRows([coerceRowToColumns(row, file.columns)]);
      pendingValues += file.builder.pendingValues - before;
      rowCount += 1;
      if (file.builder.rows >= MAX_ROWS_PER_FILE) {
        pendingValues -= file.builder.pendingValues;
        await flush(table);
      }
      if (pendingValues > MAX_PENDING_VALUES) pendingValues -= encodeLargestGroup(open.values());
    }
  }
  for (const table of [...open.keys()].sort()) await flush(table);

  const addedColumns = new Map(
    columns
      .tables()
      .map((table) => [table, columns.added(table)] as const)
      .filter(([, added]) => added.length > 0),
  );
  return { files: files.sort((a, b) => (a.key < b.key ? -1 : 1)), rows: rowCount, addedColumns };
}

/** Encodes the row group of the file holding the most values; answers how many values that freed. */
function encodeLargestGroup(files: Iterable<{ builder: ParquetFileBuilder }>): number {
  let largest: ParquetFileBuilder | null = null;
  for (const { builder } of files) if (!largest || builder.pendingValues > largest.pendingValues) largest = builder;
  if (!largest) return 0;
  const freed = largest.pendingValues;
  largest.flushRowGroup();
  return freed;
}

/** An archived event; a line that is not JSON (a damaged object) fails the sync naming where it is. */
function parseArchivedLine(line: string, key: string, lineNumber: number): AcceptedEvent {
  try {
    return JSON.parse(line) as AcceptedEvent;
  } catch (error) {
    throw new Error(
      `archive object ${key}, line ${lineNumber}, is not JSON (${error instanceof Error ? error.message : String(error)}); repair or delete the object`,
    );
  }
}
