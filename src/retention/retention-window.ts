/**
 * Which archive hours a source's retention has expired. Pure, with `now` passed in.
 *
 * An hour partition `YYYY-MM-DD/HH` holds events received in that UTC hour (archive-key.ts). It
 * expires once it *ended* at or before `now − retentionDays`, so nothing younger than the
 * retention is ever deleted: at worst an hour is kept up to an hour (plus the time to the next
 * sweep) longer than the retention. The first hour kept is the one the cutoff falls in.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The `YYYY-MM-DD/HH` partition of the oldest hour still kept; every earlier partition has expired. */
export function firstKeptPartition(now: Date, retentionDays: number): string {
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  const iso = new Date(Math.floor(cutoff / HOUR_MS) * HOUR_MS).toISOString();
  return `${iso.slice(0, 10)}/${iso.slice(11, 13)}`;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HOUR = /^\d{2}$/;

/**
 * What to do with one day of a source's archive: `delete` it whole (it ended before the first
 * kept hour), look at its `hours` (the first kept hour falls in it), or `keep` it. A name that is
 * not a day (not written by the archive) is kept. Days compare as text: the layout is fixed-width.
 */
export function dayVerdict(day: string, firstKept: string): "delete" | "hours" | "keep" {
  if (!DAY.test(day)) return "keep";
  const keptDay = firstKept.slice(0, 10);
  return day < keptDay ? "delete" : day === keptDay ? "hours" : "keep";
}

/** Whether an hour `HH` of the day the first kept hour falls in has expired. */
export function isExpiredHour(hour: string, firstKept: string): boolean {
  return HOUR.test(hour) && hour < firstKept.slice(11, 13);
}
