export type SyncStatus = "running" | "succeeded" | "failed";
/** Who started a sync: an admin, the Cron Trigger, or a deletion regulation that rewrote the archive. */
export type SyncTrigger = "manual" | "schedule" | "regulation";

/** One warehouse sync as the admin API shows it. */
export interface WarehouseSync {
  id: string;
  sourceId: string;
  status: SyncStatus;
  trigger: SyncTrigger;
  full: boolean;
  createdAt: string;
  finishedAt?: string;
  /** Archive hours the sync found to write or remove, and how many it has done. */
  hoursTotal: number;
  hoursSynced: number;
  rowsWritten: number;
  filesWritten: number;
  error?: string;
}

/** What a running sync adds to its counters, and how it ends. */
export interface SyncProgress {
  hoursTotal?: number;
  hoursSynced?: number;
  rowsWritten?: number;
  filesWritten?: number;
}

interface Row {
  id: string;
  source_id: string;
  trigger: SyncTrigger;
  status: SyncStatus;
  full: number;
  created_at: string;
  finished_at: string | null;
  hours_total: number;
  hours_synced: number;
  rows_written: number;
  files_written: number;
  error: string | null;
}

const toSync = (row: Row): WarehouseSync => ({
  id: row.id,
  sourceId: row.source_id,
  status: row.status,
  trigger: row.trigger,
  full: row.full === 1,
  createdAt: row.created_at,
  ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
  hoursTotal: row.hours_total,
  hoursSynced: row.hours_synced,
  rowsWritten: row.rows_written,
  filesWritten: row.files_written,
  ...(row.error === null ? {} : { error: row.error }),
});

/** `warehouse_syncs` in D1: written when a sync starts and by its object as it runs. */
export class WarehouseSyncStore {
  constructor(private readonly db: D1Database) {}

  async add(sync: { id: string; sourceId: string; trigger: SyncTrigger; full: boolean; createdAt: string }): Promise<WarehouseSync> {
    await this.db
      .prepare("INSERT INTO warehouse_syncs (id, source_id, trigger, status, full, created_at) VALUES (?, ?, ?, 'running', ?, ?)")
      .bind(sync.id, sync.sourceId, sync.trigger, sync.full ? 1 : 0, sync.createdAt)
      .run();
    return (await this.get(sync.id))!;
  }

  async get(id: string): Promise<WarehouseSync | null> {
    const row = await this.db.prepare("SELECT * FROM warehouse_syncs WHERE id = ?").bind(id).first<Row>();
    return row ? toSync(row) : null;
  }

  /** A source's syncs, newest first. */
  async list(sourceId: string, limit: number): Promise<WarehouseSync[]> {
    const { results } = await this.db
      .prepare("SELECT * FROM warehouse_syncs WHERE source_id = ? ORDER BY created_at DESC, id DESC LIMIT ?")
      .bind(sourceId, limit)
      .all<Row>();
    return results.map(toSync);
  }

  /** Each source's newest sync. */
  async latestPerSource(): Promise<Map<string, WarehouseSync>> {
    const { results } = await this.db
      .prepare(
        `SELECT s.* FROM warehouse_syncs s
         WHERE s.id = (SELECT id FROM warehouse_syncs t WHERE t.source_id = s.source_id ORDER BY created_at DESC, id DESC LIMIT 1)`,
      )
      .all<Row>();
    return new Map(results.map((row) => [row.source_id, toSync(row)]));
  }

  async progress(id: string, progress: SyncProgress): Promise<void> {
    await this.db
      .prepare(
        `UPDATE warehouse_syncs SET hours_total = COALESCE(?, hours_total), hours_synced = hours_synced + ?,
           rows_written = rows_written + ?, files_written = files_written + ? WHERE id = ?`,
      )
      .bind(progress.hoursTotal ?? null, progress.hoursSynced ?? 0, progress.rowsWritten ?? 0, progress.filesWritten ?? 0, id)
      .run();
  }

  async finish(id: string, outcome: { status: "succeeded" } | { status: "failed"; error: string }, at: Date): Promise<void> {
    await this.db
      .prepare("UPDATE warehouse_syncs SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status = 'running'")
      .bind(outcome.status, outcome.status === "failed" ? outcome.error : null, at.toISOString(), id)
      .run();
  }
}
