import type { AppEnv } from "../env";
import type { Regulation } from "./regulation";
import { RegulationStore } from "./regulation-store";

/**
 * Hands a regulation that deletes data or forwards a deletion (REGULATION_EFFECTS) to the
 * deletion job. This is the one seam between the API and that job: by now the regulation is
 * stored, its suppression (if any) applied and recorded in `progress.stores.suppression`.
 *
 * The job itself is the `RegulationObject` Durable Object (built on its own branch): it erases
 * the covered people from the archive, dead letters, profiles and their index, D1 rows and the
 * debugger buffers, forwards deletions to destinations that take them, verifies, and drives the
 * status from RUNNING to FINISHED, PARTIAL_SUCCESS or FAILED with its progress per store and
 * destination. Until it is wired in here, this only marks the regulation RUNNING and leaves it
 * so: nothing has been deleted, and nothing claims otherwise.
 */
export async function startRegulationJob(env: AppEnv, regulation: Regulation, now = new Date()): Promise<Regulation> {
  await new RegulationStore(env.DB).saveProgress(regulation.id, "RUNNING", regulation.progress, now);
  return { ...regulation, status: "RUNNING", updatedAt: now.toISOString() };
}
