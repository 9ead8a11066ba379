import { randomBase62 } from "../sources/source";
import { parseStoredJson } from "../storage/stored-json";
import { renamesSchema, type Transformation } from "./transformations";

interface TransformationRow {
  id: string;
  source_id: string;
  event_type: Transformation["eventType"];
  event_name: string;
  new_event_name: string | null;
  renames: string;
  enabled: number;
}

export const toTransformation = (row: TransformationRow): Transformation => ({
  id: row.id,
  sourceId: row.source_id,
  eventType: row.event_type,
  eventName: row.event_name,
  newEventName: row.new_event_name,
  renames: parseStoredJson(renamesSchema, row.renames, `source_transformations.renames of ${row.id}`),
  enabled: row.enabled === 1,
});

export type TransformationFields = Omit<Transformation, "id" | "sourceId">;

/** A source's transformations in D1: one per call type and event (a second is a conflict). */
export class TransformationStore {
  constructor(private readonly db: D1Database) {}

  async list(sourceId: string): Promise<Transformation[]> {
    const { results } = await this.db
      .prepare("SELECT * FROM source_transformations WHERE source_id = ? ORDER BY created_at, id")
      .bind(sourceId)
      .all<TransformationRow>();
    return results.map(toTransformation);
  }

  /** Null when the source already transforms this event. */
  async create(sourceId: string, fields: TransformationFields, now: Date): Promise<Transformation | null> {
    const transformation: Transformation = { id: `tf_${randomBase62(22)}`, sourceId, ...fields };
    const at = now.toISOString();
    const result = await this.db
      .prepare(
        `INSERT OR IGNORE INTO source_transformations (id, source_id, event_type, event_name, new_event_name, renames, enabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        transformation.id,
        sourceId,
        fields.eventType,
        fields.eventName,
        fields.newEventName,
        JSON.stringify(fields.renames),
        fields.enabled ? 1 : 0,
        at,
        at,
      )
      .run();
    return result.meta.changes > 0 ? transformation : null;
  }

  async replace(sourceId: string, id: string, fields: TransformationFields, now: Date): Promise<Transformation | null> {
    const result = await this.db
      .prepare(
        `UPDATE source_transformations SET event_type = ?, event_name = ?, new_event_name = ?, renames = ?, enabled = ?, updated_at = ?
         WHERE id = ? AND source_id = ?`,
      )
      .bind(fields.eventType, fields.eventName, fields.newEventName, JSON.stringify(fields.renames), fields.enabled ? 1 : 0, now.toISOString(), id, sourceId)
      .run();
    return result.meta.changes > 0 ? { id, sourceId, ...fields } : null;
  }

  async delete(sourceId: string, id: string): Promise<boolean> {
    const result = await this.db.prepare("DELETE FROM source_transformations WHERE id = ? AND source_id = ?").bind(id, sourceId).run();
    return result.meta.changes > 0;
  }
}
