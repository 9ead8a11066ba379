import { sourcePrefix } from "../archive/archive-key";
import { SourceStore } from "../sources/source-store";
import { dayVerdict, firstKeptPartition, isExpiredHour } from "./retention-window";

/**
 * The retention sweep: for each source with `retentionDays`, deletes the archive objects of the
 * hours that expired (retention-window.ts) and their rows in D1's `archive_index`. The Cron
 * Trigger runs it hourly (workers/index.ts).
 *
 * It lists by prefix, never the whole archive: the source's days (one delimited list), then each
 * expired day whole, and in the day the first kept hour falls in, only the expired hours. What
 * was deleted no longer lists, so the next run starts where this one stopped without a cursor,
 * and running twice deletes nothing more. Work per run is bounded (`maxDeletes`); sources take
 * turns starting the run, so one source's backlog cannot hold the others back for ever.
 */

/**
 * Objects deleted per run at most. Each 1,000 cost one R2 list, one R2 delete and one D1
 * statement, so a run stays near 150 subrequests. A source that writes more objects an hour than
 * this (each dedupe shard flushes an object per source-hour about every second under load)
 * falls behind; the R2 lifecycle rule in the README suits such a source better.
 */
export const MAX_DELETES_PER_RUN = 50_000;
/** R2 lists and deletes at most 1,000 keys per call. */
const PAGE_SIZE = 1_000;

export interface SweepOptions {
  maxDeletes?: number;
  /** Keys per list and delete call (tests use small pages). */
  pageSize?: number;
}

export interface SourceSweep {
  sourceId: string;
  retentionDays: number;
  /** The oldest hour kept, `YYYY-MM-DD/HH`. */
  firstKept: string;
  deleted: number;
  /** False when the run's budget ran out first: the next run goes on. */
  complete: boolean;
}

export interface SweepSummary {
  deleted: number;
  complete: boolean;
  sources: SourceSweep[];
}

/** One run over every source with a retention (`sources.retention_days`). */
export async function sweepArchiveRetention(db: D1Database, bucket: R2Bucket, now: Date, options: SweepOptions = {}): Promise<SweepSummary> {
  return sweepSources(db, bucket, await new SourceStore(db).listRetained(), now, options);
}

/** One run over the sources given, in turn, within one budget. */
export async function sweepSources(
  db: D1Database,
  bucket: R2Bucket,
  retained: readonly { id: string; retentionDays: number }[],
  now: Date,
  options: SweepOptions = {},
): Promise<SweepSummary> {
  // The run's hour picks which source goes first, so they take turns over the day.
  const start = retained.length === 0 ? 0 : Math.floor(now.getTime() / 3_600_000) % retained.length;
  const ordered = [...retained.slice(start), ...retained.slice(0, start)];
  const budget = { left: options.maxDeletes ?? MAX_DELETES_PER_RUN, pageSize: options.pageSize ?? PAGE_SIZE };
  const sources: SourceSweep[] = [];
  for (const { id, retentionDays } of ordered) {
    if (budget.left <= 0) break;
    const firstKept = firstKeptPartition(now, retentionDays);
    const before = budget.left;
    const complete = await sweepSource(db, bucket, id, firstKept, budget);
    sources.push({ sourceId: id, retentionDays, firstKept, deleted: before - budget.left, complete });
  }
  const deleted = sources.reduce((sum, source) => sum + source.deleted, 0);
  return { deleted, complete: sources.length === ordered.length && sources.every((source) => source.complete), sources };
}

type Budget = { left: number; pageSize: number };

/** Deletes one source's expired hours, oldest first; true when none is left. */
async function sweepSource(db: D1Database, bucket: R2Bucket, sourceId: string, firstKept: string, budget: Budget): Promise<boolean> {
  const root = sourcePrefix(sourceId);
  for await (const dayPrefix of listDelimited(bucket, root)) {
    const verdict = dayVerdict(dayPrefix.slice(root.length, -1), firstKept);
    if (verdict === "keep") continue;
    if (verdict === "delete" && !(await deletePrefix(db, bucket, dayPrefix, budget))) return false;
    if (verdict === "hours") {
      for await (const hourPrefix of listDelimited(bucket, dayPrefix)) {
        if (!isExpiredHour(hourPrefix.slice(dayPrefix.length, -1), firstKept)) continue;
        if (!(await deletePrefix(db, bucket, hourPrefix, budget))) return false;
      }
    }
  }
  // Everything before the first kept hour is gone now. Index rows of objects a crashed run
  // deleted without reaching D1 would outlive them (their prefix no longer lists): remove every
  // row in the expired key range. No object is written there any more (partitions are by
  // receivedAt, which is days old), so no live object loses its row.
  await db.prepare("DELETE FROM archive_index WHERE object_key >= ? AND object_key < ?").bind(root, `${root}${firstKept}/`).run();
  return true;
}

/**
 * Deletes every object under `prefix`, a page at a time: the objects first, then their index
 * rows, so an object is never left without its row (the deletion job finds objects through the
 * index); a row left without its object is harmless (readers skip missing objects) and the
 * range delete above removes it. False when the budget ran out before the prefix was empty.
 */
async function deletePrefix(db: D1Database, bucket: R2Bucket, prefix: string, budget: Budget): Promise<boolean> {
  for (;;) {
    if (budget.left <= 0) return false;
    // No cursor: what was deleted no longer lists, so each page starts at the oldest left.
    const page = await bucket.list({ prefix, limit: Math.min(budget.pageSize, budget.left) });
    const keys = page.objects.map((object) => object.key);
    if (keys.length === 0) return true;
    await bucket.delete(keys);
    // A list is in key order and this one is whole from its first key to its last, so the rows
    // between the two are exactly those of the objects just deleted: one statement, not one
    // per key (D1 binds at most 100 values).
    await db.prepare("DELETE FROM archive_index WHERE object_key >= ? AND object_key <= ?").bind(keys[0]!, keys.at(-1)!).run();
    budget.left -= keys.length;
    if (!page.truncated) return true;
  }
}

/** The `delimitedPrefixes` under `prefix` (the next path segment, with its `/`), in key order. */
async function* listDelimited(bucket: R2Bucket, prefix: string): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, delimiter: "/", cursor });
    yield* page.delimitedPrefixes;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
