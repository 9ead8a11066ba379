import { z } from "zod";
import { randomBase62 } from "../sources/source";
import { parseStoredJson } from "../storage/stored-json";
import {
  REGULATION_STATUSES,
  REGULATION_TYPES,
  regulationProgressSchema,
  type Regulation,
  type RegulationProgress,
  type RegulationStatus,
  type RegulationType,
} from "./regulation";

/** Regulations in D1 (`regulations`): the API's list and get read here; the job writes its progress here. */

interface RegulationRow {
  id: string;
  regulation_type: string;
  subject_type: string;
  subject_ids: string;
  covered: string;
  status: string;
  progress: string;
  error: string | null;
  created_at: string;
  updated_at: string;
}

const idsSchema = z.array(z.string());

function fromRow(row: RegulationRow): Regulation {
  const where = `regulations row ${row.id}`;
  return {
    id: row.id,
    regulationType: z.enum(REGULATION_TYPES).parse(row.regulation_type),
    subjectType: "USER_ID",
    subjectIds: parseStoredJson(idsSchema, row.subject_ids, `${where} subject_ids`),
    covered: parseStoredJson(idsSchema, row.covered, `${where} covered`),
    status: z.enum(REGULATION_STATUSES).parse(row.status),
    progress: parseStoredJson(regulationProgressSchema, row.progress, `${where} progress`),
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * A regulation's userIds and covered keys live in its row as JSON, and D1 bounds a row at 2 MB.
 * 5,000 userIds of a few identifiers each fit easily; people with dozens of devices may not, and
 * such a request is refused before anything is written (split it into smaller ones).
 */
export const MAX_REGULATION_JSON_BYTES = 1_900_000;

const encoder = new TextEncoder();

/** The bytes of a regulation's JSON columns (userIds and covered keys), to check against `MAX_REGULATION_JSON_BYTES`. */
export const regulationJsonBytes = (subjectIds: readonly string[], covered: readonly string[]) =>
  encoder.encode(JSON.stringify(subjectIds)).length + encoder.encode(JSON.stringify(covered)).length;

/** Regulation ids: Segment's are opaque strings; ours say what they are. */
export const newRegulationId = () => `reg_${randomBase62(22)}`;

export class RegulationStore {
  constructor(private readonly db: D1Database) {}

  async create(input: { id?: string; regulationType: RegulationType; subjectIds: string[]; covered: string[]; now: Date }): Promise<Regulation> {
    const at = input.now.toISOString();
    const regulation: Regulation = {
      id: input.id ?? newRegulationId(),
      regulationType: input.regulationType,
      subjectType: "USER_ID",
      subjectIds: input.subjectIds,
      covered: input.covered,
      status: "INITIALIZED",
      progress: { stores: {}, destinations: {} },
      error: null,
      createdAt: at,
      updatedAt: at,
    };
    await this.db
      .prepare(
        `INSERT INTO regulations (id, regulation_type, subject_type, subject_ids, covered, status, progress, error, created_at, updated_at)
         VALUES (?, ?, 'USER_ID', ?, ?, ?, ?, NULL, ?, ?)`,
      )
      .bind(
        regulation.id,
        regulation.regulationType,
        JSON.stringify(regulation.subjectIds),
        JSON.stringify(regulation.covered),
        regulation.status,
        JSON.stringify(regulation.progress),
        at,
        at,
      )
      .run();
    return regulation;
  }

  async get(id: string): Promise<Regulation | null> {
    const row = await this.db.prepare("SELECT * FROM regulations WHERE id = ?").bind(id).first<RegulationRow>();
    return row ? fromRow(row) : null;
  }

  /**
   * Newest first, `limit` at a time; `before` is the last page's oldest `createdAt`, and
   * `beforeId` its id, so regulations created in the same millisecond are neither skipped nor
   * repeated across pages (without it, the page continues strictly before `before`).
   */
  async list(limit: number, before?: string, beforeId?: string): Promise<Regulation[]> {
    const { results } = await this.db
      .prepare(
        `SELECT * FROM regulations
         WHERE ?1 IS NULL OR created_at < ?1 OR (?3 IS NOT NULL AND created_at = ?1 AND id < ?3)
         ORDER BY created_at DESC, id DESC LIMIT ?2`,
      )
      .bind(before ?? null, limit, beforeId ?? null)
      .all<RegulationRow>();
    return results.map(fromRow);
  }

  /** The job's progress (and, at the end, its receipt) and status. */
  async saveProgress(id: string, status: RegulationStatus, progress: RegulationProgress, now: Date, error: string | null = null): Promise<void> {
    await this.db
      .prepare("UPDATE regulations SET status = ?, progress = ?, error = ?, updated_at = ? WHERE id = ?")
      .bind(status, JSON.stringify(progress), error, now.toISOString(), id)
      .run();
  }
}
