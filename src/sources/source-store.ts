import { newSourceId, newWriteKey, type Source } from "./source";

interface SourceRow {
  id: string;
  name: string;
  write_key: string;
  enabled: number;
  script_alias: string | null;
  retention_days: number | null;
}

const COLUMNS = "id, name, write_key, enabled, script_alias, retention_days";
const toSource = (row: SourceRow): Source => ({
  id: row.id,
  name: row.name,
  writeKey: row.write_key,
  enabled: row.enabled === 1,
  ...(row.script_alias === null ? {} : { scriptAlias: row.script_alias }),
  ...(row.retention_days === null ? {} : { retentionDays: row.retention_days }),
});

/** The changes `update` applies; `null` clears an alias or the retention (keep everything). */
export interface SourceUpdate {
  name?: string;
  enabled?: boolean;
  scriptAlias?: string | null;
  retentionDays?: number | null;
}

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

  async findByScriptAlias(alias: string): Promise<Source | null> {
    const row = await this.db.prepare(`SELECT ${COLUMNS} FROM sources WHERE script_alias = ?`).bind(alias).first<SourceRow>();
    return row ? toSource(row) : null;
  }

  async create(name: string, now: Date, options: { retentionDays?: number | null } = {}): Promise<Source> {
    const retentionDays = options.retentionDays ?? null;
    const source: Source = { id: newSourceId(), name, writeKey: newWriteKey(), enabled: true, ...(retentionDays === null ? {} : { retentionDays }) };
    await this.db
      .prepare("INSERT INTO sources (id, name, write_key, enabled, retention_days, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)")
      .bind(source.id, source.name, source.writeKey, retentionDays, now.toISOString(), now.toISOString())
      .run();
    return source;
  }

  /** Sources with a retention, by id: what the retention sweep works through. */
  async listRetained(): Promise<{ id: string; retentionDays: number }[]> {
    const { results } = await this.db
      .prepare("SELECT id, retention_days FROM sources WHERE retention_days IS NOT NULL ORDER BY id")
      .all<{ id: string; retention_days: number }>();
    return results.map((row) => ({ id: row.id, retentionDays: row.retention_days }));
  }

  /**
   * Applies the changes given; `scriptAlias: null` removes the alias. Null when there is no such
   * source, or when another source already has the alias (one statement, so no race can slip a
   * duplicate in between a check and the write; the unique index backs it up).
   */
  async update(id: string, changes: SourceUpdate, now: Date): Promise<Source | null> {
    const row = await this.db
      .prepare(
        `UPDATE sources SET name = COALESCE(?1, name), enabled = COALESCE(?2, enabled),
           script_alias = CASE WHEN ?3 THEN ?4 ELSE script_alias END,
           retention_days = CASE WHEN ?7 THEN ?8 ELSE retention_days END, updated_at = ?5
         WHERE id = ?6 AND (?4 IS NULL OR NOT EXISTS (SELECT 1 FROM sources WHERE script_alias = ?4 AND id <> ?6))
         RETURNING ${COLUMNS}`,
      )
      .bind(
        changes.name ?? null,
        changes.enabled === undefined ? null : Number(changes.enabled),
        Number(changes.scriptAlias !== undefined),
        changes.scriptAlias ?? null,
        now.toISOString(),
        id,
        Number(changes.retentionDays !== undefined),
        changes.retentionDays ?? null,
      )
      .first<SourceRow>();
    return row ? toSource(row) : null;
  }
}
