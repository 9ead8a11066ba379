import type { AppEnv } from "../env";
import { coverageReader, resolveCoverage, type Coverage } from "./coverage";
import { REGULATION_EFFECTS, type Regulation, type RegulationEffects, type RegulationRequest, type StoreProgress } from "./regulation";
import { startRegulationJob } from "./regulation-job";
import { MAX_REGULATION_JSON_BYTES, RegulationStore, regulationJsonBytes } from "./regulation-store";
import { suppressSubjects, unsuppressSubjects } from "./suppression-store";

export type CreateRegulationResult = { ok: true; regulation: Regulation } | { ok: false; status: 400 | 503; message: string; field?: string };

/**
 * `POST /api/v1/regulations`: resolves who the userIds cover, stores the regulation, and applies
 * its suppression or unsuppression before answering, so the EVENTS consumer (which reads the
 * list on every batch) drops or lets through the person's events from its next batch on.
 * Then a regulation with nothing more to do (SUPPRESS_ONLY, UNSUPPRESS) is FINISHED, and one
 * that deletes or forwards goes to the deletion job (`startRegulationJob`).
 */
export async function createRegulation(env: AppEnv, request: RegulationRequest, now: () => Date = () => new Date()): Promise<CreateRegulationResult> {
  const subjectIds = [...new Set(request.subjectIds)];
  const effects = REGULATION_EFFECTS[request.regulationType];
  const coverage = await resolveCoverage(subjectIds, coverageReader(env));
  if (regulationJsonBytes(subjectIds, coverage.keys) > MAX_REGULATION_JSON_BYTES) {
    return {
      ok: false,
      status: 400,
      field: "subjectIds",
      message: `subjectIds: these ${subjectIds.length} userIds cover ${coverage.keys.length} identifiers, more than one regulation holds; split subjectIds into smaller requests`,
    };
  }

  const store = new RegulationStore(env.DB);
  const created = await store.create({ regulationType: request.regulationType, subjectIds, covered: coverage.keys, now: now() });
  const withSuppression = (suppression: StoreProgress) => ({ ...created.progress, stores: { ...created.progress.stores, suppression } });
  let suppression: StoreProgress;
  try {
    suppression = await applySuppression(env.DB, created.id, effects, coverage);
  } catch (error) {
    console.error(`regulation ${created.id}: the suppression list could not be updated`, error);
    const message = `The suppression list could not be updated, so regulation ${created.id} FAILED and changed nothing: send the request again.`;
    await store.saveProgress(created.id, "FAILED", withSuppression({ status: "failed", removed: {}, error: message }), now(), message);
    return { ok: false, status: 503, message };
  }

  const progress = withSuppression(suppression);
  const at = now();
  if (effects.deleteInternal === "none" && !effects.forwardToDestinations) {
    await store.saveProgress(created.id, "FINISHED", progress, at);
    return { ok: true, regulation: { ...created, status: "FINISHED", progress, updatedAt: at.toISOString() } };
  }
  // Recorded before the hand-off, so the suppression's outcome is kept whatever the job does first.
  await store.saveProgress(created.id, "INITIALIZED", progress, at);
  return { ok: true, regulation: await startRegulationJob(env, { ...created, progress, updatedAt: at.toISOString() }, now()) };
}

/** The suppression list's part of a regulation (one D1 batch, so all of it or none). */
async function applySuppression(db: D1Database, regulationId: string, effects: RegulationEffects, coverage: Coverage): Promise<StoreProgress> {
  if (effects.suppress) {
    const added = await suppressSubjects(db, regulationId, coverage.bySubject);
    return { status: "done", removed: {}, added: { keys: added.keys, subjects: added.subjects } };
  }
  if (effects.unsuppress) {
    const lifted = await unsuppressSubjects(db, [...coverage.bySubject.keys()]);
    return { status: "done", removed: { keys: lifted.keys } };
  }
  return { status: "skipped", removed: {} };
}
