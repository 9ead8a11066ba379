import type { AppEnv } from "../env";
import type { Regulation } from "./regulation";

/** What a regulation's Durable Object is started with: the progress so far holds the suppression's outcome. */
export type RegulationJobSpec = Pick<Regulation, "id" | "regulationType" | "subjectIds" | "covered" | "createdAt" | "progress">;

/**
 * Hands a regulation that deletes data or forwards a deletion (REGULATION_EFFECTS) to its
 * RegulationObject, and marks it RUNNING. By now the regulation is stored and its suppression (if
 * any) applied and recorded in `progress.stores.suppression`, which the job keeps. Idempotent: the
 * object starts once, and a regulation that already ended keeps its status. Not called for types
 * that neither delete nor forward (SUPPRESS_ONLY, UNSUPPRESS): those are done when the
 * suppression list is.
 */
export async function startRegulationJob(env: AppEnv, regulation: Regulation, now = new Date()): Promise<Regulation> {
  const stub = env.REGULATIONS.get(env.REGULATIONS.idFromName(regulation.id));
  const { id, regulationType, subjectIds, covered, createdAt, progress: sofar } = regulation;
  const progress = await stub.start({ id, regulationType, subjectIds, covered, createdAt, progress: sofar });
  await env.DB.prepare("UPDATE regulations SET status = 'RUNNING', progress = ?, updated_at = ? WHERE id = ? AND status IN ('INITIALIZED', 'RUNNING')")
    .bind(JSON.stringify(progress), now.toISOString(), id)
    .run();
  return { ...regulation, status: "RUNNING", progress, updatedAt: now.toISOString() };
}
