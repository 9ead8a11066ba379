import type { Source } from "../../sources/source";
import type { WarehouseSync } from "../../warehouse/store/warehouse-syncs";
import { MIN_SYNC_INTERVAL_MINUTES, syncDueAt, syncIntervalMinutes } from "../../warehouse/sync/schedule";

/** The warehouse's sync schedule as the console says it: pure, time passed in. */

export type SyncSchedule = { kind: "every"; minutes: number } | { kind: "off" } | { kind: "invalid"; message: string };

/** WAREHOUSE_SYNC_INTERVAL_MINUTES as the Cron Trigger reads it; a value it would refuse is shown, not thrown, so the page still opens. */
export function scheduleOf(value: string | undefined): SyncSchedule {
  try {
    const minutes = syncIntervalMinutes(value);
    return minutes === null ? { kind: "off" } : { kind: "every", minutes };
  } catch (error) {
    return { kind: "invalid", message: error instanceof Error ? error.message : String(error) };
  }
}

/** One sentence on when syncs run, for the top of the Warehouse pages. */
export function describeSchedule(schedule: SyncSchedule): string {
  switch (schedule.kind) {
    case "every":
      return `Every enabled source syncs every ${schedule.minutes} minutes (WAREHOUSE_SYNC_INTERVAL_MINUTES): a Cron Trigger looks for due syncs every ${MIN_SYNC_INTERVAL_MINUTES} minutes. Sync now starts one at once.`;
    case "off":
      return "Scheduled syncs are off (WAREHOUSE_SYNC_INTERVAL_MINUTES is 0): a source syncs only when you press Sync now or call POST /api/v1/warehouse/syncs.";
    case "invalid":
      return `Scheduled syncs are not running: ${schedule.message}. Fix the var in wrangler.toml and deploy; Sync now still works.`;
  }
}

/** `2026-05-01T13:05:00.000Z` → `2026-05-01 13:05 UTC`, as the console's times read. */
const minuteOf = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
};

/**
 * When a source's next scheduled sync should start. Approximate by design: the Cron Trigger
 * starts a due sync at its next 5-minute run (src/warehouse/sync/schedule.ts `isSyncDue`).
 */
export function nextScheduledSync(schedule: SyncSchedule, source: Pick<Source, "enabled">, last: WarehouseSync | undefined, now: Date): string {
  if (schedule.kind === "off") return "None scheduled: only Sync now or the admin API start one.";
  if (schedule.kind === "invalid") return "None: the schedule's setting is invalid (see above).";
  if (!source.enabled) return "None while the source is disabled.";
  if (last?.status === "running") return "After this sync ends.";
  const due = syncDueAt(last, schedule.minutes);
  return due <= now.getTime() ? `At the next check (within ${MIN_SYNC_INTERVAL_MINUTES} minutes).` : `Around ${minuteOf(due)}.`;
}
