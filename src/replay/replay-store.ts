import type { DeliveryCounts } from "../destinations/delivery-stats";
import type { ReplayKey } from "./replay-selection";
import { z } from "zod";
import { parseStoredJson } from "../storage/stored-json";
import { replaySpecSchema, type ReplaySpec } from "./replay-request";
import { migrateSchema, type SchemaStep } from "../storage/migrate-schema";

export type ReplayPhase = "listing" | "counting" | "sending" | "finished" | "failed";
export type ReplayStatus = "running" | "finished" | "failed";
/**
 * The error of a cancelled replay. A cancel ends a replay as `failed` (the admin API's statuses,
 * DESIGN.md); this error is how a reader (the console) tells a cancel from a failure.
 */
export const REPLAY_CANCELLED = "cancelled by an admin";

/** One destination's share of a replay: its cursor into the archive, and its counts. */
export interface ReplayPart {
  destinationId: string;
  /** The group of archive objects being sent (an hour, or a slice of a big one). */
  groupSeq: number;
  /** The last event of that group this destination is past, in replay order; null at its start. */
  after: ReplayKey | null;
  /** How many of the group's events it is past (reconciles `total` when it leaves the group). */
  groupPassed: number;
  /** Selected events this destination is to get (`sent + discarded + failed` once it is done). */
  total: number;
  sent: number;
  discarded: number;
  failed: number;
  state: ReplayStatus;
  error: string | null;
  /** Events waiting for a retry (kept in `pending`): when, how many attempts, since when. */
  retryAt: number | null;
  retryAttempts: number;
  retrySince: number | null;
}

export interface ReplayProgress {
  id: string;
  status: ReplayStatus;
  phase: ReplayPhase;
  sourceId: string;
  from: string;
  to: string;
  /** Events to send: the archived events the replay selects, once per destination. */
  total: number;
  sent: number;
  discarded: number;
  failed: number;
  error?: string;
  destinations: { destinationId: string; status: ReplayStatus; total: number; sent: number; discarded: number; failed: number; error?: string }[];
  createdAt: string;
  updatedAt: string;
}

interface PartRow extends Record<string, SqlStorageValue> {
  destination_id: string;
  group_seq: number;
  after_at: number | null;
  after_id: string | null;
  group_passed: number;
  total: number;
  sent: number;
  discarded: number;
  failed: number;
  state: string;
  error: string | null;
  retry_at: number | null;
  retry_attempts: number;
  retry_since: number | null;
}

const storedEvent = z.record(z.string(), z.unknown());

/** A replay object's SQLite schema, one step per version. */
export const REPLAY_SCHEMA: readonly SchemaStep[] = [
  `
    CREATE TABLE IF NOT EXISTS replay (
      id INTEGER PRIMARY KEY CHECK (id = 1), spec TEXT NOT NULL, phase TEXT NOT NULL, listed_days INTEGER NOT NULL DEFAULT 0,
      error TEXT, failures INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS objects (seq INTEGER PRIMARY KEY, key TEXT NOT NULL, grp INTEGER NOT NULL, matched INTEGER);
    CREATE INDEX IF NOT EXISTS objects_by_group ON objects (grp, seq);
    CREATE TABLE IF NOT EXISTS parts (
      destination_id TEXT PRIMARY KEY, group_seq INTEGER NOT NULL DEFAULT 0, after_at INTEGER, after_id TEXT, group_passed INTEGER NOT NULL DEFAULT 0,
      total INTEGER NOT NULL DEFAULT 0, sent INTEGER NOT NULL DEFAULT 0, discarded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
      state TEXT NOT NULL DEFAULT 'running', error TEXT,
      retry_at INTEGER, retry_attempts INTEGER NOT NULL DEFAULT 0, retry_since INTEGER
    );
    CREATE TABLE IF NOT EXISTS pending (destination_id TEXT NOT NULL, position INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (destination_id, position));
  `,
];

/**
 * A replay's durable state in its Durable Object's SQLite: the spec, the archive objects to read
 * (listed a day at a time, in key order, grouped, with how many events each selects), and per
 * destination a cursor, its counts and the events waiting for a retry. Every cursor move is one
 * transaction with the counts it changes, so a crash resumes exactly after the last
 * acknowledged request.
 */
export class ReplayStore {
  private readonly sql: SqlStorage;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
  }

  /** Brings the object's schema up to date (src/storage/migrate-schema.ts). */
  migrate(): void {
    migrateSchema(this.storage, REPLAY_SCHEMA);
  }

  /** Stores a new replay; false when this object already holds one (a repeated start). */
  init(spec: ReplaySpec, now: Date): boolean {
    return this.storage.transactionSync(() => {
      if (this.spec()) return false;
      this.sql.exec("INSERT INTO replay (id, spec, phase, updated_at) VALUES (1, ?, 'listing', ?)", JSON.stringify(spec), now.toISOString());
      for (const id of spec.destinationIds) this.sql.exec("INSERT INTO parts (destination_id) VALUES (?)", id);
      return true;
    });
  }

  spec(): ReplaySpec | null {
    const row = this.sql.exec<{ spec: string }>("SELECT spec FROM replay WHERE id = 1").toArray()[0];
    // Loud: a replay that cannot read its own spec cannot run; its tick records the failure.
    return row ? parseStoredJson(replaySpecSchema, row.spec, "replay.spec of this replay object") : null;
  }

  phase(): ReplayPhase {
    return this.sql.exec<{ phase: ReplayPhase }>("SELECT phase FROM replay WHERE id = 1").one().phase;
  }

  /** Moves to `phase`; an ended replay (finished, failed or cancelled) stays ended. */
  setPhase(phase: ReplayPhase, now: Date, error?: string): void {
    this.sql.exec(
      "UPDATE replay SET phase = ?, error = COALESCE(?, error), updated_at = ? WHERE id = 1 AND phase NOT IN ('finished', 'failed')",
      phase,
      error ?? null,
      now.toISOString(),
    );
  }

  /** Ends a running replay as failed, with REPLAY_CANCELLED as its error; false when it had already ended. */
  cancel(now: Date): boolean {
    return this.storage.transactionSync(() => {
      const phase = this.phase();
      if (phase === "finished" || phase === "failed") return false;
      this.setPhase("failed", now, REPLAY_CANCELLED);
      return true;
    });
  }

  /** How many day prefixes of the range are listed already. */
  listedDays(): number {
    return this.sql.exec<{ listed_days: number }>("SELECT listed_days FROM replay WHERE id = 1").one().listed_days;
  }

  /**
   * Adds one listed day's objects (in key order, with groups counted from 0 within the day, and
   * `matched` when known without reading), in one transaction.
   */
  appendDay(objects: readonly { key: string; group: number; matched: number | null }[]): void {
    this.storage.transactionSync(() => {
      const next = this.sql.exec<{ seq: number; grp: number }>("SELECT COALESCE(MAX(seq) + 1, 0) AS seq, COALESCE(MAX(grp) + 1, 0) AS grp FROM objects").one();
      objects.forEach(({ key, group, matched }, index) =>
        this.sql.exec("INSERT INTO objects (seq, key, grp, matched) VALUES (?, ?, ?, ?)", next.seq + index, key, next.grp + group, matched),
      );
      this.sql.exec("UPDATE replay SET listed_days = listed_days + 1 WHERE id = 1");
    });
  }

  /** A group's object keys in order; empty past the last group. */
  groupKeys(group: number): string[] {
    return this.sql
      .exec<{ key: string }>("SELECT key FROM objects WHERE grp = ? ORDER BY seq", group)
      .toArray()
      .map((row) => row.key);
  }

  uncounted(limit: number): { seq: number; key: string }[] {
    return this.sql.exec<{ seq: number; key: string }>("SELECT seq, key FROM objects WHERE matched IS NULL ORDER BY seq LIMIT ?", limit).toArray();
  }

  /** Records how many events an object selects, as counted before sending. */
  setMatched(seq: number, matched: number): void {
    this.sql.exec("UPDATE objects SET matched = ? WHERE seq = ?", matched, seq);
  }

  /** How many events a group was counted to hold (what each destination's total planned for it). */
  planned(group: number): number {
    return this.sql.exec<{ planned: number }>("SELECT COALESCE(SUM(matched), 0) AS planned FROM objects WHERE grp = ?", group).one().planned;
  }

  /** Counting is done: every destination is to get every selected event. */
  fixTotals(): void {
    this.sql.exec("UPDATE parts SET total = (SELECT COALESCE(SUM(matched), 0) FROM objects)");
  }

  /** Counts a failed tick; answers how many failed in a row. */
  recordFailure(error: string, now: Date): number {
    this.sql.exec("UPDATE replay SET failures = failures + 1, error = ?, updated_at = ? WHERE id = 1", error, now.toISOString());
    return this.sql.exec<{ failures: number }>("SELECT failures FROM replay WHERE id = 1").one().failures;
  }

  /** A tick went through: failures no longer in a row, progress as of now. */
  tickSucceeded(now: Date): void {
    this.sql.exec("UPDATE replay SET error = CASE WHEN failures > 0 THEN NULL ELSE error END, failures = 0, updated_at = ? WHERE id = 1", now.toISOString());
  }

  parts(): ReplayPart[] {
    return this.sql.exec<PartRow>("SELECT * FROM parts ORDER BY rowid").toArray().map(toPart);
  }

  /**
   * Saves a part's cursor and counts, the events now waiting for a retry, and drops those no
   * longer waiting, in one transaction: what a crash leaves is always a consistent cursor.
   */
  savePart(part: ReplayPart, change: { addPending?: readonly Record<string, unknown>[]; removePending?: readonly number[] } = {}): void {
    this.storage.transactionSync(() => {
      this.sql.exec(
        `UPDATE parts SET group_seq = ?, after_at = ?, after_id = ?, group_passed = ?, total = ?, sent = ?, discarded = ?, failed = ?, state = ?, error = ?,
           retry_at = ?, retry_attempts = ?, retry_since = ? WHERE destination_id = ?`,
        part.groupSeq,
        part.after?.at ?? null,
        part.after?.messageId ?? null,
        part.groupPassed,
        part.total,
        part.sent,
        part.discarded,
        part.failed,
        part.state,
        part.error,
        part.retryAt,
        part.retryAttempts,
        part.retrySince,
        part.destinationId,
      );
      for (const position of change.removePending ?? [])
        this.sql.exec("DELETE FROM pending WHERE destination_id = ? AND position = ?", part.destinationId, position);
      if (change.addPending?.length) {
        let next = this.sql
          .exec<{ next: number }>("SELECT COALESCE(MAX(position), -1) + 1 AS next FROM pending WHERE destination_id = ?", part.destinationId)
          .one().next;
        for (const event of change.addPending)
          this.sql.exec("INSERT INTO pending (destination_id, position, event) VALUES (?, ?, ?)", part.destinationId, next++, JSON.stringify(event));
      }
    });
  }

  pending(destinationId: string): { position: number; event: Record<string, unknown> }[] {
    return this.sql
      .exec<{ position: number; event: string }>("SELECT position, event FROM pending WHERE destination_id = ? ORDER BY position", destinationId)
      .toArray()
      .map((row) => ({
        position: row.position,
        event: parseStoredJson(storedEvent, row.event, `pending event ${row.position} of destination ${destinationId}`),
      }));
  }

  /**
   * A deletion, on an ended replay (finished, failed or cancelled): drops the parked events that
   * `doomed` picks (its people's), which nothing will send any more. Answers how many went. A
   * running replay is left alone: its runner drops them before any retry (replay-runner.ts).
   */
  forgetParked(doomed: (event: Record<string, unknown>) => boolean): number {
    const phase = this.spec() ? this.phase() : null;
    if (phase !== "finished" && phase !== "failed") return 0;
    return this.storage.transactionSync(() => {
      let removed = 0;
      for (const part of this.parts()) {
        for (const { position, event } of this.pending(part.destinationId)) {
          if (!doomed(event)) continue;
          this.sql.exec("DELETE FROM pending WHERE destination_id = ? AND position = ?", part.destinationId, position);
          removed += 1;
        }
      }
      return removed;
    });
  }

  /** What leaves the destinations' `retrying` balance when a replay ends with events still waiting for a retry. */
  pendingBalance(): DeliveryCounts[] {
    return this.sql
      .exec<{ destination_id: string; count: number }>("SELECT destination_id, COUNT(*) AS count FROM pending GROUP BY destination_id")
      .toArray()
      .map((row) => ({ destinationId: row.destination_id, outcome: "retrying", count: -row.count }));
  }

  progress(): ReplayProgress | null {
    const spec = this.spec();
    if (!spec) return null;
    const row = this.sql
      .exec<{ phase: ReplayPhase; error: string | null; updated_at: string }>("SELECT phase, error, updated_at FROM replay WHERE id = 1")
      .one();
    const status: ReplayStatus = row.phase === "finished" ? "finished" : row.phase === "failed" ? "failed" : "running";
    const parts = this.parts();
    const sum = (pick: (part: ReplayPart) => number) => parts.reduce((total, part) => total + pick(part), 0);
    return {
      id: spec.id,
      status,
      phase: row.phase,
      sourceId: spec.sourceId,
      from: spec.from,
      to: spec.to,
      total: sum((part) => part.total),
      sent: sum((part) => part.sent),
      discarded: sum((part) => part.discarded),
      failed: sum((part) => part.failed),
      ...(row.error ? { error: row.error } : {}),
      destinations: parts.map((part) => ({
        destinationId: part.destinationId,
        // A part cannot still run in a replay that ended (cancelled, or failed as a whole).
        status: part.state === "running" && status !== "running" ? status : part.state,
        total: part.total,
        sent: part.sent,
        discarded: part.discarded,
        failed: part.failed,
        ...(part.error ? { error: part.error } : {}),
      })),
      createdAt: spec.createdAt,
      updatedAt: row.updated_at,
    };
  }
}

function toPart(row: PartRow): ReplayPart {
  return {
    destinationId: row.destination_id,
    groupSeq: row.group_seq,
    after: row.after_at === null || row.after_id === null ? null : { at: row.after_at, messageId: row.after_id },
    groupPassed: row.group_passed,
    total: row.total,
    sent: row.sent,
    discarded: row.discarded,
    failed: row.failed,
    state: row.state as ReplayStatus,
    error: row.error,
    retryAt: row.retry_at,
    retryAttempts: row.retry_attempts,
    retrySince: row.retry_since,
  };
}
