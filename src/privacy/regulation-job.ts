import type { AppEnv } from "../env";
import type { Regulation } from "./regulation";

/** What a regulation's Durable Object is started with. */
export type RegulationJobSpec = Pick<Regulation, "id" | "regulationType" | "subjectIds" | "covered" | "createdAt">;

/**
 * Starts a regulation's deletion (and its forwarding to destinations) in its RegulationObject,
 * and marks it RUNNING. Idempotent: the object starts once, and a regulation that already ended
 * keeps its status. Not called for types that neither delete nor forward (SUPPRESS_ONLY,
 * UNSUPPRESS): those are done when the suppression list is.
 */
export async function startRegulationJob(env: AppEnv, regulation: Regulation): Promise<void> {
  const stub = env.REGULATIONS.get(env.REGULATIONS.idFromName(regulation.id));
  const { id, regulationType, subjectIds, covered, createdAt } = regulation;
  const progress = await stub.start({ id, regulationType, subjectIds, covered, createdAt });
  await env.DB.prepare("UPDATE regulations SET status = 'RUNNING', progress = ?, updated_at = ? WHERE id = ? AND status IN ('INITIALIZED', 'RUNNING')")
    .bind(JSON.stringify(progress), new Date().toISOString(), id)
    .run();
}
