import { z } from "zod";
import { migrateSchema, type SchemaStep } from "../../storage/migrate-schema";
import { parseStoredJson } from "../../storage/stored-json";
import type { SyncTrigger } from "../store/warehouse-syncs";

/** One source's sync state, in its WarehouseSyncObject's SQLite, one step per schema version. */
export const SYNC_STATE_SCHEMA: readonly SchemaStep[] = [
  `CREATE TABLE IF NOT EXISTS hours (hour TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS pending (hour TEXT PRIMARY KEY, fingerprint TEXT);
   CREATE TABLE IF NOT EXISTS profile_calls (
     kind TEXT NOT NULL, entity_id TEXT NOT NULL, message_id TEXT NOT NULL, hour TEXT NOT NULL, call TEXT NOT NULL,
     PRIMARY KEY (kind, entity_id, message_id, hour)
   );
   CREATE TABLE IF NOT EXISTS hour_files (hour TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (hour, key));
   CREATE INDEX IF NOT EXISTS profile_calls_by_hour ON profile_calls (hour);
   CREATE TABLE IF NOT EXISTS current (id INTEGER PRIMARY KEY CHECK (id = 1), sync TEXT NOT NULL, phase TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS requested (id INTEGER PRIMARY KEY CHECK (id = 1), source_id TEXT NOT NULL, trigger TEXT NOT NULL, full INTEGER NOT NULL);`,
];

export type SyncPhase = "plan" | "hours" | "snapshots";

/** What starts a sync. */
export interface SyncRequest {
  sourceId: string;
  trigger: SyncTrigger;
  full: boolean;
}

/** The sync the object is running. */
export interface CurrentSync {
  id: string;
  sourceId: string;
  trigger: SyncTrigger;
  full: boolean;
  createdAt: string;
}

const currentSync = z.object({
  id: z.string(),
  sourceId: z.string(),
  trigger: z.enum(["manual", "schedule", "regulation"]),
  full: z.boolean(),
  createdAt: z.string(),
});

/** An hour to write (with the fingerprint of what it is written from) or, with none, to remove. */
export interface PendingHour {
  hour: string;
  fingerprint: string | null;
}

export type ProfileKind = "user" | "account";

/**
 * What a sync needs to resume and to stay idempotent: the fingerprint each hour was last written
 * from, the hours still to do, and the identify and group calls of every written hour (users and
 * accounts are folded from them, so rewriting an hour, or a deletion emptying it, changes them too).
 */
export class SyncState {
  private readonly sql: SqlStorage;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
    migrateSchema(storage, SYNC_STATE_SCHEMA);
  }

  current(): { sync: CurrentSync; phase: SyncPhase } | null {
    const row = this.sql.exec<{ sync: string; phase: string }>("SELECT sync, phase FROM current WHERE id = 1").toArray()[0];
    if (!row) return null;
    return { sync: parseStoredJson(currentSync, row.sync, "warehouse sync current"), phase: row.phase as SyncPhase };
  }

  begin(sync: CurrentSync): void {
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM pending");
      this.sql.exec("INSERT INTO current (id, sync, phase) VALUES (1, ?, 'plan')", JSON.stringify(sync));
    });
  }

  /** Ends the current sync, leaving the hours it wrote: the next sync resumes from them. */
  end(): void {
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM pending");
      this.sql.exec("DELETE FROM current");
    });
  }

  /**
   * Asks for another sync once the running one ends: it may have listed the archive before the
   * change the request is about (a deletion's rewrite). Requests made meanwhile fold into one.
   */
  requestAnother(request: SyncRequest): void {
    this.sql.exec(
      `INSERT INTO requested (id, source_id, trigger, full) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET full = MAX(full, excluded.full)`,
      request.sourceId,
      request.trigger,
      request.full ? 1 : 0,
    );
  }

  /** The sync asked for while the last one ran (taken with `clearRequested` as it starts). */
  requested(): SyncRequest | null {
    const row = this.sql
      .exec<{ source_id: string; trigger: SyncTrigger; full: number }>("SELECT source_id, trigger, full FROM requested WHERE id = 1")
      .toArray()[0];
    return row ? { sourceId: row.source_id, trigger: row.trigger, full: row.full === 1 } : null;
  }

  clearRequested(): void {
    this.sql.exec("DELETE FROM requested");
  }

  /** The hours written so far and the fingerprints they were written from. */
  hours(): Map<string, string> {
    return new Map(
      this.sql
        .exec<{ hour: string; fingerprint: string }>("SELECT hour, fingerprint FROM hours")
        .toArray()
        .map((row) => [row.hour, row.fingerprint]),
    );
  }

  /** Stores the plan and moves to writing hours, in one transaction. */
  plan(pending: readonly PendingHour[]): void {
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM pending");
      for (const { hour, fingerprint } of pending) this.sql.exec("INSERT INTO pending (hour, fingerprint) VALUES (?, ?)", hour, fingerprint);
      this.sql.exec("UPDATE current SET phase = 'hours'");
    });
  }

  nextPending(): PendingHour | null {
    return this.sql.exec<{ hour: string; fingerprint: string | null }>("SELECT hour, fingerprint FROM pending ORDER BY hour LIMIT 1").toArray()[0] ?? null;
  }

  pendingCount(): number {
    return this.sql.exec<{ count: number }>("SELECT COUNT(*) AS count FROM pending").one().count;
  }

  /**
   * Starts (re)writing an hour: forgets its profile calls and its fingerprint, in one transaction,
   * so an hour left half-written by a failure or a crash is planned again by every later sync
   * (its calls half-kept until then), never skipped as unchanged.
   */
  startHour(hour: string): void {
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM profile_calls WHERE hour = ?", hour);
      this.sql.exec("UPDATE hours SET fingerprint = '' WHERE hour = ?", hour);
    });
  }

  /** Notes a file key before it is written, so a file an interrupted write left in R2 is found and deleted. */
  noteFile(hour: string, key: string): void {
    this.sql.exec("INSERT OR IGNORE INTO hour_files (hour, key) VALUES (?, ?)", hour, key);
  }

  /** The keys noted for an hour since it was last committed. */
  notedFiles(hour: string): string[] {
    return this.sql
      .exec<{ key: string }>("SELECT key FROM hour_files WHERE hour = ?", hour)
      .toArray()
      .map((row) => row.key);
  }

  addProfileCall(kind: ProfileKind, entityId: string, messageId: string, hour: string, call: string): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO profile_calls (kind, entity_id, message_id, hour, call) VALUES (?, ?, ?, ?, ?)",
      kind,
      entityId,
      messageId,
      hour,
      call,
    );
  }

  /** An hour is done: written from `fingerprint`, or removed when it is null. */
  completeHour(hour: string, fingerprint: string | null): void {
    this.storage.transactionSync(() => {
      if (fingerprint === null) {
        this.sql.exec("DELETE FROM hours WHERE hour = ?", hour);
        this.sql.exec("DELETE FROM profile_calls WHERE hour = ?", hour);
      } else this.sql.exec("INSERT OR REPLACE INTO hours (hour, fingerprint) VALUES (?, ?)", hour, fingerprint);
      this.sql.exec("DELETE FROM hour_files WHERE hour = ?", hour);
      this.sql.exec("DELETE FROM pending WHERE hour = ?", hour);
    });
  }

  toSnapshots(): void {
    this.sql.exec("UPDATE current SET phase = 'snapshots'");
  }

  /** Every kept call of one kind, grouped by entity (ordered by entity id). */
  *profileCalls(kind: ProfileKind): Generator<{ entityId: string; call: string }> {
    for (const row of this.sql.exec<{ entity_id: string; call: string }>(
      "SELECT entity_id, call FROM profile_calls WHERE kind = ? ORDER BY entity_id, message_id",
      kind,
    ))
      yield { entityId: row.entity_id, call: row.call };
  }
}
