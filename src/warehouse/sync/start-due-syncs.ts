import type { AppEnv } from "../../env";
import { SourceStore } from "../../sources/source-store";
import { WarehouseSourceStore } from "../store/warehouse-sources";
import { WarehouseSyncStore } from "../store/warehouse-syncs";
import { isSyncDue, syncIntervalMinutes } from "./schedule";
import { startWarehouseSync } from "./start-sync";

/** The Cron Trigger's part: starts the scheduled sync of every enabled source that is due; answers the ids started. */
export async function startDueWarehouseSyncs(env: AppEnv, now: Date): Promise<string[]> {
  const interval = syncIntervalMinutes(env.WAREHOUSE_SYNC_INTERVAL_MINUTES);
  if (interval === null) return [];
  const latest = await new WarehouseSyncStore(env.DB).latestPerSource();
  const due = (await new SourceStore(env.DB).list()).filter((source) => source.enabled && isSyncDue(latest.get(source.id), now, interval));
  const started: string[] = [];
  for (const source of due) {
    const sync = await startWarehouseSync(env, source.id, { trigger: "schedule", full: false });
    if (sync) started.push(sync.id);
  }
  return started;
}

/**
 * After a deletion rewrote the archive: syncs every source the warehouse has seen, so the hours
 * that held the people are rewritten without them now rather than at the next scheduled sync.
 * A source whose sync is already running gets no second one; the next scheduled sync catches up.
 */
export async function startSyncsAfterDeletion(env: AppEnv): Promise<string[]> {
  const started: string[] = [];
  const failures: string[] = [];
  for (const { sourceId } of await new WarehouseSourceStore(env.DB).list()) {
    // One source failing to start must not keep the others holding the deleted people.
    try {
      const sync = await startWarehouseSync(env, sourceId, { trigger: "regulation", full: false });
      if (sync) started.push(sync.id);
    } catch (error) {
      failures.push(`${sourceId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`warehouse syncs after a deletion did not start for ${failures.join("; ")} (the next scheduled sync will)`);
  return started;
}
