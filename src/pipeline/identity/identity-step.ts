import type { AppEnv } from "../../env";
import type { AcceptedEvent } from "../../ingest/enrich";
import { compileIdentityConfig } from "../../identity/identity-config";
import type { Violation } from "../../identity/violations";
import { countViolations, loadIdentityConfig, recordViolations } from "./config-store";
import { resolveMessageIdentity } from "./identity-stage";
import { createIdentityStore, type PipelineIdentityStore } from "./store";

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
 * Wires the identity stage to the Worker's bindings for one consumer batch: the rules are read
 * and compiled once per batch, and the batch's violations are written to D1 once, at the end.
 */
export async function createIdentityStep(env: AppEnv): Promise<{ resolve: (events: AcceptedEvent[]) => Promise<void>; flush: () => Promise<void> }> {
  const config = compileIdentityConfig(await loadIdentityConfig(env.DB, env.SPACE_ID));
  const store = identityStore(env);
  const violations: Violation[] = [];
  return {
    resolve: async (events) => {
      violations.push(...(await resolveMessageIdentity(events, { store, config, now: () => new Date() })));
    },
    flush: async () => {
      try {
        await recordViolations(env.DB, env.SPACE_ID, countViolations(violations, new Date()));
      } catch (error) {
        // Counts are diagnostics: losing one batch's is better than retrying events already resolved.
        console.error("could not record identity violations", error);
      }
    },
  };
}
