import { jsonChunks } from "../d1/json-rows";

/**
 * Reading the archive's person index (`archive_index`, written by the dedupe flush before each
 * object): the archive objects holding events of any of `hashes`, in key order, a page at a time
 * after `after`. Deletion and subject exports read only these objects, never the whole archive.
 */
export async function indexedObjectKeys(db: D1Database, hashes: readonly string[], after: string, limit: number): Promise<string[]> {
  const statements = jsonChunks([...new Set(hashes)]).map((chunk) =>
    db
      .prepare(
        "SELECT DISTINCT object_key FROM archive_index WHERE key_hash IN (SELECT value FROM json_each(?1)) AND object_key > ?2 ORDER BY object_key LIMIT ?3",
      )
      .bind(chunk, after, limit),
  );
  if (statements.length === 0) return [];
  const results = await db.batch<{ object_key: string }>(statements);
  // Each chunk answers its own first `limit`; their union's first `limit` is the page.
  return [...new Set(results.flatMap((result) => result.results.map((row) => row.object_key)))].sort().slice(0, limit);
}
