import type { AppEnv } from "../src/env";
import { sweepArchiveRetention } from "../src/retention/sweep-archive";
import { app } from "./app";
import { handleQueue } from "./queue";

export { DebuggerObject } from "./debugger-object";
export { DedupeObject } from "./dedupe-object";
export { IdentityIndexObject } from "./identity-index-object";
export { ProfileObject } from "./profile-object";
export { RegulationObject } from "./regulation-object";
export { ReplayObject } from "./replay-object";
export { SignInThrottleObject } from "./sign-in-throttle-object";
export { SubjectExportObject } from "./subject-export-object";

export default {
  fetch: app.fetch,
  queue: handleQueue,
  // The one Cron Trigger (wrangler.toml, hourly): the archive retention sweep, as of the time it was scheduled for.
  async scheduled(controller, env) {
    const { deleted, complete } = await sweepArchiveRetention(env.DB, env.ARCHIVE, new Date(controller.scheduledTime));
    console.log(JSON.stringify({ cron: controller.cron, retention: { deleted, complete } }));
  },
} satisfies ExportedHandler<AppEnv>;
