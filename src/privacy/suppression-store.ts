import { jsonChunks } from "../d1/json-rows";
import { eventSubjectKeys, hashSubjectKey, hashSubjectKeys, userIdKey } from "./subject-keys";

/**
 * The suppression list in D1 (migrations 0009 and 0010), by key hash only:
 *
 * - `suppressed_keys (key_hash, regulation_id)`: what the EVENTS consumer reads, a key is
 *   suppressed while it has a row;
 * - `suppression_coverage (regulation_id, key_hash, subject_hash)`: which of the regulation's
 *   userIds covered the key, so an UNSUPPRESS lifts one person's keys and no one else's.
 *
 * Writes and look-ups carry their rows as JSON (`json_each`, src/d1/json-rows.ts), so a
 * regulation of 5,000 userIds, or a batch of thousands of events, is a few statements in one
 * `db.batch`: one round trip, and one transaction (D1 runs a batch atomically).
 */

export interface SuppressionAdded {
  /** Distinct keys this regulation put on the list. */
  keys: number;
  /** Its userIds. */
  subjects: number;
}

/** Puts every key each userId covers (coverage.ts `bySubject`) on the list, held by `regulationId`. Idempotent. */
export async function suppressSubjects(db: D1Database, regulationId: string, bySubject: ReadonlyMap<string, readonly string[]>): Promise<SuppressionAdded> {
  const rows: [string, string][] = [];
  const keyHashes = new Set<string>();
  for (const [userId, keys] of bySubject) {
    const subjectHash = await hashSubjectKey(userIdKey(userId));
    for (const keyHash of await hashSubjectKeys(keys)) {
      rows.push([keyHash, subjectHash]);
      keyHashes.add(keyHash);
    }
  }
  const statements = [
    ...jsonChunks(rows).map((chunk) =>
      db
        .prepare(
          `INSERT OR IGNORE INTO suppression_coverage (regulation_id, key_hash, subject_hash)
           SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?2)`,
        )
        .bind(regulationId, chunk),
    ),
    ...jsonChunks([...keyHashes]).map((chunk) =>
      db.prepare("INSERT OR IGNORE INTO suppressed_keys (key_hash, regulation_id) SELECT value, ?1 FROM json_each(?2)").bind(regulationId, chunk),
    ),
  ];
  if (statements.length > 0) await db.batch(statements);
  return { keys: keyHashes.size, subjects: bySubject.size };
}

/**
 * Takes userIds off the list (UNSUPPRESS): the keys their suppressing regulations covered for
 * them, except those another still-suppressed userId covers too (in the same regulation or
 * another: a key is held per regulation). Answers how many `suppressed_keys` rows went.
 *
 * Per chunk of userIds: first the key rows that no other subject holds, then these subjects'
 * coverage rows; a key shared by subjects of two chunks goes with the second, once the first's
 * rows are gone.
 */
export async function unsuppressSubjects(db: D1Database, userIds: readonly string[]): Promise<{ keys: number }> {
  const subjectHashes = await hashSubjectKeys(userIds.map(userIdKey));
  const statements = jsonChunks(subjectHashes).flatMap((chunk) => [
    db
      .prepare(
        `DELETE FROM suppressed_keys
         WHERE (key_hash, regulation_id) IN (SELECT key_hash, regulation_id FROM suppression_coverage WHERE subject_hash IN (SELECT value FROM json_each(?1)))
           AND NOT EXISTS (
             SELECT 1 FROM suppression_coverage c
             WHERE c.regulation_id = suppressed_keys.regulation_id AND c.key_hash = suppressed_keys.key_hash
               AND c.subject_hash NOT IN (SELECT value FROM json_each(?1)))`,
      )
      .bind(chunk),
    db.prepare("DELETE FROM suppression_coverage WHERE subject_hash IN (SELECT value FROM json_each(?1))").bind(chunk),
  ]);
  if (statements.length === 0) return { keys: 0 };
  const results = await db.batch(statements);
  return { keys: results.filter((_, i) => i % 2 === 0).reduce((sum, result) => sum + (result.meta.changes ?? 0), 0) };
}

/** Which of `hashes` are suppressed: one D1 round trip (one statement per ~2,800 hashes, in one batch). */
export async function suppressedAmong(db: D1Database, hashes: Iterable<string>): Promise<Set<string>> {
  const statements = jsonChunks([...new Set(hashes)]).map((chunk) =>
    db.prepare("SELECT DISTINCT key_hash FROM suppressed_keys WHERE key_hash IN (SELECT value FROM json_each(?1))").bind(chunk),
  );
  if (statements.length === 0) return new Set();
  const results = await db.batch<{ key_hash: string }>(statements);
  return new Set(results.flatMap((result) => result.results.map((row) => row.key_hash)));
}

/**
 * For each event, whether its person is suppressed: one of its keys (eventSubjectKeys) is on the
 * list. Keys shared by a batch's events are hashed once; the look-up is one `suppressedAmong`.
 */
export async function findSuppressedEvents(db: D1Database, events: readonly Record<string, unknown>[]): Promise<boolean[]> {
  const keysOf = events.map(eventSubjectKeys);
  const distinct = [...new Set(keysOf.flat())];
  const hashOf = new Map(await Promise.all(distinct.map(async (key) => [key, await hashSubjectKey(key)] as const)));
  const suppressed = await suppressedAmong(db, hashOf.values());
  return keysOf.map((keys) => keys.some((key) => suppressed.has(hashOf.get(key)!)));
}
