import { ParquetFileBuilder } from "../parquet/parquet-file";
import type { WarehouseColumn, WarehouseRow } from "../parquet/types";
import { currentStateFileKey } from "../parquet/warehouse-key";
import { coerceRowToColumns } from "../schema/coerce";
import type { WarehouseColumnStore } from "../store/warehouse-columns";
import { CURRENT_STATE, type WarehouseFile, type WarehouseFileStore } from "../store/warehouse-files";
import { TableColumnsAccumulator } from "./table-columns";
import { PARQUET_CONTENT_TYPE } from "./write-hour";

export interface SnapshotToWrite {
  schema: string;
  table: string;
  /** The table's rows, read twice (columns first, then the file), so they need not all be in memory at once. */
  rows: () => Iterable<WarehouseRow>;
  knownColumns: readonly WarehouseColumn[];
}

/**
 * Writes a table of current state as its one file, `warehouse/<schema>/<table>/dt=<day>/<table>.parquet`,
 * `day` that of its newest `uuid_ts` (none when the table has no rows left: the caller deletes the
 * file it had). The same rows and known columns give the same bytes under the same key; memory
 * holds a row group and the file.
 */
export async function writeSnapshot(bucket: R2Bucket, snapshot: SnapshotToWrite): Promise<{ file: WarehouseFile | null; added: WarehouseColumn[] }> {
  const columns = new TableColumnsAccumulator(new Map([[snapshot.table, snapshot.knownColumns]]));
  let newest = 0;
  let count = 0;
  for (const row of snapshot.rows()) {
    columns.add(snapshot.table, row);
    if (row.uuid_ts instanceof Date) newest = Math.max(newest, row.uuid_ts.getTime());
    count += 1;
  }
  if (count === 0) return { file: null, added: [] };
  const key = currentStateFileKey(snapshot.schema, snapshot.table, new Date(newest).toISOString().slice(0, 10));
  const used = columns.usedColumns(snapshot.table);
  const builder = new ParquetFileBuilder(used);
  for (const row of snapshot.rows()) builder.appendRows([coerceRowToColumns(row, used)]);
  const bytes = builder.finish();
  await bucket.put(key, bytes, { httpMetadata: { contentType: PARQUET_CONTENT_TYPE }, customMetadata: { rows: String(builder.rows) } });
  return { file: { key, table: snapshot.table, rows: builder.rows, bytes: bytes.byteLength }, added: columns.added(snapshot.table) };
}

export interface SnapshotStores {
  bucket: R2Bucket;
  files: WarehouseFileStore;
  columns: WarehouseColumnStore;
  now: () => Date;
}

/**
 * Replaces a table of current state: writes its file, stores new columns, records the file in
 * D1, then deletes every other file under the table's prefix, those D1 knew and any an
 * interrupted write left behind (listed from R2: a snapshot table has one or two files).
 */
export async function replaceSnapshot(
  stores: SnapshotStores,
  target: { sourceId: string; schema: string; table: string; rows: () => Iterable<WarehouseRow> },
): Promise<void> {
  const { sourceId, schema, table, rows } = target;
  const known = (await stores.columns.tables(sourceId)).get(table) ?? [];
  const { file, added } = await writeSnapshot(stores.bucket, { schema, table, rows, knownColumns: known });
  if (added.length > 0) await stores.columns.add(sourceId, table, known.length, added, stores.now());
  const listed = await stores.bucket.list({ prefix: `warehouse/${schema}/${table}/` });
  const before = new Set([...(await stores.files.keysOf(sourceId, CURRENT_STATE, table)), ...listed.objects.map((object) => object.key)]);
  await stores.files.replace(sourceId, CURRENT_STATE, file ? [file] : [], stores.now(), table);
  if (file) before.delete(file.key);
  if (before.size > 0) await stores.bucket.delete([...before]);
}
