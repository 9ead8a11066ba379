import type { AppEnv } from "../../env";
import { SourceStore } from "../../sources/source-store";
import { WarehouseSyncStore, type SyncTrigger, type WarehouseSync } from "../store/warehouse-syncs";

/** Starts a sync of a source in its WarehouseSyncObject (or finds the one running); null when the source does not exist. */
export async function startWarehouseSync(env: AppEnv, sourceId: string, options: { trigger: SyncTrigger; full: boolean }): Promise<WarehouseSync | null> {
  if (!(await new SourceStore(env.DB).get(sourceId))) return null;
  const stub = env.WAREHOUSE_SYNCS.get(env.WAREHOUSE_SYNCS.idFromName(sourceId));
  const id = await stub.begin({ sourceId, ...options });
  const sync = await new WarehouseSyncStore(env.DB).get(id);
  if (!sync) throw new Error(`warehouse sync ${id} started but is not in D1`);
  return sync;
}
