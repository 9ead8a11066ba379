import { chunked, type Row } from "../d1/chunked";
import type { ObservedType } from "./observe";
import type { SchemaTally } from "./tally";

/**
 * The schema in D1. A consumer batch costs a few reads and one `batch()` of multi-row upserts,
 * chunked under D1's 100 bound parameters per statement: the statement count follows the batch's
 * distinct events and paths, never its event count.
 */

/** Segment: "only the first 4,000 events will be visible on the Schema page for a given Source". */
export const MAX_EVENTS_PER_SOURCE = 4_000;
/** Segment: "the first 300 properties" per event (nested ones included), "the first 300 traits". */
export const MAX_PATHS_PER_SCHEMA_EVENT = 300;
const HOURLY_BUCKETS_KEPT_MS = 48 * 3_600_000;
const DAILY_BUCKETS_KEPT_DAYS = 61;

const TYPE_BITS: Record<ObservedType, number> = {
  string: 1,
  "date-time": 2,
  integer: 4,
  number: 8,
  boolean: 16,
  object: 32,
  array: 64,
  null: 128,
};

export function typesToBits(types: Iterable<ObservedType>): number {
  let bits = 0;
  for (const type of types) bits |= TYPE_BITS[type];
  return bits;
}

export function bitsToTypes(bits: number): ObservedType[] {
  return (Object.keys(TYPE_BITS) as ObservedType[]).filter((type) => (bits & TYPE_BITS[type]) !== 0);
}

interface Known {
  eventsPerSource: Map<string, number>;
  events: Set<string>;
  paths: Map<string, Set<string>>;
}

const eventKey = (sourceId: string, type: string, name: string) => `${sourceId}\u0000${type}\u0000${name}`;

async function readKnown(db: D1Database, tallies: readonly SchemaTally[]): Promise<{ known: Known; statements: number }> {
  const sources = [...new Set(tallies.map((tally) => tally.sourceId))];
  const keys = tallies.map((tally): Row => [tally.sourceId, tally.type, tally.name]);
  const statements = [
    ...chunked(
      db,
      sources.map((id) => [id]),
      (values) => `SELECT source_id, COUNT(*) AS n FROM schema_events WHERE source_id IN (VALUES ${values}) GROUP BY source_id`,
    ),
    ...chunked(db, keys, (values) => `SELECT source_id, type, name, path FROM schema_properties WHERE (source_id, type, name) IN (VALUES ${values})`),
    ...chunked(db, keys, (values) => `SELECT source_id, type, name FROM schema_events WHERE (source_id, type, name) IN (VALUES ${values})`),
  ];
  const results = await db.batch<Record<string, string | number>>(statements);
  const known: Known = { eventsPerSource: new Map(), events: new Set(), paths: new Map() };
  for (const { results: rows } of results) {
    for (const row of rows) {
      if ("n" in row) known.eventsPerSource.set(String(row.source_id), Number(row.n));
      else if ("path" in row) {
        const key = eventKey(String(row.source_id), String(row.type), String(row.name));
        let paths = known.paths.get(key);
        if (!paths) known.paths.set(key, (paths = new Set()));
        paths.add(String(row.path));
      } else known.events.add(eventKey(String(row.source_id), String(row.type), String(row.name)));
    }
  }
  return { known, statements: statements.length };
}

/** Records a batch's tallies; answers how many D1 statements it ran (reads and writes). */
export async function recordTallies(db: D1Database, tallies: readonly SchemaTally[], now: Date): Promise<number> {
  if (tallies.length === 0) return 0;
  const { known, statements: reads } = await readKnown(db, tallies);

  const eventRows: Row[] = [];
  const countRows: Row[] = [];
  const pathRows: Row[] = [];
  const overflow = new Map<string, { events: number; properties: number }>();
  const overflowOf = (sourceId: string) => {
    let entry = overflow.get(sourceId);
    if (!entry) overflow.set(sourceId, (entry = { events: 0, properties: 0 }));
    return entry;
  };

  for (const tally of tallies) {
    const key = eventKey(tally.sourceId, tally.type, tally.name);
    if (!known.events.has(key)) {
      const recorded = known.eventsPerSource.get(tally.sourceId) ?? 0;
      if (recorded >= MAX_EVENTS_PER_SOURCE) {
        overflowOf(tally.sourceId).events += tally.count;
        continue;
      }
      known.eventsPerSource.set(tally.sourceId, recorded + 1);
      known.events.add(key);
    }
    eventRows.push([tally.sourceId, tally.type, tally.name, tally.firstSeen, tally.lastSeen, tally.count, tally.blocked]);
    for (const [hour, count] of tally.hours) {
      countRows.push([tally.sourceId, tally.type, tally.name, `h:${hour}`, count]);
      countRows.push([tally.sourceId, tally.type, tally.name, `d:${hour.slice(0, 10)}`, count]);
    }
    const paths = known.paths.get(key) ?? new Set<string>();
    let notRecorded = tally.truncated ? 1 : 0;
    for (const [path, seen] of tally.paths) {
      if (!paths.has(path)) {
        if (paths.size >= MAX_PATHS_PER_SCHEMA_EVENT) {
          notRecorded += 1;
          continue;
        }
        paths.add(path);
      }
      pathRows.push([tally.sourceId, tally.type, tally.name, path, typesToBits(seen.types), seen.lastSeen, seen.lastSeen]);
    }
    if (notRecorded > 0) overflowOf(tally.sourceId).properties += notRecorded;
  }

  const at = now.toISOString();
  const oldestHour = `h:${new Date(now.getTime() - HOURLY_BUCKETS_KEPT_MS).toISOString().slice(0, 13)}`;
  const oldestDay = `d:${new Date(now.getTime() - DAILY_BUCKETS_KEPT_DAYS * 86_400_000).toISOString().slice(0, 10)}`;
  const recordedKeys = eventRows.map((row): Row => row.slice(0, 3));
  const writes = [
    ...chunked(
      db,
      eventRows,
      (values) => `INSERT INTO schema_events (source_id, type, name, first_seen, last_seen, total, blocked) VALUES ${values}
        ON CONFLICT (source_id, type, name) DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen),
          last_seen = MAX(last_seen, excluded.last_seen), total = total + excluded.total, blocked = blocked + excluded.blocked, archived = 0`,
    ),
    ...chunked(
      db,
      countRows,
      (values) => `INSERT INTO schema_event_counts (source_id, type, name, bucket, count) VALUES ${values}
        ON CONFLICT (source_id, type, name, bucket) DO UPDATE SET count = count + excluded.count`,
    ),
    ...chunked(
      db,
      pathRows,
      (values) => `INSERT INTO schema_properties (source_id, type, name, path, types, first_seen, last_seen) VALUES ${values}
        ON CONFLICT (source_id, type, name, path) DO UPDATE SET types = types | excluded.types, last_seen = MAX(last_seen, excluded.last_seen)`,
    ),
    // Old buckets of the events written now (the key prefix keeps it an index range).
    ...chunked(
      db,
      recordedKeys.map((key): Row => [...key, oldestHour, oldestDay]),
      (values) => `DELETE FROM schema_event_counts WHERE rowid IN (SELECT c.rowid FROM schema_event_counts c
        JOIN (VALUES ${values}) AS k ON c.source_id = k.column1 AND c.type = k.column2 AND c.name = k.column3
        WHERE (c.bucket LIKE 'h:%' AND c.bucket < k.column4) OR (c.bucket LIKE 'd:%' AND c.bucket < k.column5))`,
    ),
    ...chunked(
      db,
      [...overflow].map(([sourceId, { events, properties }]): Row => [sourceId, events, properties, at]),
      (values) => `INSERT INTO schema_overflow (source_id, events_not_recorded, properties_not_recorded, last_seen) VALUES ${values}
        ON CONFLICT (source_id) DO UPDATE SET events_not_recorded = events_not_recorded + excluded.events_not_recorded,
          properties_not_recorded = properties_not_recorded + excluded.properties_not_recorded, last_seen = excluded.last_seen`,
    ),
  ];
  if (writes.length > 0) await db.batch(writes);
  return reads + writes.length;
}

export interface SchemaPropertyView {
  path: string;
  types: ObservedType[];
  firstSeen: string;
  lastSeen: string;
}

export interface SchemaEventView {
  type: string;
  name: string;
  count24h: number;
  count30d: number;
  count60d: number;
  total: number;
  blocked: number;
  firstSeen: string;
  lastSeen: string;
  archived: boolean;
  properties: SchemaPropertyView[];
}

export interface SchemaView {
  events: SchemaEventView[];
  limits: { eventsPerSource: number; propertiesPerEvent: number; eventsNotRecorded: number; propertiesNotRecorded: number };
}

/** A source's schema, newest events first; archived events only when asked for. */
export async function readSchema(db: D1Database, sourceId: string, now: Date, options: { includeArchived?: boolean } = {}): Promise<SchemaView> {
  const hourAgo = (hours: number) => `h:${new Date(now.getTime() - hours * 3_600_000).toISOString().slice(0, 13)}`;
  const dayAgo = (days: number) => `d:${new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10)}`;
  const [events, counts, properties, overflow] = await db.batch<Record<string, string | number>>([
    db
      .prepare(
        `SELECT type, name, first_seen, last_seen, total, blocked, archived FROM schema_events WHERE source_id = ? ${options.includeArchived ? "" : "AND archived = 0"} ORDER BY last_seen DESC, type, name`,
      )
      .bind(sourceId),
    db
      .prepare(
        `SELECT type, name,
           SUM(CASE WHEN bucket LIKE 'h:%' AND bucket >= ? THEN count ELSE 0 END) AS c24,
           SUM(CASE WHEN bucket LIKE 'd:%' AND bucket >= ? THEN count ELSE 0 END) AS c30,
           SUM(CASE WHEN bucket LIKE 'd:%' AND bucket >= ? THEN count ELSE 0 END) AS c60
         FROM schema_event_counts WHERE source_id = ? GROUP BY type, name`,
      )
      .bind(hourAgo(23), dayAgo(29), dayAgo(59), sourceId),
    db.prepare("SELECT type, name, path, types, first_seen, last_seen FROM schema_properties WHERE source_id = ? ORDER BY path").bind(sourceId),
    db.prepare("SELECT events_not_recorded, properties_not_recorded FROM schema_overflow WHERE source_id = ?").bind(sourceId),
  ]);
  const windows = new Map(counts!.results.map((row) => [eventKey(sourceId, String(row.type), String(row.name)), row]));
  const paths = new Map<string, SchemaPropertyView[]>();
  for (const row of properties!.results) {
    const key = eventKey(sourceId, String(row.type), String(row.name));
    const list = paths.get(key) ?? [];
    list.push({ path: String(row.path), types: bitsToTypes(Number(row.types)), firstSeen: String(row.first_seen), lastSeen: String(row.last_seen) });
    paths.set(key, list);
  }
  const limits = overflow!.results[0];
  return {
    events: events!.results.map((row) => {
      const key = eventKey(sourceId, String(row.type), String(row.name));
      const window = windows.get(key);
      return {
        type: String(row.type),
        name: String(row.name),
        count24h: Number(window?.c24 ?? 0),
        count30d: Number(window?.c30 ?? 0),
        count60d: Number(window?.c60 ?? 0),
        total: Number(row.total),
        blocked: Number(row.blocked),
        firstSeen: String(row.first_seen),
        lastSeen: String(row.last_seen),
        archived: Number(row.archived) === 1,
        properties: paths.get(key) ?? [],
      };
    }),
    limits: {
      eventsPerSource: MAX_EVENTS_PER_SOURCE,
      propertiesPerEvent: MAX_PATHS_PER_SCHEMA_EVENT,
      eventsNotRecorded: Number(limits?.events_not_recorded ?? 0),
      propertiesNotRecorded: Number(limits?.properties_not_recorded ?? 0),
    },
  };
}

/** Hides an event from the schema until it is seen again (Segment's "archive"); false if unknown. */
export async function archiveSchemaEvent(db: D1Database, sourceId: string, type: string, name: string, archived: boolean): Promise<boolean> {
  const result = await db
    .prepare("UPDATE schema_events SET archived = ? WHERE source_id = ? AND type = ? AND name = ?")
    .bind(archived ? 1 : 0, sourceId, type, name)
    .run();
  return result.meta.changes > 0;
}
