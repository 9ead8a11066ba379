import { chunked, type Row } from "../d1/chunked";

/**
 * Events dropped because their person is suppressed, per source and UTC day of receipt
 * (`suppressed_counts`): the only trace a suppressed event leaves. A batch costs one upsert per
 * distinct (source, day). Diagnostics, like schema counts: a message retried for another reason
 * after its look-up counts its suppressed events again.
 */

export interface SuppressedCount {
  sourceId: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  count: number;
}

/** Folds events (source and ISO receive time) into counts per source and UTC day. */
export function tallySuppressed(events: Iterable<{ sourceId: string; receivedAt: string }>): SuppressedCount[] {
  const counts = new Map<string, SuppressedCount>();
  for (const { sourceId, receivedAt } of events) {
    const day = receivedAt.slice(0, 10);
    const key = `${sourceId}\u0000${day}`;
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { sourceId, day, count: 1 });
  }
  return [...counts.values()];
}

export async function recordSuppressedCounts(db: D1Database, counts: readonly SuppressedCount[]): Promise<void> {
  const statements = chunked(
    db,
    counts.map(({ sourceId, day, count }): Row => [sourceId, day, count]),
    (values) => `INSERT INTO suppressed_counts (source_id, day, count) VALUES ${values}
      ON CONFLICT (source_id, day) DO UPDATE SET count = count + excluded.count`,
  );
  if (statements.length > 0) await db.batch(statements);
}

/** A source's suppressed events per day, newest day first. */
export async function readSuppressedCounts(db: D1Database, sourceId: string): Promise<{ day: string; count: number }[]> {
  const { results } = await db
    .prepare("SELECT day, count FROM suppressed_counts WHERE source_id = ? ORDER BY day DESC")
    .bind(sourceId)
    .all<{ day: string; count: number }>();
  return results;
}

/** Suppressed events per UTC day over the last `days` days (today last), for one source or all. */
export async function readRecentSuppressed(db: D1Database, sourceId: string | undefined, now: Date, days = 7): Promise<{ day: string; count: number }[]> {
  const first = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const { results } = await db
    .prepare("SELECT day, SUM(count) AS count FROM suppressed_counts WHERE day >= ?1 AND (?2 IS NULL OR source_id = ?2) GROUP BY day ORDER BY day")
    .bind(first, sourceId ?? null)
    .all<{ day: string; count: number }>();
  return results;
}
