import { z } from "zod";
import { parseStoredJson } from "../storage/stored-json";
import { REGULATION_EFFECTS, REGULATION_TYPES } from "./regulation";

/** Regulation types that rewrite the archive. */
const DELETING_TYPES = REGULATION_TYPES.filter((type) => REGULATION_EFFECTS[type].deleteInternal !== "none");

const coveredSchema = z.array(z.string());

/**
 * For readers that hold archive events in memory while deletions may run (a replay's group):
 * the identifier keys of every deletion not finished before `since` (a reader that read the
 * archive after `since` may hold what such a deletion removes since). A deletion finished
 * earlier rewrote the archive before anything was read, so it is not asked about again.
 *
 * One D1 query per call, usually answering no rows; each regulation's keys are parsed once.
 */
export function erasedKeysReader(db: D1Database, since: () => string): () => Promise<ReadonlySet<string>> {
  const known = new Map<string, readonly string[]>();
  return async () => {
    const types = JSON.stringify(DELETING_TYPES);
    const { results } = await db
      .prepare(
        `SELECT id FROM regulations WHERE regulation_type IN (SELECT value FROM json_each(?1))
         AND (status IN ('INITIALIZED', 'RUNNING') OR updated_at >= ?2)`,
      )
      .bind(types, since())
      .all<{ id: string }>();
    const unknown = results.map((row) => row.id).filter((id) => !known.has(id));
    if (unknown.length > 0) {
      const rows = await db
        .prepare("SELECT id, covered FROM regulations WHERE id IN (SELECT value FROM json_each(?))")
        .bind(JSON.stringify(unknown))
        .all<{ id: string; covered: string }>();
      for (const row of rows.results) known.set(row.id, parseStoredJson(coveredSchema, row.covered, `regulations row ${row.id} covered`));
    }
    return new Set(results.flatMap((row) => known.get(row.id) ?? []));
  };
}
