import type { AppEnv } from "../../env";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { compileIdentityConfig } from "../../identity/identity-config";
import { loadIdentityConfig } from "../../identity/config-store";
import { resolveEvents, type ResolvedEvents } from "./identity-stage";
import { createIdentityStore, type PipelineIdentityStore } from "../../identity/durable-store";

/** The identity graph of the Worker's space, through its Durable Object bindings. */
export function identityStore(env: AppEnv): PipelineIdentityStore {
  return createIdentityStore(
    {
      index: (name) => env.IDENTITY_INDEX.get(env.IDENTITY_INDEX.idFromName(name)),
      profile: (segmentId) => env.PROFILES.get(env.PROFILES.idFromName(segmentId)),
    },
    env.SPACE_ID,
  );
}

/**
 * The identity stage wired to the Worker's bindings for one consumer batch: the rules are read
 * and compiled once per batch, so a change applies to the next batches.
 */
export async function createIdentityResolver(env: AppEnv): Promise<(events: AcceptedEvent[]) => Promise<ResolvedEvents>> {
  const config = compileIdentityConfig(await loadIdentityConfig(env.DB, env.SPACE_ID));
  const store = identityStore(env);
  return (events) => resolveEvents(events, { store, config, now: () => new Date() });
}
