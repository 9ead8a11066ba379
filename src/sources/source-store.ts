import { newSourceId, newWriteKey, type Source } from "./source";

interface SourceRow {
  id: string;
  name: string;
  write_key: string;
  enabled: number;
}

const COLUMNS = "id, name, write_key, enabled";
const toSource = (row: SourceRow): Source => ({
  id: row.id,
  name: row.name,
  writeKey: row.write_key,
  enabled: row.enabled === 1,
});

/** Sources in D1. Only the admin API and cache misses come here; ingest reads the cache. */
export class SourceStore {
  constructor(private readonly db: D1Database) {}

  async list(): Promise<Source[]> {
    const { results } = await this.db.prepare(`SELECT ${COLUMNS} FROM sources ORDER BY created_at, id`).all<SourceRow>();
    return results.map(toSource);
  }

  async get(id: string): Promise<Source | null> {
    const row = await this.db.prepare(`SELECT ${COLUMNS} FROM sources WHERE id = ?`).bind(id).first<SourceRow>();
    return row ? toSource(row) : null;
  }

  async findByWriteKey(writeKey: string): Promise<Source | null> {
    const row = await this.db.prepare(`SELECT ${COLUMNS} FROM sources WHERE write_key = ?`).bind(writeKey).first<SourceRow>();
    return row ? toSource(row) : null;
  }

  async create(name: string, now: Date): Promise<Source> {
    const source: Source = { id: newSourceId(), name, writeKey: newWriteKey(), enabled: true };
    await this.db
      .prepare("INSERT INTO sources (id, name, write_key, enabled, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)")
      .bind(source.id, source.name, source.writeKey, now.toISOString(), now.toISOString())
      .run();
    return source;
  }

  async update(id: string, changes: { name?: string; enabled?: boolean }, now: Date): Promise<Source | null> {
    const row = await this.db
      .prepare(
        `UPDATE sources SET name = COALESCE(?, name), enabled = COALESCE(?, enabled), updated_at = ?
         WHERE id = ? RETURNING ${COLUMNS}`,
      )
      .bind(changes.name ?? null, changes.enabled === undefined ? null : Number(changes.enabled), now.toISOString(), id)
      .first<SourceRow>();
    return row ? toSource(row) : null;
  }
}
