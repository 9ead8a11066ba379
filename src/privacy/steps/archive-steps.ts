import { readNdjsonGzipLines } from "../../archive/ndjson";
import { eraseFromObject } from "../archive-erase";
import { forgetIndexedStatements, INDEX_HASHES_PER_QUERY, pageIndexedObjects } from "../archive-index";
import { occurrencesInLine } from "../covered";
import type { StepContext, StepResult } from "../deletion-deps";

/** Objects one index query answers at most. */
const INDEX_PAGE = 500;
/** Objects erased (or verified) side by side. */
const PARALLEL_OBJECTS = 8;
/** Objects whose index rows one D1 batch forgets. */
const UNINDEX_PAGE = 100;

const pastDeadline = (ctx: StepContext) => ctx.deps.now() > ctx.deadline;

/**
 * Lists the archive objects the person index names for the covered keys, into the job's
 * `objects` table (each once, however many of the people it holds: a request of 1,000 people
 * reads each object once). Pages by hash chunk and object key; the cursor is saved per page.
 */
export async function listIndexedObjects(ctx: StepContext): Promise<StepResult> {
  const { state, db } = ctx.deps;
  const hashes = state.coveredHashes();
  let chunk = state.numberMeta("index_chunk");
  let after = state.getMeta("index_after") ?? "";
  while (chunk * INDEX_HASHES_PER_QUERY < hashes.length) {
    if (pastDeadline(ctx)) return { wakeAt: ctx.deps.now() };
    const page = await pageIndexedObjects(db, hashes.slice(chunk * INDEX_HASHES_PER_QUERY, (chunk + 1) * INDEX_HASHES_PER_QUERY), after, INDEX_PAGE);
    if (page.length < INDEX_PAGE) {
      chunk += 1;
      after = "";
    } else {
      after = page.at(-1)!;
    }
    state.transaction(() => {
      for (const key of page) state.sql.exec("INSERT OR IGNORE INTO objects (key) VALUES (?)", key);
      state.setMeta("index_chunk", String(chunk));
      state.setMeta("index_after", after);
    });
  }
  return "done";
}

/**
 * Rewrites each listed object without the covered people (archive-erase.ts). What a rewrite
 * removes is recorded before it writes, so when a crash falls between the write and the record,
 * the re-run (which finds nothing left to remove) still counts what the write removed.
 */
export async function eraseListedObjects(ctx: StepContext): Promise<StepResult> {
  const { state } = ctx.deps;
  const bucket = ctx.deps.bucket("archive-erase");
  for (;;) {
    if (pastDeadline(ctx)) return { wakeAt: ctx.deps.now() };
    const batch = state.sql
      .exec<{ key: string; planned: number | null; planned_outcome: string | null }>(
        "SELECT key, planned, planned_outcome FROM objects WHERE state = 'pending' ORDER BY key LIMIT ?",
        PARALLEL_OBJECTS,
      )
      .toArray();
    if (batch.length === 0) break;
    await Promise.all(
      batch.map(async (row) => {
        const result = await eraseFromObject(bucket, row.key, ctx.covered.keys, (erased) =>
          state.transaction(() => {
            const outcome = erased.kept.length === 0 ? "deleted" : "rewritten";
            state.sql.exec("UPDATE objects SET planned = ?, planned_outcome = ? WHERE key = ?", erased.removedMessageIds.length, outcome, row.key);
            state.addRemovedMessages(erased.removedMessageIds);
          }),
        );
        // Nothing left to remove, yet a plan was recorded: an earlier run's write landed.
        const landedEarlier = result.removed === 0 && row.planned !== null && row.planned > 0;
        state.sql.exec(
          "UPDATE objects SET state = 'done', removed = ?, outcome = ? WHERE key = ?",
          landedEarlier ? row.planned : result.removed,
          landedEarlier ? row.planned_outcome : result.outcome,
          row.key,
        );
      }),
    );
    saveArchiveProgress(ctx);
  }
  saveArchiveProgress(ctx);
  return "done";
}

function saveArchiveProgress(ctx: StepContext): void {
  const totals = ctx.deps.state.sql
    .exec<{ events: number | null; rewritten: number | null; deleted: number | null }>(
      `SELECT SUM(removed) AS events, SUM(outcome = 'rewritten') AS rewritten, SUM(outcome = 'deleted') AS deleted
       FROM objects WHERE state = 'done'`,
    )
    .one();
  const deleted = totals.deleted ?? 0;
  ctx.deps.state.updateStore("archive", { removed: { events: totals.events ?? 0, objects: (totals.rewritten ?? 0) + deleted, objectsDeleted: deleted } });
}

/** Forgets the covered people's index rows of every object the job went through; other people's rows stay. */
export async function unindexListedObjects(ctx: StepContext): Promise<StepResult> {
  const { state, db } = ctx.deps;
  const hashes = state.coveredHashes();
  for (;;) {
    if (pastDeadline(ctx)) return { wakeAt: ctx.deps.now() };
    const keys = state.sql
      .exec<{ key: string }>("SELECT key FROM objects WHERE state = 'done' AND unindexed = 0 ORDER BY key LIMIT ?", UNINDEX_PAGE)
      .toArray()
      .map((row) => row.key);
    if (keys.length === 0) return "done";
    await db.batch(forgetIndexedStatements(db, keys, hashes));
    state.transaction(() => {
      for (const key of keys) state.sql.exec("UPDATE objects SET unindexed = 1 WHERE key = ?", key);
    });
  }
}

/**
 * The receipt's archive half: re-reads every object the index named for these people during
 * the job and counts what of them is still there (occurrencesInLine). Totals are kept in the
 * job's meta, each object counted in the transaction that marks it verified.
 */
export async function verifyListedObjects(ctx: StepContext): Promise<StepResult> {
  const { state } = ctx.deps;
  const bucket = ctx.deps.bucket("verify");
  for (;;) {
    if (pastDeadline(ctx)) return { wakeAt: ctx.deps.now() };
    const keys = state.sql
      .exec<{ key: string }>("SELECT key FROM objects WHERE verified = 0 ORDER BY key LIMIT ?", PARALLEL_OBJECTS)
      .toArray()
      .map((row) => row.key);
    if (keys.length === 0) return "done";
    const counts = await Promise.all(
      keys.map(async (key) => {
        const object = await bucket.get(key);
        let events = 0;
        let occurrences = 0;
        if (object) {
          for await (const line of readNdjsonGzipLines(object.body as ReadableStream<Uint8Array>)) {
            events += 1;
            occurrences += occurrencesInLine(line, ctx.covered);
          }
        }
        return { key, events, occurrences };
      }),
    );
    state.transaction(() => {
      for (const { key, events, occurrences } of counts) {
        state.sql.exec("UPDATE objects SET verified = 1 WHERE key = ?", key);
        state.setMeta("verify_objects", String(state.numberMeta("verify_objects") + 1));
        state.setMeta("verify_events", String(state.numberMeta("verify_events") + events));
        state.setMeta("verify_occurrences", String(state.numberMeta("verify_occurrences") + occurrences));
      }
    });
  }
}
