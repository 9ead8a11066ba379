import { z } from "zod";
import { randomBase62 } from "../sources/source";
import { parseStoredJson } from "../storage/stored-json";

/** Subject access exports in D1 (`subject_exports`): the API reads here; the export job writes its progress here. */

export const EXPORT_STATUSES = ["INITIALIZED", "RUNNING", "FINISHED", "FAILED"] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

export const exportProgressSchema = z.object({
  /** Archive objects the index named and that were read. */
  objectsRead: z.number().int().default(0),
  /** The person's events found in them. */
  events: z.number().int().default(0),
  /** Profiles exported. */
  profiles: z.number().int().default(0),
});
export type ExportProgress = z.infer<typeof exportProgressSchema>;

export interface SubjectExport {
  id: string;
  subjectType: "USER_ID";
  subjectIds: string[];
  covered: string[];
  status: ExportStatus;
  progress: ExportProgress;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ExportRow {
  id: string;
  subject_ids: string;
  covered: string;
  status: string;
  progress: string;
  error: string | null;
  created_at: string;
  updated_at: string;
}

const idsSchema = z.array(z.string());

function fromRow(row: ExportRow): SubjectExport {
  const where = `subject_exports row ${row.id}`;
  return {
    id: row.id,
    subjectType: "USER_ID",
    subjectIds: parseStoredJson(idsSchema, row.subject_ids, `${where} subject_ids`),
    covered: parseStoredJson(idsSchema, row.covered, `${where} covered`),
    status: z.enum(EXPORT_STATUSES).parse(row.status),
    progress: parseStoredJson(exportProgressSchema, row.progress, `${where} progress`),
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export const newExportId = () => `exp_${randomBase62(22)}`;

export class SubjectExportStore {
  constructor(private readonly db: D1Database) {}

  async create(input: { subjectIds: string[]; covered: string[]; now: Date }): Promise<SubjectExport> {
    const at = input.now.toISOString();
    const created: SubjectExport = {
      id: newExportId(),
      subjectType: "USER_ID",
      subjectIds: input.subjectIds,
      covered: input.covered,
      status: "INITIALIZED",
      progress: { objectsRead: 0, events: 0, profiles: 0 },
      error: null,
      createdAt: at,
      updatedAt: at,
    };
    await this.db
      .prepare(
        `INSERT INTO subject_exports (id, subject_type, subject_ids, covered, status, progress, error, created_at, updated_at)
         VALUES (?, 'USER_ID', ?, ?, ?, ?, NULL, ?, ?)`,
      )
      .bind(created.id, JSON.stringify(created.subjectIds), JSON.stringify(created.covered), created.status, JSON.stringify(created.progress), at, at)
      .run();
    return created;
  }

  async get(id: string): Promise<SubjectExport | null> {
    const row = await this.db.prepare("SELECT * FROM subject_exports WHERE id = ?").bind(id).first<ExportRow>();
    return row ? fromRow(row) : null;
  }

  /** Newest first. */
  async list(limit: number): Promise<SubjectExport[]> {
    const { results } = await this.db.prepare("SELECT * FROM subject_exports ORDER BY created_at DESC, id DESC LIMIT ?").bind(limit).all<ExportRow>();
    return results.map(fromRow);
  }

  async save(id: string, status: ExportStatus, progress: ExportProgress, now: Date, error: string | null = null): Promise<void> {
    await this.db
      .prepare("UPDATE subject_exports SET status = ?, progress = ?, error = ?, updated_at = ? WHERE id = ?")
      .bind(status, JSON.stringify(progress), error, now.toISOString(), id)
      .run();
  }
}
