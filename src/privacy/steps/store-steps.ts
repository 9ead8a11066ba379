import { parseIdentifierKey } from "../../identity/identifier";
import { deadLetterRecordSchema } from "../../queues/dead-letter";
import { eraseFromDeadLetter } from "../dead-letter-erase";
import type { StepContext, StepResult } from "../deletion-deps";
import type { DeletionStep } from "../deletion-state";
import { deleteExportParts } from "../subject-export-download";

/** Dead letters listed (and read, a few at a time) per page. */
const DEAD_LETTER_PAGE = 100;
const PARALLEL_READS = 8;
/** Debugger (or replay) objects purged side by side. */
const PARALLEL_OBJECTS = 16;
/** MessageIds per D1 statement (one JSON parameter). */
const MESSAGES_PER_STATEMENT = 500;
/** Identifier needles per D1 statement. */
const NEEDLES_PER_STATEMENT = 200;

const pastDeadline = (ctx: StepContext) => ctx.deps.now() > ctx.deadline;

/** A store's totals, with the kinds it counts present even when nothing was removed. */
function totals(ctx: StepContext, step: DeletionStep, kinds: readonly string[]): Record<string, number> {
  return { ...Object.fromEntries(kinds.map((kind) => [kind, 0])), ...ctx.deps.state.removalTotals(step) };
}

/**
 * Purges every dedupe shard's outbox of the people: events committed but not yet in R2. Each
 * shard is recorded done with what it removed; after a crash, only shards not yet recorded are
 * asked again (a shard asked twice answers 0 the second time: its count is then lost, not doubled).
 */
export async function purgeOutboxes(ctx: StepContext): Promise<StepResult> {
  const { state } = ctx.deps;
  const keys = [...ctx.covered.keys];
  const results = await Promise.allSettled(
    ctx.deps
      .dedupeShards()
      .filter(({ name }) => !state.isDone("outbox", name))
      .map(async ({ name, shard }) => {
        const { removed, messageIds } = await shard.purge(keys);
        state.transaction(() => {
          state.recordRemoval("outbox", name, { events: removed });
          state.addRemovedMessages(messageIds);
          state.markDone("outbox", name);
        });
      }),
  );
  state.updateStore("outbox", { removed: totals(ctx, "outbox", ["events"]) });
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return "done";
}

/**
 * Goes through every dead letter (`dead-letter/…`, all queues), a page at a time after the last
 * key done: letters holding the people are deleted, or rewritten without their events
 * (dead-letter-erase.ts). What a letter loses is recorded before it is changed.
 */
export async function eraseDeadLetters(ctx: StepContext): Promise<StepResult> {
  const { state } = ctx.deps;
  const bucket = ctx.deps.bucket("dead-letters");
  for (;;) {
    if (pastDeadline(ctx)) return { wakeAt: ctx.deps.now() };
    const after = state.getMeta("dead_letters_after");
    const page = await bucket.list({ prefix: "dead-letter/", limit: DEAD_LETTER_PAGE, ...(after ? { startAfter: after } : {}) });
    const keys = page.objects.map((object) => object.key);
    for (let start = 0; start < keys.length; start += PARALLEL_READS) {
      await Promise.all(keys.slice(start, start + PARALLEL_READS).map((key) => eraseDeadLetter(ctx, bucket, key)));
    }
    state.transaction(() => {
      if (keys.length > 0) state.setMeta("dead_letters_after", keys.at(-1)!);
      state.updateStore("deadLetters", { removed: totals(ctx, "dead-letters", ["letters", "events"]) });
    });
    if (!page.truncated) return "done";
  }
}

async function eraseDeadLetter(ctx: StepContext, bucket: R2Bucket, key: string): Promise<void> {
  const { state } = ctx.deps;
  const object = await bucket.get(key);
  if (!object) return; // re-driven meanwhile
  const text = await object.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = deadLetterRecordSchema.safeParse(json);
  if (!parsed.success) {
    // Not a record the DLQ consumer wrote: it goes if it holds a covered value at all.
    if (![...ctx.covered.values].some((value) => text.includes(JSON.stringify(value)))) return;
    state.transaction(() => state.recordRemoval("dead-letters", key, { letters: 1, events: 0 }));
    await bucket.delete(key);
    return;
  }
  const erasure = eraseFromDeadLetter(parsed.data, ctx.covered);
  if (erasure.action === "keep") return;
  if (erasure.action === "delete") {
    state.transaction(() => state.recordRemoval("dead-letters", key, { letters: 1, events: erasure.removedEvents }));
    await bucket.delete(key);
    return;
  }
  state.transaction(() => state.recordRemoval("dead-letters", key, { rewritten: 1, events: erasure.removedEvents }));
  // A dead letter is written once and only ever deleted (re-drive): a failed precondition means it is gone.
  await bucket.put(key, JSON.stringify(erasure.record), {
    onlyIf: { etagMatches: object.etag },
    httpMetadata: object.httpMetadata ?? { contentType: "application/json" },
  });
}

/** Removes the people's entries from every source's live debugger buffer. */
export function purgeDebuggers(ctx: StepContext): Promise<StepResult> {
  return purgeEach(ctx, "debugger", "entries", ctx.deps.sourceIds, ctx.deps.debugger);
}

/**
 * Removes the people's parked events (waiting for a retry) from replays that ended without
 * sending them. A running replay's runner drops them itself before any retry.
 */
export function purgeReplays(ctx: StepContext): Promise<StepResult> {
  return purgeEach(ctx, "replays", "parkedEvents", ctx.deps.replayIds, ctx.deps.replay);
}

/** Asks each object in `ids` to purge the people, a few at a time, each recorded done with what it removed. */
async function purgeEach(
  ctx: StepContext,
  step: "debugger" | "replays",
  kind: string,
  ids: () => Promise<string[]>,
  object: (id: string) => { purge(keys: string[]): Promise<number> },
): Promise<StepResult> {
  const { state } = ctx.deps;
  const keys = [...ctx.covered.keys];
  const pending = (await ids()).filter((id) => !state.isDone(step, id));
  for (let start = 0; start < pending.length; start += PARALLEL_OBJECTS) {
    if (pastDeadline(ctx)) return { wakeAt: ctx.deps.now() };
    await Promise.all(
      pending.slice(start, start + PARALLEL_OBJECTS).map(async (id) => {
        const removed = await object(id).purge(keys);
        state.transaction(() => {
          state.recordRemoval(step, id, { [kind]: removed });
          state.markDone(step, id);
        });
      }),
    );
    state.updateStore(step, { removed: totals(ctx, step, [kind]) });
  }
  state.updateStore(step, { removed: totals(ctx, step, [kind]) });
  return "done";
}

/**
 * D1 rows holding the people's data. Of the tables, only two hold identifiers or what events
 * said (the rest hold configuration, counts, schema paths and hashes):
 * - `identity_violations`: one row per event, and `message` quotes the identifier
 *   (`email "x@y.z" matches the blocked value …`). Rows of the removed events go by messageId,
 *   and any other row quoting a covered identifier by its text.
 * - `subject_exports` of these people, and their NDJSON parts in R2 (`subject-exports/<id>/…`):
 *   a copy of their events.
 * `regulations` keeps the request itself (its subject ids), as the record that it was done.
 */
export async function eraseD1Rows(ctx: StepContext): Promise<StepResult> {
  const { state, db, spaceId } = ctx.deps;
  for (;;) {
    if (pastDeadline(ctx)) return { wakeAt: ctx.deps.now() };
    const after = state.getMeta("d1_messages_after") ?? "";
    const ids = state.removedMessages(after, MESSAGES_PER_STATEMENT);
    if (ids.length === 0) break;
    const result = await db
      .prepare("DELETE FROM identity_violations WHERE space_id = ? AND message_id IN (SELECT value FROM json_each(?))")
      .bind(spaceId, JSON.stringify(ids))
      .run();
    state.transaction(() => {
      state.recordRemoval("d1", `messages>${after}`, { identityViolations: result.meta.changes });
      state.setMeta("d1_messages_after", ids.at(-1)!);
    });
  }
  if (!state.isDone("d1", "values")) {
    const needles = [...ctx.covered.keys].flatMap((key) => {
      const identifier = parseIdentifierKey(key);
      // As src/identity words its violations: `<type> "<value>"`, the value as it is.
      return identifier ? [`${identifier.type} "${identifier.value}"`] : [];
    });
    const statements: D1PreparedStatement[] = [];
    for (let start = 0; start < needles.length; start += NEEDLES_PER_STATEMENT) {
      statements.push(
        db
          .prepare(
            `DELETE FROM identity_violations WHERE space_id = ?1
             AND EXISTS (SELECT 1 FROM json_each(?2) AS needle WHERE instr(identity_violations.message, needle.value) > 0)`,
          )
          .bind(spaceId, JSON.stringify(needles.slice(start, start + NEEDLES_PER_STATEMENT))),
      );
    }
    const results = statements.length > 0 ? await db.batch(statements) : [];
    state.transaction(() => {
      state.recordRemoval("d1", "values", { identityViolations: results.reduce((sum, result) => sum + result.meta.changes, 0) });
      state.markDone("d1", "values");
    });
  }
  if (!state.isDone("d1", "exports")) {
    const { results } = await db.prepare("SELECT id, covered FROM subject_exports").all<{ id: string; covered: string }>();
    const theirs = results.filter((row) => {
      try {
        return (JSON.parse(row.covered) as unknown[]).some((key) => typeof key === "string" && ctx.covered.keys.has(key));
      } catch {
        return false;
      }
    });
    state.transaction(() => state.recordRemoval("d1", "exports", { subjectExports: theirs.length }));
    if (theirs.length > 0) {
      for (const row of theirs) await deleteExportParts(ctx.deps.bucket("d1"), row.id);
      await db.batch(theirs.map((row) => db.prepare("DELETE FROM subject_exports WHERE id = ?").bind(row.id)));
    }
    state.markDone("d1", "exports");
  }
  state.updateStore("d1", { removed: totals(ctx, "d1", ["identityViolations", "subjectExports"]) });
  return "done";
}
