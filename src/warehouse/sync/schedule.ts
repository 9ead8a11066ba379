import type { WarehouseSync } from "../store/warehouse-syncs";

export const MIN_SYNC_INTERVAL_MINUTES = 5;
export const DEFAULT_SYNC_INTERVAL_MINUTES = 60;

/**
 * WAREHOUSE_SYNC_INTERVAL_MINUTES: unset is hourly, `0` turns scheduled syncs off (null), and
 * anything shorter than the Cron Trigger's 5 minutes is 5. Not a whole number is a deploy mistake,
 * said plainly rather than guessed.
 */
export function syncIntervalMinutes(value: string | undefined): number | null {
  if (value === undefined || value.trim() === "") return DEFAULT_SYNC_INTERVAL_MINUTES;
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 0)
    throw new Error(`WAREHOUSE_SYNC_INTERVAL_MINUTES is ${JSON.stringify(value)}: give whole minutes (0 turns scheduled syncs off)`);
  if (minutes === 0) return null;
  return Math.max(minutes, MIN_SYNC_INTERVAL_MINUTES);
}

/** A sync running longer than this may have lost its alarm: it is due again, and starting one wakes it. */
export const STALLED_SYNC_MS = 3 * 3_600_000;

/**
 * Whether a source's scheduled sync is due at `now`: never synced, or its last sync started at
 * least an interval ago (a minute early counts, so a 5-minute Cron never skips a 5-minute interval
 * by a few seconds). A running sync is not due, unless it has run for STALLED_SYNC_MS: then
 * starting one wakes it (its object re-arms the alarm) rather than leave the source unsynced.
 */
export function isSyncDue(last: WarehouseSync | undefined, now: Date, intervalMinutes: number): boolean {
  return now.getTime() >= syncDueAt(last, intervalMinutes) - (last?.status === "running" ? 0 : CRON_EARLY_MS);
}

/** How early a Cron run may come and still find the interval passed. */
const CRON_EARLY_MS = 60_000;

/**
 * When a source's next scheduled sync falls due (ms since the epoch): at once when it never
 * synced, an interval after its last sync started, or, while that sync runs, once it counts as
 * stalled. The Cron (`isSyncDue`) and the console's "Next scheduled" both read it.
 */
export function syncDueAt(last: WarehouseSync | undefined, intervalMinutes: number): number {
  if (!last) return -Infinity;
  return Date.parse(last.createdAt) + (last.status === "running" ? STALLED_SYNC_MS : intervalMinutes * 60_000);
}
