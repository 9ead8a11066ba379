import { chunked } from "../../d1/chunked";

/** One Parquet file in R2, as the files API lists it. */
export interface WarehouseFile {
  key: string;
  table: string;
  rows: number;
  bytes: number;
}

/** The space-wide identity tables' files are nobody's source: stored with this source id. */
export const SPACE_WIDE = "";

/** A table of current state (users, accounts, identity): not in an archive hour. */
export const CURRENT_STATE = "";

interface Row {
  key: string;
  table_name: string;
  rows: number;
  bytes: number;
}

const toFile = (row: Row): WarehouseFile => ({ key: row.key, table: row.table_name, rows: row.rows, bytes: row.bytes });

/** `warehouse_files` in D1: which files a partition (an archive hour, or a table of current state) holds. */
export class WarehouseFileStore {
  constructor(private readonly db: D1Database) {}

  /** A source's files and the space-wide ones, by key. */
  async list(sourceId: string | undefined): Promise<WarehouseFile[]> {
    const query =
      sourceId === undefined
        ? this.db.prepare("SELECT key, table_name, rows, bytes FROM warehouse_files ORDER BY key")
        : this.db.prepare("SELECT key, table_name, rows, bytes FROM warehouse_files WHERE source_id IN (?, ?) ORDER BY key").bind(sourceId, SPACE_WIDE);
    return (await query.all<Row>()).results.map(toFile);
  }

  async has(key: string): Promise<boolean> {
    return (await this.db.prepare("SELECT 1 AS known FROM warehouse_files WHERE key = ?").bind(key).first()) !== null;
  }

  /** Whether another source still has files under `warehouse/<slug>/` (it was renamed and has not synced since). */
  async slugHeldByAnother(slug: string, sourceId: string): Promise<boolean> {
    // Keys from `warehouse/<slug>/` up to, not including, `warehouse/<slug>0` (`0` follows `/`).
    const row = await this.db
      .prepare("SELECT 1 AS held FROM warehouse_files WHERE key >= ? AND key < ? AND source_id != ? LIMIT 1")
      .bind(`warehouse/${slug}/`, `warehouse/${slug}0`, sourceId)
      .first();
    return row !== null;
  }

  /** The files of one partition of a source (or of one table of current state). */
  async keysOf(sourceId: string, partition: string, table?: string): Promise<string[]> {
    const query =
      table === undefined
        ? this.db.prepare("SELECT key FROM warehouse_files WHERE source_id = ? AND partition = ?").bind(sourceId, partition)
        : this.db.prepare("SELECT key FROM warehouse_files WHERE source_id = ? AND partition = ? AND table_name = ?").bind(sourceId, partition, table);
    return (await query.all<{ key: string }>()).results.map((row) => row.key);
  }

  /** Records that a partition (of `table`, when given) now holds exactly `files`, in one batch. */
  async replace(sourceId: string, partition: string, files: readonly WarehouseFile[], at: Date, table?: string): Promise<void> {
    const clear =
      table === undefined
        ? this.db.prepare("DELETE FROM warehouse_files WHERE source_id = ? AND partition = ?").bind(sourceId, partition)
        : this.db.prepare("DELETE FROM warehouse_files WHERE source_id = ? AND partition = ? AND table_name = ?").bind(sourceId, partition, table);
    const rows = files.map((file) => [file.key, sourceId, file.table, partition, file.rows, file.bytes, at.toISOString()]);
    const insert = chunked(
      this.db,
      rows,
      (values) => `INSERT OR REPLACE INTO warehouse_files (key, source_id, table_name, partition, rows, bytes, written_at) VALUES ${values}`,
    );
    await this.db.batch([clear, ...insert]);
  }

  /** Per table of a source: files, rows and bytes. */
  async tableTotals(sourceId: string): Promise<{ table: string; files: number; rows: number; bytes: number }[]> {
    const { results } = await this.db
      .prepare(
        `SELECT table_name AS "table", COUNT(*) AS files, SUM(rows) AS rows, SUM(bytes) AS bytes
         FROM warehouse_files WHERE source_id = ? GROUP BY table_name ORDER BY table_name`,
      )
      .bind(sourceId)
      .all<{ table: string; files: number; rows: number; bytes: number }>();
    return results;
  }
}
