import { z } from "zod";
import { parseStoredJson } from "../../storage/stored-json";
import type { SelectiveSync } from "../schema/selective-sync";
import { slugFromName } from "./source-slug";

/** Tries at a free slug before ensure gives up: each lost one means another source took that slug. */
const MAX_SLUG_ATTEMPTS = 8;

/** A source as the warehouse sees it: its schema name in R2 and its selective sync. */
export interface WarehouseSource {
  sourceId: string;
  slug: string;
  excludedEvents: string[];
  excludedProperties: Record<string, string[]>;
}

export interface WarehouseSourceChanges {
  slug?: string;
  excludedEvents?: string[];
  excludedProperties?: Record<string, string[]>;
}

interface Row {
  source_id: string;
  slug: string;
  excluded_events: string;
  excluded_properties: string;
}

const excludedEvents = z.array(z.string());
const excludedProperties = z.record(z.string(), z.array(z.string()));

const toSource = (row: Row): WarehouseSource => ({
  sourceId: row.source_id,
  slug: row.slug,
  excludedEvents: parseStoredJson(excludedEvents, row.excluded_events, `warehouse_sources ${row.source_id} excluded_events`),
  excludedProperties: parseStoredJson(excludedProperties, row.excluded_properties, `warehouse_sources ${row.source_id} excluded_properties`),
});

export function selectiveSyncOf(source: WarehouseSource): SelectiveSync {
  return { excludedEvents: source.excludedEvents, excludedProperties: source.excludedProperties };
}

const COLUMNS = "source_id, slug, excluded_events, excluded_properties";

/** `warehouse_sources` in D1 (migrations/0011_warehouse.sql). */
export class WarehouseSourceStore {
  constructor(private readonly db: D1Database) {}

  async list(): Promise<WarehouseSource[]> {
    const { results } = await this.db.prepare(`SELECT ${COLUMNS} FROM warehouse_sources ORDER BY slug`).all<Row>();
    return results.map(toSource);
  }

  async get(sourceId: string): Promise<WarehouseSource | null> {
    const row = await this.db.prepare(`SELECT ${COLUMNS} FROM warehouse_sources WHERE source_id = ?`).bind(sourceId).first<Row>();
    return row ? toSource(row) : null;
  }

  async slugTaken(slug: string): Promise<boolean> {
    return (await this.db.prepare("SELECT 1 AS taken FROM warehouse_sources WHERE slug = ?").bind(slug).first()) !== null;
  }

  /**
   * The source's warehouse record, created the first time the warehouse sees the source with a
   * slug from its name (`Web Shop` → `web_shop`, then `web_shop_2`…). Two first looks at one
   * source both end on the one row the primary key let in; first looks at sources of the same
   * name (the Cron starts their syncs together) race for a slug, and each loser takes the next.
   */
  async ensure(source: { id: string; name: string }, now: Date): Promise<WarehouseSource> {
    for (let attempt = 1; attempt <= MAX_SLUG_ATTEMPTS; attempt++) {
      const existing = await this.get(source.id);
      if (existing) return existing;
      const taken = new Set((await this.db.prepare("SELECT slug FROM warehouse_sources").all<{ slug: string }>()).results.map((row) => row.slug));
      await this.db
        .prepare(
          `INSERT INTO warehouse_sources (source_id, slug, created_at, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .bind(
          source.id,
          slugFromName(source.name, (slug) => taken.has(slug)),
          now.toISOString(),
          now.toISOString(),
        )
        .run();
    }
    const created = await this.get(source.id);
    if (!created) throw new Error(`warehouse source ${source.id}: lost the race for a slug ${MAX_SLUG_ATTEMPTS} times; try again`);
    return created;
  }

  async update(sourceId: string, changes: WarehouseSourceChanges, now: Date): Promise<void> {
    await this.db
      .prepare(
        `UPDATE warehouse_sources SET slug = COALESCE(?, slug), excluded_events = COALESCE(?, excluded_events),
           excluded_properties = COALESCE(?, excluded_properties), updated_at = ? WHERE source_id = ?`,
      )
      .bind(
        changes.slug ?? null,
        changes.excludedEvents ? JSON.stringify(changes.excludedEvents) : null,
        changes.excludedProperties ? JSON.stringify(changes.excludedProperties) : null,
        now.toISOString(),
        sourceId,
      )
      .run();
  }
}
