import { chunked } from "../d1/chunked";
import { eventSubjectKeys, hashSubjectKey } from "./subject-keys";

/**
 * The archive's person index (D1 `archive_index`): which archive objects hold events of which
 * identifier key, by the key's hash. The dedupe shard's flush writes an object's rows before the
 * object itself, so every archived event is findable; a row naming an object not written yet
 * (the flush crashed between the two) is harmless: the reader finds no object, or the object the
 * re-run writes. Deletion (and subject exports) read only the objects it names.
 */

/** Hashes of at most this many keys go in one query's JSON parameter (~35 KB, far under D1's row limit). */
export const INDEX_HASHES_PER_QUERY = 1_000;

export type IndexRow = [keyHash: string, objectKey: string];

/**
 * The index rows of objects about to be written: one per distinct (key, object). Lines that do
 * not parse are the archive's as they are, and name nobody. Hashes are computed once per key.
 */
export async function planArchiveIndex(objects: readonly { key: string; lines: readonly string[] }[]): Promise<IndexRow[]> {
  const hashes = new Map<string, Promise<string>>();
  const hashOf = (key: string) => {
    let hash = hashes.get(key);
    if (!hash) hashes.set(key, (hash = hashSubjectKey(key)));
    return hash;
  };
  const rows: Promise<IndexRow>[] = [];
  for (const object of objects) {
    const keys = new Set<string>();
    for (const line of object.lines) for (const key of subjectKeysOfLine(line)) keys.add(key);
    for (const key of keys) rows.push(hashOf(key).then((hash): IndexRow => [hash, object.key]));
  }
  return Promise.all(rows);
}

/** The subject keys of one archived line (an event's JSON); none when it is not an object. */
export function subjectKeysOfLine(line: string): string[] {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return [];
  }
  return typeof event === "object" && event !== null && !Array.isArray(event) ? eventSubjectKeys(event as Record<string, unknown>) : [];
}

/** Multi-row `INSERT OR IGNORE`s for the rows: a flush run twice writes the same rows once. */
export function archiveIndexStatements(db: D1Database, rows: readonly IndexRow[]): D1PreparedStatement[] {
  return chunked(db, rows, (values) => `INSERT OR IGNORE INTO archive_index (key_hash, object_key) VALUES ${values}`);
}

/**
 * One page of the distinct objects the index names for `hashes` (at most INDEX_HASHES_PER_QUERY),
 * in key order after `after`. The hashes travel as one JSON parameter, so a request of 1,000
 * people is a handful of queries rather than one per person or one per 100 bound parameters.
 */
export async function pageIndexedObjects(db: D1Database, hashes: readonly string[], after: string, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT object_key FROM archive_index
       WHERE key_hash IN (SELECT value FROM json_each(?1)) AND object_key > ?2
       ORDER BY object_key LIMIT ?3`,
    )
    .bind(JSON.stringify(hashes), after, limit)
    .all<{ object_key: string }>();
  return results.map((row) => row.object_key);
}

/** Removes the rows of `hashes` for `objectKeys` (the people are gone from them); other people's rows stay. */
export function forgetIndexedStatements(db: D1Database, objectKeys: readonly string[], hashes: readonly string[]): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let start = 0; start < hashes.length; start += INDEX_HASHES_PER_QUERY) {
    statements.push(
      db
        .prepare(
          `DELETE FROM archive_index
           WHERE object_key IN (SELECT value FROM json_each(?1)) AND key_hash IN (SELECT value FROM json_each(?2))`,
        )
        .bind(JSON.stringify(objectKeys), JSON.stringify(hashes.slice(start, start + INDEX_HASHES_PER_QUERY))),
    );
  }
  return statements;
}
