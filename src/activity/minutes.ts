import { chunked, type Row } from "../d1/chunked";

/**
 * Events per source per minute, for the console's Overview (the last 24 hours, minute by minute).
 * Written by the EVENTS consumer (never the edge): a batch costs one upsert per distinct
 * (source, minute), never one per event. The table holds about a day, so the Overview reads it whole.
 */

export const MINUTE_MS = 60_000;
/** Minutes shown: the last 24 hours, the current (partial) minute last. */
export const MINUTES_SHOWN = 24 * 60;
/** Kept a little longer than shown, so a late batch still lands in a kept minute. */
export const MINUTES_KEPT = 25 * 60;

export const minuteOf = (time: number) => Math.floor(time / MINUTE_MS);

export interface MinuteCount {
  sourceId: string;
  minute: number;
  count: number;
}

/** Folds events (their source and ISO receive time) into counts per source and minute; unreadable times are skipped. */
export function tallyMinutes(events: Iterable<{ sourceId: string; receivedAt: string }>): MinuteCount[] {
  const counts = new Map<string, MinuteCount>();
  for (const { sourceId, receivedAt } of events) {
    const time = Date.parse(receivedAt);
    if (!Number.isFinite(time)) continue;
    const minute = minuteOf(time);
    const key = `${sourceId}\u0000${minute}`;
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { sourceId, minute, count: 1 });
  }
  return [...counts.values()];
}

/** Each source's series of `MINUTES_SHOWN` counts ending at `now`'s minute (oldest first); zero where no row. */
export function minuteSeries(rows: readonly MinuteCount[], now: Date): Map<string, number[]> {
  const last = minuteOf(now.getTime());
  const first = last - MINUTES_SHOWN + 1;
  const series = new Map<string, number[]>();
  for (const { sourceId, minute, count } of rows) {
    if (minute < first || minute > last) continue;
    let values = series.get(sourceId);
    if (!values) series.set(sourceId, (values = new Array<number>(MINUTES_SHOWN).fill(0)));
    values[minute - first]! += count;
  }
  return series;
}

export const emptyMinuteSeries = () => new Array<number>(MINUTES_SHOWN).fill(0);

/** The statements that add a batch's counts and drop the written sources' minutes past `MINUTES_KEPT`. */
export function minuteCountStatements(db: D1Database, counts: readonly MinuteCount[], now: Date): D1PreparedStatement[] {
  if (counts.length === 0) return [];
  const oldestKept = minuteOf(now.getTime()) - MINUTES_KEPT;
  const sources = [...new Set(counts.map(({ sourceId }) => sourceId))];
  return [
    ...chunked(
      db,
      counts.filter(({ minute }) => minute > oldestKept).map(({ sourceId, minute, count }): Row => [sourceId, minute, count]),
      (values) => `INSERT INTO source_minute_counts (source_id, minute, count) VALUES ${values}
        ON CONFLICT (source_id, minute) DO UPDATE SET count = count + excluded.count`,
    ),
    // The primary key makes this an index range per source.
    ...chunked(
      db,
      sources.map((id): Row => [id, oldestKept]),
      (values) => `DELETE FROM source_minute_counts WHERE (source_id, minute) IN (
        SELECT c.source_id, c.minute FROM source_minute_counts c JOIN (VALUES ${values}) AS k ON c.source_id = k.column1 AND c.minute <= k.column2)`,
    ),
  ];
}

export async function recordMinuteCounts(db: D1Database, counts: readonly MinuteCount[], now: Date): Promise<void> {
  const statements = minuteCountStatements(db, counts, now);
  if (statements.length > 0) await db.batch(statements);
}

/** Every source's last 24 hours, minute by minute, in one query. */
export async function readMinuteSeries(db: D1Database, now: Date): Promise<Map<string, number[]>> {
  const first = minuteOf(now.getTime()) - MINUTES_SHOWN + 1;
  const { results } = await db
    .prepare(`SELECT source_id AS sourceId, minute, count FROM source_minute_counts WHERE minute >= ?1`)
    .bind(first)
    .all<MinuteCount>();
  return minuteSeries(results, now);
}
