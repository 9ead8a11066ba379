import type { AppEnv } from "../src/env";
import { meteredFetch, meteredObject, meteredQueueHandler } from "../src/metering/entry-points";
import { sweepArchiveRetention } from "../src/retention/sweep-archive";
import { startDueWarehouseSyncs } from "../src/warehouse/sync/start-due-syncs";
import { app } from "./app";
import { DebuggerObject as Debugger } from "./debugger-object";
import { DedupeObject as Dedupe } from "./dedupe-object";
import { IdentityIndexObject as IdentityIndex } from "./identity-index-object";
import { ProfileObject as Profile } from "./profile-object";
import { handleQueue } from "./queue";

// The Durable Objects of the event pipeline carry the metering test hook (src/metering); off, it
// hands them their state and env untouched.
export class DebuggerObject extends meteredObject(Debugger, "DebuggerObject") {}
export class DedupeObject extends meteredObject(Dedupe, "DedupeObject") {}
export class IdentityIndexObject extends meteredObject(IdentityIndex, "IdentityIndexObject") {}
export class ProfileObject extends meteredObject(Profile, "ProfileObject") {}
export { RegulationObject } from "./regulation-object";
export { ReplayObject } from "./replay-object";
export { SignInThrottleObject } from "./sign-in-throttle-object";
export { SubjectExportObject } from "./subject-export-object";
export { WarehouseSyncObject } from "./warehouse-sync-object";

/** The Cron Trigger that starts due warehouse syncs (wrangler.toml `crons`). */
const WAREHOUSE_CRON = "*/5 * * * *";

export default {
  fetch: meteredFetch(app.fetch),
  queue: meteredQueueHandler(handleQueue),
  // The Cron Triggers (wrangler.toml): hourly, the archive retention sweep, as of the time it was
  // scheduled for; every 5 minutes, the warehouse syncs that are due.
  async scheduled(controller, env) {
    const at = new Date(controller.scheduledTime);
    if (controller.cron === WAREHOUSE_CRON) {
      console.log(JSON.stringify({ cron: controller.cron, warehouseSyncs: await startDueWarehouseSyncs(env, at) }));
      return;
    }
    const { deleted, complete } = await sweepArchiveRetention(env.DB, env.ARCHIVE, at);
    console.log(JSON.stringify({ cron: controller.cron, retention: { deleted, complete } }));
  },
} satisfies ExportedHandler<AppEnv>;
