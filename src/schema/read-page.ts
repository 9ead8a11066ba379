import { bitsToTypes, type SchemaPropertyView } from "./store";

/**
 * One page of a source's schema for the console: a busy source holds up to 4,000 events and 300
 * properties each, so a page reads only its own events, their counts, and the properties of the
 * one event the reader expanded (`readSchema` reads everything, for the admin API and CSV).
 */

export interface SchemaPageEvent {
  type: string;
  name: string;
  count24h: number;
  count30d: number;
  count60d: number;
  blocked: number;
  lastSeen: string;
}

export interface SchemaPage {
  events: SchemaPageEvent[];
  /** Every (not archived) event of the source, for the page count. */
  total: number;
  offset: number;
  limit: number;
  /** The expanded event's properties, or null when none is expanded (or it has none recorded). */
  properties: SchemaPropertyView[] | null;
}

export async function readSchemaPage(
  db: D1Database,
  sourceId: string,
  now: Date,
  options: { offset: number; limit: number; expand?: { type: string; name: string } },
): Promise<SchemaPage> {
  const hourAgo = (hours: number) => `h:${new Date(now.getTime() - hours * 3_600_000).toISOString().slice(0, 13)}`;
  const dayAgo = (days: number) => `d:${new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10)}`;
  const statements = [
    db.prepare("SELECT COUNT(*) AS n FROM schema_events WHERE source_id = ? AND archived = 0").bind(sourceId),
    // Counts join only this page's events: the bucket scan stays bounded by the page size.
    db
      .prepare(
        `WITH page AS (SELECT type, name, last_seen, blocked FROM schema_events WHERE source_id = ?1 AND archived = 0
           ORDER BY last_seen DESC, type, name LIMIT ?2 OFFSET ?3)
         SELECT page.type, page.name, page.last_seen, page.blocked,
           COALESCE(SUM(CASE WHEN c.bucket LIKE 'h:%' AND c.bucket >= ?4 THEN c.count END), 0) AS c24,
           COALESCE(SUM(CASE WHEN c.bucket LIKE 'd:%' AND c.bucket >= ?5 THEN c.count END), 0) AS c30,
           COALESCE(SUM(CASE WHEN c.bucket LIKE 'd:%' AND c.bucket >= ?6 THEN c.count END), 0) AS c60
         FROM page LEFT JOIN schema_event_counts c ON c.source_id = ?1 AND c.type = page.type AND c.name = page.name
         GROUP BY page.type, page.name ORDER BY page.last_seen DESC, page.type, page.name`,
      )
      .bind(sourceId, options.limit, options.offset, hourAgo(23), dayAgo(29), dayAgo(59)),
  ];
  if (options.expand)
    statements.push(
      db
        .prepare("SELECT path, types, first_seen, last_seen FROM schema_properties WHERE source_id = ? AND type = ? AND name = ? ORDER BY path")
        .bind(sourceId, options.expand.type, options.expand.name),
    );
  const [count, events, properties] = await db.batch<Record<string, string | number>>(statements);
  return {
    total: Number(count!.results[0]?.n ?? 0),
    offset: options.offset,
    limit: options.limit,
    events: events!.results.map((row) => ({
      type: String(row.type),
      name: String(row.name),
      count24h: Number(row.c24),
      count30d: Number(row.c30),
      count60d: Number(row.c60),
      blocked: Number(row.blocked),
      lastSeen: String(row.last_seen),
    })),
    properties: properties
      ? properties.results.map((row) => ({
          path: String(row.path),
          types: bitsToTypes(Number(row.types)),
          firstSeen: String(row.first_seen),
          lastSeen: String(row.last_seen),
        }))
      : null,
  };
}
