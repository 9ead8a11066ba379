/**
 * Events per source per hour and per day, for the sources' sparklines (the Overview's
 * per-minute series is src/activity/minutes.ts).
 *
 * Data source: the hourly (`h:YYYY-MM-DDTHH`, kept 48 hours) and daily (`d:YYYY-MM-DD`, kept 61
 * days) buckets of `schema_event_counts`, which the EVENTS consumer already writes for schema
 * discovery (src/schema/store.ts). An event whose name lies past a source's 4,000 distinct schema
 * events is not in the buckets (it is counted in `schema_overflow`).
 */

export interface SourceActivity {
  /** 24 counts, oldest first; the last is the current (partial) UTC hour. */
  hourly: number[];
  /** 7 counts, oldest first; the last is the current (partial) UTC day. */
  daily: number[];
}

export interface BucketRow {
  source_id: string;
  bucket: string;
  count: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const HOURS_SHOWN = 24;
export const DAYS_SHOWN = 7;

const hourKey = (time: number) => `h:${new Date(time).toISOString().slice(0, 13)}`;
const dayKey = (time: number) => `d:${new Date(time).toISOString().slice(0, 10)}`;

/** The bucket keys shown, oldest first: the last 24 UTC hours and the last 7 UTC days. */
export function bucketKeys(now: Date): { hours: string[]; days: string[] } {
  const t = now.getTime();
  return {
    hours: Array.from({ length: HOURS_SHOWN }, (_, i) => hourKey(t - (HOURS_SHOWN - 1 - i) * HOUR_MS)),
    days: Array.from({ length: DAYS_SHOWN }, (_, i) => dayKey(t - (DAYS_SHOWN - 1 - i) * DAY_MS)),
  };
}

/** Pure: bucket rows (summed per source and bucket) into each source's series; zero where no row. */
export function activityFromRows(rows: readonly BucketRow[], now: Date): Map<string, SourceActivity> {
  const { hours, days } = bucketKeys(now);
  const hourIndex = new Map(hours.map((key, i) => [key, i]));
  const dayIndex = new Map(days.map((key, i) => [key, i]));
  const bySource = new Map<string, SourceActivity>();
  for (const { source_id, bucket, count } of rows) {
    let activity = bySource.get(source_id);
    if (!activity) bySource.set(source_id, (activity = emptyActivity()));
    const h = hourIndex.get(bucket);
    if (h !== undefined) activity.hourly[h]! += count;
    const d = dayIndex.get(bucket);
    if (d !== undefined) activity.daily[d]! += count;
  }
  return bySource;
}

export const emptyActivity = (): SourceActivity => ({ hourly: new Array<number>(HOURS_SHOWN).fill(0), daily: new Array<number>(DAYS_SHOWN).fill(0) });

/** Every source's series in one query (the bucket prefixes keep each half a range). */
export async function readSourceActivity(db: D1Database, now: Date): Promise<Map<string, SourceActivity>> {
  const { hours, days } = bucketKeys(now);
  const { results } = await db
    .prepare(
      `SELECT source_id, bucket, SUM(count) AS count FROM schema_event_counts
       WHERE (bucket >= ?1 AND bucket < 'h;') OR (bucket >= ?2 AND bucket < 'd;')
       GROUP BY source_id, bucket`,
    )
    .bind(hours[0], days[0])
    .all<BucketRow>();
  return activityFromRows(results, now);
}

/** The items of page `page` (1-based, clamped to the pages there are) and how many pages there are. */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, Number.isFinite(page) ? Math.floor(page) : 1), pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages };
}
