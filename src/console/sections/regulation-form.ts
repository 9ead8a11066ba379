import { REGULATION_TYPES, regulationRequestSchema, subjectsSchema, type RegulationRequest, type RegulationType } from "../../privacy/regulation";
import { text, type PostedForm } from "../form";

/** The console's regulation form: what was typed (kept when shown again with an error) and the API body it stands for. */
export interface RegulationFormValues {
  regulationType: string;
  /** userIds, one per line (ids may hold commas and spaces). */
  subjectIds: string;
}

export const EMPTY_REGULATION_FORM: RegulationFormValues = { regulationType: "SUPPRESS_WITH_DELETE", subjectIds: "" };

export const regulationFormOf = (form: PostedForm): RegulationFormValues => ({
  regulationType: text(form, "regulationType"),
  subjectIds: text(form, "subjectIds"),
});

/** One userId per line, trimmed, blank lines and repeats left out. */
export const subjectIdsOf = (typed: string): string[] => [...new Set(typed.split(/\r?\n/).map((line) => line.trim()))].filter((id) => id !== "");

/** The `POST /api/v1/regulations` body the form stands for, checked by that route's own schema. */
export function regulationRequestOf(values: RegulationFormValues): { ok: true; request: RegulationRequest } | { ok: false; message: string } {
  if (!(REGULATION_TYPES as readonly string[]).includes(values.regulationType))
    return { ok: false, message: "Choose what to do: one of the regulation types." };
  const subjectIds = subjectIdsOf(values.subjectIds);
  if (subjectIds.length === 0) return { ok: false, message: "Enter at least one userId, one per line." };
  const parsed = regulationRequestSchema.safeParse({ regulationType: values.regulationType as RegulationType, subjectType: "USER_ID", subjectIds });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Check the userIds." };
  return { ok: true, request: parsed.data };
}

/** The subject export form's userIds, checked by `POST /api/v1/subject-exports`'s own schema. */
export function exportSubjectIdsOf(typed: string): { ok: true; subjectIds: string[] } | { ok: false; message: string } {
  const subjectIds = subjectIdsOf(typed);
  if (subjectIds.length === 0) return { ok: false, message: "Enter at least one userId, one per line." };
  const parsed = subjectsSchema.safeParse({ subjectType: "USER_ID", subjectIds });
  return parsed.success ? { ok: true, subjectIds: parsed.data.subjectIds } : { ok: false, message: parsed.error.issues[0]?.message ?? "Check the userIds." };
}

/** What each type does, in the words the form shows. */
export const REGULATION_TYPE_LABELS: Record<RegulationType, string> = {
  SUPPRESS_WITH_DELETE: "Suppress and delete everywhere (stop collecting; delete from Sluice; forward to destinations)",
  SUPPRESS_WITH_DELETE_INTERNAL: "Suppress and delete from Sluice only",
  SUPPRESS_ONLY: "Suppress only (stop collecting; keep what is held)",
  UNSUPPRESS: "Unsuppress (collect again)",
  DELETE_ONLY: "Delete everywhere, without suppressing",
  DELETE_INTERNAL: "Delete from Sluice only, without suppressing",
  DELETE_ARCHIVE_ONLY: "Delete from the archive only",
};
