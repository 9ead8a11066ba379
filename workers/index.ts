import type { AppEnv } from "../src/env";
import { app } from "./app";
import { handleQueue } from "./queue";

export { DebuggerObject } from "./debugger-object";
export { DedupeObject } from "./dedupe-object";
export { IdentityIndexObject } from "./identity-index-object";
export { ProfileObject } from "./profile-object";
export { RegulationObject } from "./regulation-object";
export { ReplayObject } from "./replay-object";
export { SignInThrottleObject } from "./sign-in-throttle-object";

export default {
  fetch: app.fetch,
  queue: handleQueue,
} satisfies ExportedHandler<AppEnv>;
