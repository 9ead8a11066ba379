import { chunked, type Row } from "../d1/chunked";
import type { ProtocolViolation } from "./json-schema-violations";

export interface SourceViolation extends ProtocolViolation {
  sourceId: string;
  eventType: string;
  /** Track `event`, page/screen `name`, empty for identify and group (Segment aggregates so). */
  eventName: string;
}

/** Folds a batch's violations per source, event, field and type, then one upsert per key. */
export async function recordProtocolViolations(db: D1Database, violations: readonly SourceViolation[], now: Date): Promise<void> {
  if (violations.length === 0) return;
  const folded = new Map<string, { row: Row; count: number }>();
  for (const violation of violations) {
    const key = [violation.sourceId, violation.eventType, violation.eventName, violation.field, violation.type].join("\u0000");
    const entry = folded.get(key);
    if (entry) entry.count += 1;
    else
      folded.set(key, {
        row: [violation.sourceId, violation.eventType, violation.eventName, violation.field, violation.type, violation.description],
        count: 1,
      });
  }
  const at = now.toISOString();
  const rows = [...folded.values()].map(({ row, count }): Row => [...row, count, at]);
  await db.batch(
    chunked(
      db,
      rows,
      (values) => `INSERT INTO protocol_violations (source_id, event_type, event_name, field, type, description, count, last_seen) VALUES ${values}
        ON CONFLICT (source_id, event_type, event_name, field, type) DO UPDATE SET count = count + excluded.count,
          description = excluded.description, last_seen = excluded.last_seen`,
    ),
  );
}

/** A source's violations as the admin API lists them, one row per event, field and type. */
export interface ViolationSummary {
  eventName: string;
  eventType: string;
  type: string;
  field: string;
  description: string;
  count: number;
  lastSeen: string;
}

export async function listProtocolViolations(db: D1Database, sourceId: string): Promise<ViolationSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT event_name AS eventName, event_type AS eventType, type, field, description, count, last_seen AS lastSeen
       FROM protocol_violations WHERE source_id = ? ORDER BY last_seen DESC, event_name, field`,
    )
    .bind(sourceId)
    .all<ViolationSummary>();
  return results;
}

/** One page of `listProtocolViolations`, in the same order, and how many there are in all (the console pages through them). */
export async function pageProtocolViolations(
  db: D1Database,
  sourceId: string,
  page: { offset: number; limit: number },
): Promise<{ violations: ViolationSummary[]; total: number }> {
  const [rows, count] = await db.batch<Record<string, string | number>>([
    db
      .prepare(
        `SELECT event_name AS eventName, event_type AS eventType, type, field, description, count, last_seen AS lastSeen
         FROM protocol_violations WHERE source_id = ? ORDER BY last_seen DESC, event_name, field, event_type, type LIMIT ? OFFSET ?`,
      )
      .bind(sourceId, page.limit, page.offset),
    db.prepare("SELECT COUNT(*) AS n FROM protocol_violations WHERE source_id = ?").bind(sourceId),
  ]);
  return { violations: rows!.results as unknown as ViolationSummary[], total: Number(count!.results[0]?.n ?? 0) };
}
