import { DurableObject } from "cloudflare:workers";
import { hourPartition } from "../src/archive/archive-key";
import { encodeNdjsonGzip } from "../src/archive/ndjson";
import { flushIdFor, planArchiveObjects, type OutboxRow } from "../src/dedupe/outbox-flush";
import { DEDUPE_WINDOW_MS } from "../src/dedupe/shards";
import type { CheckVerdict, CommitEntry, CommitVerdict, DedupeEntry } from "../src/dedupe/verdicts";
import type { AppEnv } from "../src/env";
import { archiveIndexStatements, planArchiveIndex, subjectKeysOfLine } from "../src/privacy/archive-index";
import { hasColumn, migrateSchema, type SchemaStep } from "../src/storage/migrate-schema";

/** How long the outbox gathers events before they are written to R2 as one object per source-hour. */
const FLUSH_DELAY_MS = 1_000;
/** Flush at once past this many buffered events; also the most one flush writes. */
const FLUSH_MAX_ROWS = 5_000;
const RETRY_FLUSH_MS = 5_000;

/** The shard's SQLite schema, one step per version (src/storage/migrate-schema.ts). */
export const DEDUPE_SCHEMA: readonly SchemaStep[] = [
  `CREATE TABLE IF NOT EXISTS seen (
     message_id TEXT PRIMARY KEY, owner TEXT NOT NULL, source_id TEXT NOT NULL, seen_at INTEGER NOT NULL);
   CREATE INDEX IF NOT EXISTS seen_by_time ON seen (seen_at);
   CREATE TABLE IF NOT EXISTS duplicate_hits (
     message_id TEXT NOT NULL, owner TEXT NOT NULL, source_id TEXT NOT NULL, seen_at INTEGER NOT NULL,
     PRIMARY KEY (message_id, owner));
   CREATE TABLE IF NOT EXISTS outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, source_id TEXT NOT NULL, partition TEXT NOT NULL,
     timestamp TEXT NOT NULL, body TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // v2: events a tracking plan blocked are seen (a redelivery must not count them again) but
  // never archived. Shards from before versioning may have the column already.
  (sql) => {
    if (!hasColumn(sql, "seen", "blocked")) sql.exec("ALTER TABLE seen ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0");
  },
];

/** Outbox rows a purge reads at a time (each up to 32 KB of JSON). */
const PURGE_PAGE_ROWS = 500;

export interface ShardStats {
  sourceId: string;
  archived: number;
  duplicates: number;
}

/**
 * One shard of the workspace's deduplication state, and the outbox that carries its events to
 * the R2 archive. A messageId counts as seen in the same SQLite transaction that puts its event
 * in the outbox, so "seen" always means "will be archived"; the alarm then writes the outbox
 * to R2 under deterministic keys, so a crash mid-flush rewrites the same objects on retry.
 */
export class DedupeObject extends DurableObject<AppEnv> {
  private readonly sql: SqlStorage;
  /** The flush running now, if any: a purge waits for it (see `purge`). */
  private flushing: Promise<number> | null = null;

  constructor(ctx: DurableObjectState, env: AppEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrateSchema(ctx.storage, DEDUPE_SCHEMA);
  }

  /** Early check: which events are new, retries of their own message, or duplicates. */
  check(entries: DedupeEntry[]): CheckVerdict[] {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() =>
      entries.map((entry) => {
        const row = this.sql.exec<{ owner: string }>("SELECT owner FROM seen WHERE message_id = ?", entry.messageId).toArray()[0];
        if (!row) return "fresh";
        if (row.owner === entry.owner) return "retried";
        this.recordDuplicate(entry, now);
        return "duplicate";
      }),
    );
  }

  /** Late commit: marks each event seen and puts it in the outbox, atomically. */
  async commit(shardName: string, entries: CommitEntry[]): Promise<CommitVerdict[]> {
    const now = Date.now();
    const verdicts = this.ctx.storage.transactionSync(() => {
      this.sql.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('shard_name', ?)", shardName);
      const insertedNow = new Set<string>();
      return entries.map(({ event, owner, blocked }): CommitVerdict => {
        const entry = { messageId: event.messageId, sourceId: event.projectId, owner };
        const row = this.sql.exec<{ owner: string }>("SELECT owner FROM seen WHERE message_id = ?", event.messageId).toArray()[0];
        if (row) {
          if (row.owner === owner && !insertedNow.has(event.messageId)) return "retried";
          this.recordDuplicate(entry, now);
          return "duplicate";
        }
        this.sql.exec(
          "INSERT INTO seen (message_id, owner, source_id, seen_at, blocked) VALUES (?, ?, ?, ?, ?)",
          event.messageId,
          owner,
          event.projectId,
          now,
          blocked ? 1 : 0,
        );
        insertedNow.add(event.messageId);
        if (blocked) return "archived";
        this.sql.exec(
          "INSERT INTO outbox (source_id, partition, timestamp, body) VALUES (?, ?, ?, ?)",
          event.projectId,
          hourPartition(event.receivedAt),
          event.timestamp,
          JSON.stringify(event),
        );
        return "archived";
      });
    });
    await this.scheduleFlush();
    return verdicts;
  }

  /** Events archived and duplicates dropped per source within the dedupe window. */
  stats(): ShardStats[] {
    return this.sql
      .exec<{ sourceId: string; archived: number; duplicates: number }>(
        `SELECT source_id AS sourceId, SUM(archived) AS archived, SUM(duplicates) AS duplicates FROM (
           SELECT source_id, 1 - blocked AS archived, 0 AS duplicates FROM seen
           UNION ALL SELECT source_id, 0, 1 FROM duplicate_hits
         ) GROUP BY source_id`,
      )
      .toArray();
  }

  override async alarm(): Promise<void> {
    try {
      await this.flushOutbox();
    } catch (error) {
      // Rescheduling ourselves instead of throwing: the platform gives up on an alarm after a
      // few failed attempts, and the outbox must reach R2 however long R2 is unavailable.
      console.error("archive flush failed; will retry", error);
      await this.ctx.storage.setAlarm(Date.now() + RETRY_FLUSH_MS);
      return;
    }
    this.purgeExpired(Date.now());
    await this.scheduleNextAlarm();
  }

  /** Writes one outbox slice to R2. Safe to interrupt anywhere and run again. */
  flushOutbox(): Promise<number> {
    const flush = this.writeOutboxSlice();
    this.flushing = flush;
    const clear = () => {
      if (this.flushing === flush) this.flushing = null;
    };
    flush.then(clear, clear);
    return flush;
  }

  /**
   * Removes the events of the people whose identifier keys are `keys` from the outbox: committed,
   * not yet in R2 (a deletion's first step). Answers how many left and their messageIds. A flush
   * under way holds its slice in memory and will write it whatever the outbox says now, so the
   * purge first waits for it: what it writes was indexed before it was written, and the deletion's
   * archive step, which runs after the purge, finds it there. Then, with no flush in flight, the
   * rows go in one synchronous pass; a flush that crashed midway re-runs from the outbox, now
   * without them.
   */
  async purge(keys: string[]): Promise<{ removed: number; messageIds: string[] }> {
    while (this.flushing) await this.flushing.catch(() => {}); // its failure is the alarm's to retry
    const covered = new Set(keys);
    const messageIds: string[] = [];
    for (let after = 0; ;) {
      const rows = this.sql
        .exec<{ seq: number; body: string }>("SELECT seq, body FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", after, PURGE_PAGE_ROWS)
        .toArray();
      if (rows.length === 0) break;
      const doomed = rows.filter((row) => subjectKeysOfLine(row.body).some((key) => covered.has(key)));
      this.ctx.storage.transactionSync(() => {
        for (const row of doomed) this.sql.exec("DELETE FROM outbox WHERE seq = ?", row.seq);
      });
      for (const row of doomed) messageIds.push(String((JSON.parse(row.body) as { messageId?: unknown }).messageId));
      after = rows.at(-1)!.seq;
    }
    return { removed: messageIds.length, messageIds };
  }

  private async writeOutboxSlice(): Promise<number> {
    const plan = this.currentFlushPlan();
    if (!plan) return 0;
    const rows = this.sql
      .exec<OutboxRow>(
        `SELECT seq, source_id AS sourceId, partition, timestamp, body FROM outbox
         WHERE seq <= ? ORDER BY seq`,
        plan.maxSeq,
      )
      .toArray();
    const objects = planArchiveObjects(rows, plan.flushId);
    // The person index first, in one D1 batch: every object in R2 is then findable by deletion.
    // Rows are INSERT OR IGNORE, so a re-run of a crashed flush writes the same rows again.
    const indexDb = this.indexDatabase();
    const statements = archiveIndexStatements(indexDb, await planArchiveIndex(objects));
    if (statements.length > 0) await indexDb.batch(statements);
    const bucket = this.archiveBucket();
    await Promise.all(
      objects.map(async (object) =>
        bucket.put(object.key, await encodeNdjsonGzip(object.lines), {
          httpMetadata: { contentType: "application/x-ndjson", contentEncoding: "gzip" },
          customMetadata: { events: String(object.lines.length) },
        }),
      ),
    );
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM outbox WHERE seq <= ?", plan.maxSeq);
      this.sql.exec("DELETE FROM meta WHERE key IN ('flush_id', 'flush_max_seq')");
    });
    return rows.length;
  }

  /** The R2 bucket flushes write to; a seam for fault-injection tests. */
  protected archiveBucket(): R2Bucket {
    return this.env.ARCHIVE;
  }

  /** The D1 database the archive's person index is written to; a seam for tests that count its batches. */
  protected indexDatabase(): D1Database {
    return this.env.DB;
  }

  /** The slice being flushed is fixed before any write, so a re-run writes exactly the same objects. */
  private currentFlushPlan(): { flushId: string; maxSeq: number } | undefined {
    const meta = this.readMeta();
    if (meta.flush_id && meta.flush_max_seq) return { flushId: meta.flush_id, maxSeq: Number(meta.flush_max_seq) };
    const slice = this.sql
      .exec<{ first: number | null; last: number | null }>(
        "SELECT MIN(seq) AS first, MAX(seq) AS last FROM (SELECT seq FROM outbox ORDER BY seq LIMIT ?)",
        FLUSH_MAX_ROWS,
      )
      .one();
    if (slice.first === null || slice.last === null) return undefined;
    const flushId = flushIdFor(meta.shard_name ?? this.ctx.id.toString().slice(0, 16), slice.first);
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('flush_id', ?), ('flush_max_seq', ?)", flushId, String(slice.last));
    return { flushId, maxSeq: slice.last };
  }

  private recordDuplicate(entry: DedupeEntry, now: number): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO duplicate_hits (message_id, owner, source_id, seen_at) VALUES (?, ?, ?, ?)",
      entry.messageId,
      entry.owner,
      entry.sourceId,
      now,
    );
  }

  private async scheduleFlush(): Promise<void> {
    const pending = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
    const due = Date.now() + (pending >= FLUSH_MAX_ROWS ? 0 : FLUSH_DELAY_MS);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > due) await this.ctx.storage.setAlarm(due);
  }

  /** Next alarm: soon if events wait, else when the oldest seen id leaves the window. */
  private async scheduleNextAlarm(): Promise<void> {
    const pending = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
    if (pending > 0) return this.ctx.storage.setAlarm(Date.now());
    const oldest = this.sql
      .exec<{ at: number | null }>("SELECT MIN(at) AS at FROM (SELECT MIN(seen_at) AS at FROM seen UNION ALL SELECT MIN(seen_at) FROM duplicate_hits)")
      .one().at;
    if (oldest === null) return this.ctx.storage.deleteAlarm();
    return this.ctx.storage.setAlarm(oldest + DEDUPE_WINDOW_MS + 60_000);
  }

  private purgeExpired(now: number): void {
    const cutoff = now - DEDUPE_WINDOW_MS;
    this.sql.exec("DELETE FROM seen WHERE seen_at < ?", cutoff);
    this.sql.exec("DELETE FROM duplicate_hits WHERE seen_at < ?", cutoff);
  }

  private readMeta(): Record<string, string> {
    const rows = this.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta").toArray();
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  }
}
