import type { AppEnv } from "../env";
import { coverageReader, resolveCoverage } from "./coverage";
import { MAX_REGULATION_JSON_BYTES, regulationJsonBytes } from "./regulation-store";
import { SubjectExportStore, type SubjectExport } from "./subject-export-store";

export type CreateExportResult = { ok: true; export: SubjectExport } | { ok: false; status: 400; message: string; field: string };

/**
 * `POST /api/v1/subject-exports`: resolves who the userIds cover (as a regulation does: their own
 * key and every identifier their profiles hold), stores the export, and starts its job.
 */
export async function createSubjectExport(env: AppEnv, subjectIds: readonly string[], now = new Date()): Promise<CreateExportResult> {
  const subjects = [...new Set(subjectIds)];
  const coverage = await resolveCoverage(subjects, coverageReader(env));
  if (regulationJsonBytes(subjects, coverage.keys) > MAX_REGULATION_JSON_BYTES) {
    return {
      ok: false,
      status: 400,
      field: "subjectIds",
      message: `subjectIds: these userIds cover more identifiers than one export holds; split subjectIds into smaller requests`,
    };
  }
  const created = await new SubjectExportStore(env.DB).create({ subjectIds: subjects, covered: coverage.keys, now });
  await env.SUBJECT_EXPORTS.get(env.SUBJECT_EXPORTS.idFromName(created.id)).start(created.id);
  return { ok: true, export: created };
}
