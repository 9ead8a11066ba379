import { z } from "zod";

/**
 * Segment's regulation types (docs: "User Deletion and Suppression"), and what each one does in
 * Sluice. "Internal" stores are Sluice's own (archive, dead letters, profiles and their
 * identifier index, D1 rows, debugger buffers); "destinations" are those that accept a
 * forwarded deletion (the webhook: `{"type":"delete","userId"}`, signed like events).
 */
export const REGULATION_TYPES = [
  "SUPPRESS_ONLY",
  "UNSUPPRESS",
  "SUPPRESS_WITH_DELETE",
  "DELETE_ONLY",
  "DELETE_INTERNAL",
  "SUPPRESS_WITH_DELETE_INTERNAL",
  "DELETE_ARCHIVE_ONLY",
] as const;
export type RegulationType = (typeof REGULATION_TYPES)[number];

export interface RegulationEffects {
  suppress: boolean;
  unsuppress: boolean;
  /** Which internal stores the deletion covers: none, the archive only, or all of them. */
  deleteInternal: "none" | "archive" | "all";
  forwardToDestinations: boolean;
}

export const REGULATION_EFFECTS: Record<RegulationType, RegulationEffects> = {
  SUPPRESS_ONLY: { suppress: true, unsuppress: false, deleteInternal: "none", forwardToDestinations: false },
  UNSUPPRESS: { suppress: false, unsuppress: true, deleteInternal: "none", forwardToDestinations: false },
  SUPPRESS_WITH_DELETE: { suppress: true, unsuppress: false, deleteInternal: "all", forwardToDestinations: true },
  DELETE_ONLY: { suppress: false, unsuppress: false, deleteInternal: "all", forwardToDestinations: true },
  DELETE_INTERNAL: { suppress: false, unsuppress: false, deleteInternal: "all", forwardToDestinations: false },
  SUPPRESS_WITH_DELETE_INTERNAL: { suppress: true, unsuppress: false, deleteInternal: "all", forwardToDestinations: false },
  DELETE_ARCHIVE_ONLY: { suppress: false, unsuppress: false, deleteInternal: "archive", forwardToDestinations: false },
};

/** Segment: "You can submit up to 5000 userIds in a single request". */
export const MAX_SUBJECT_IDS = 5_000;

export const REGULATION_STATUSES = ["INITIALIZED", "RUNNING", "FINISHED", "FAILED", "PARTIAL_SUCCESS"] as const;
export type RegulationStatus = (typeof REGULATION_STATUSES)[number];

/** The body of `POST /api/v1/regulations` (and of subject exports, without the type). */
export const subjectsSchema = z.object({
  subjectType: z.literal("USER_ID", { error: 'subjectType must be "USER_ID" (Sluice regulates people by userId)' }),
  subjectIds: z
    .array(z.string().min(1, { error: "every subject id must be a non-empty userId" }).max(1_000), { error: "subjectIds must be a list of userIds" })
    .min(1, { error: "subjectIds must name at least one userId" })
    .max(MAX_SUBJECT_IDS, { error: `subjectIds may hold at most ${MAX_SUBJECT_IDS} userIds per request; split the list into several requests` }),
});

export const regulationRequestSchema = subjectsSchema.extend({
  regulationType: z.enum(REGULATION_TYPES, { error: `regulationType must be one of ${REGULATION_TYPES.join(", ")}` }),
});
export type RegulationRequest = z.infer<typeof regulationRequestSchema>;

/** Progress of one store or destination: what the job has done there, and how it ended. */
export const storeProgressSchema = z.object({
  status: z.enum(["pending", "running", "done", "failed", "skipped"]),
  /** What was removed (events, objects, profiles, rows, letters, entries), by what it counts. */
  removed: z.record(z.string(), z.number().int()).default({}),
  /** What was added, by what it counts: the suppression list's keys and userIds. */
  added: z.record(z.string(), z.number().int()).optional(),
  error: z.string().optional(),
});
export type StoreProgress = z.infer<typeof storeProgressSchema>;

/** The verification pass: every object the index named re-read, and what of the people was still found. */
export const verificationSchema = z.object({
  objectsChecked: z.number().int(),
  eventsChecked: z.number().int(),
  /** Occurrences of covered identifiers still found (zero for a clean deletion). */
  occurrences: z.number().int(),
  /** Identifier keys that still resolve to a profile (none for a clean deletion). */
  profilesStillFound: z.number().int(),
  at: z.string(),
});
export type Verification = z.infer<typeof verificationSchema>;

/** The warehouse syncs asked for once Sluice's own stores were erased, so its Parquet tables follow the archive. */
export const warehouseSyncsSchema = z.object({
  /** When they were asked for: a sync of each source created at or after this has read the erased archive. */
  requestedAt: z.string(),
  /** Why some did not start (the next scheduled sync of those sources removes the people instead). */
  error: z.string().optional(),
});
export type WarehouseSyncsProgress = z.infer<typeof warehouseSyncsSchema>;

export const regulationProgressSchema = z.object({
  /** By store: `suppression`, `archive`, `deadLetters`, `profiles`, `identityIndex`, `d1`, `debugger`, `outbox`. */
  stores: z.record(z.string(), storeProgressSchema).default({}),
  /** By destination id. */
  destinations: z.record(z.string(), storeProgressSchema).default({}),
  verification: verificationSchema.optional(),
  warehouse: warehouseSyncsSchema.optional(),
});
export type RegulationProgress = z.infer<typeof regulationProgressSchema>;

export interface Regulation {
  id: string;
  regulationType: RegulationType;
  subjectType: "USER_ID";
  subjectIds: string[];
  /** Identifier keys the regulation covers: the userIds' and every identifier their profiles hold. */
  covered: string[];
  status: RegulationStatus;
  progress: RegulationProgress;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}
