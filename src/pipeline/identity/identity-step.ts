import type { AppEnv } from "../../env";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { loadIdentityConfig } from "../../identity/config-store";
import { identityStore } from "../../identity/durable-store";
import { compileIdentityConfig } from "../../identity/identity-config";
import { resolveEvents, type ResolvedEvents } from "./identity-stage";

/**
 * The identity stage wired to the Worker's bindings for one consumer batch: the rules are read
 * and compiled once per batch, so a change applies to the next batches. `afterWrite`: test faults.
 */
export async function createIdentityResolver(env: AppEnv, afterWrite?: () => void): Promise<(events: AcceptedEvent[]) => Promise<ResolvedEvents>> {
  const config = compileIdentityConfig(await loadIdentityConfig(env.DB, env.SPACE_ID));
  const store = identityStore(env, afterWrite);
  return (events) => resolveEvents(events, { store, config, now: () => new Date() });
}
