import { randomBase62 } from "../sources/source";
import { z } from "zod";
import { filterActionSchema, type FilterAction } from "../filters/actions";
import { parseStoredJson, StoredDataError } from "../storage/stored-json";
import { destinationType, type RegisteredDestinationType } from "./types";

export interface Destination {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  sourceIds: string[];
  settings: Record<string, unknown>;
  consentCategories: string[];
}

export interface DestinationFilter {
  id: string;
  destinationId: string;
  title: string;
  /** FQL; `all` matches every event, as in Segment's Public API. */
  if: string;
  actions: FilterAction[];
  enabled: boolean;
}

/** Segment: at most 10 filters per destination. */
export const MAX_FILTERS_PER_DESTINATION = 10;

interface DestinationRow {
  id: string;
  name: string;
  type: string;
  enabled: number;
  source_ids: string;
  settings: string;
  consent_categories: string;
}

interface FilterRow {
  id: string;
  destination_id: string;
  title: string;
  expression: string;
  actions: string;
  enabled: number;
}

/**
 * The stored shapes (what the admin API validated): settings through the destination type's own
 * schema. A row that no longer reads fails loudly, in the pipeline too: skipping it would
 * silently stop that destination's deliveries, guessing at settings would send to a wrong URL,
 * and guessing at filter actions could deliver properties a filter was set to drop.
 */
const storedIds = z.array(z.string());
const storedActions = z.array(filterActionSchema);

function storedSettings(type: RegisteredDestinationType, row: DestinationRow): Record<string, unknown> {
  const where = `destinations.settings of ${row.id}`;
  const parsed = type.parseSettings(parseStoredJson(z.unknown(), row.settings, where));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new StoredDataError(where, `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "unexpected shape"}`);
}

export function toDestination(row: DestinationRow): Destination {
  const type = destinationType(row.type);
  if (!type) throw new StoredDataError(`destinations.type of ${row.id}`, `no destination type ${JSON.stringify(row.type)}`);
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    enabled: row.enabled === 1,
    sourceIds: parseStoredJson(storedIds, row.source_ids, `destinations.source_ids of ${row.id}`),
    settings: storedSettings(type, row),
    consentCategories: parseStoredJson(storedIds, row.consent_categories, `destinations.consent_categories of ${row.id}`),
  };
}

export const toFilter = (row: FilterRow): DestinationFilter => ({
  id: row.id,
  destinationId: row.destination_id,
  title: row.title,
  if: row.expression,
  actions: parseStoredJson(storedActions, row.actions, `destination_filters.actions of ${row.id}`),
  enabled: row.enabled === 1,
});

/** Destinations and their filters in D1 (admin API; the consumer reads them per batch). */
export class DestinationStore {
  constructor(private readonly db: D1Database) {}

  async list(): Promise<Destination[]> {
    const { results } = await this.db.prepare("SELECT * FROM destinations ORDER BY created_at, id").all<DestinationRow>();
    return results.map(toDestination);
  }

  async get(id: string): Promise<Destination | null> {
    const row = await this.db.prepare("SELECT * FROM destinations WHERE id = ?").bind(id).first<DestinationRow>();
    return row ? toDestination(row) : null;
  }

  async create(fields: Omit<Destination, "id">, now: Date): Promise<Destination> {
    const destination: Destination = { id: `ds_${randomBase62(22)}`, ...fields };
    const at = now.toISOString();
    await this.db
      .prepare(
        `INSERT INTO destinations (id, name, type, enabled, source_ids, settings, consent_categories, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        destination.id,
        fields.name,
        fields.type,
        fields.enabled ? 1 : 0,
        JSON.stringify(fields.sourceIds),
        JSON.stringify(fields.settings),
        JSON.stringify(fields.consentCategories),
        at,
        at,
      )
      .run();
    return destination;
  }

  async update(destination: Destination, now: Date): Promise<void> {
    await this.db
      .prepare("UPDATE destinations SET name = ?, enabled = ?, source_ids = ?, settings = ?, consent_categories = ?, updated_at = ? WHERE id = ?")
      .bind(
        destination.name,
        destination.enabled ? 1 : 0,
        JSON.stringify(destination.sourceIds),
        JSON.stringify(destination.settings),
        JSON.stringify(destination.consentCategories),
        now.toISOString(),
        destination.id,
      )
      .run();
  }

  /** Replaces only the settings: what a delivery changed (refreshed OAuth tokens), leaving an admin's concurrent edit of the rest alone. */
  async saveSettings(id: string, settings: Record<string, unknown>, now: Date): Promise<void> {
    await this.db.prepare("UPDATE destinations SET settings = ?, updated_at = ? WHERE id = ?").bind(JSON.stringify(settings), now.toISOString(), id).run();
  }

  async delete(id: string): Promise<boolean> {
    const [deleted] = await this.db.batch([
      this.db.prepare("DELETE FROM destinations WHERE id = ?").bind(id),
      this.db.prepare("DELETE FROM destination_filters WHERE destination_id = ?").bind(id),
    ]);
    return (deleted?.meta.changes ?? 0) > 0;
  }

  async filters(destinationId: string): Promise<DestinationFilter[]> {
    const { results } = await this.db
      .prepare("SELECT * FROM destination_filters WHERE destination_id = ? ORDER BY position, created_at")
      .bind(destinationId)
      .all<FilterRow>();
    return results.map(toFilter);
  }

  /** Null when the destination already has the most filters allowed (checked in the same statement). */
  async addFilter(destinationId: string, fields: Omit<DestinationFilter, "id" | "destinationId">, now: Date): Promise<DestinationFilter | null> {
    const filter: DestinationFilter = { id: `df_${randomBase62(22)}`, destinationId, ...fields };
    const result = await this.db
      .prepare(
        `INSERT INTO destination_filters (id, destination_id, position, title, expression, actions, enabled, created_at)
         SELECT ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM destination_filters WHERE destination_id = ?), ?, ?, ?, ?, ?
         WHERE (SELECT COUNT(*) FROM destination_filters WHERE destination_id = ?) < ?`,
      )
      .bind(
        filter.id,
        destinationId,
        destinationId,
        fields.title,
        fields.if,
        JSON.stringify(fields.actions),
        fields.enabled ? 1 : 0,
        now.toISOString(),
        destinationId,
        MAX_FILTERS_PER_DESTINATION,
      )
      .run();
    return result.meta.changes > 0 ? filter : null;
  }

  async deleteFilter(destinationId: string, filterId: string): Promise<boolean> {
    const result = await this.db.prepare("DELETE FROM destination_filters WHERE id = ? AND destination_id = ?").bind(filterId, destinationId).run();
    return result.meta.changes > 0;
  }
}
