import { randomBase62 } from "../sources/source";
import { diffRules } from "./plan-changes";
import { z } from "zod";
import { parseStoredJson } from "../storage/stored-json";
import { NO_SCHEMA_BLOCKS, readStoredSchemaBlocks, type SchemaBlocks } from "./schema-blocks";
import { DEFAULT_SCHEMA_SETTINGS, readStoredSettings, type SchemaSettings } from "./schema-settings";
import { storedPlanRulesSchema, type PlanRule } from "./tracking-plan";

const changeDetail = z.record(z.string(), z.unknown());

export interface TrackingPlan {
  id: string;
  name: string;
  rules: PlanRule[];
  createdAt: string;
  updatedAt: string;
}

export interface PlanChange {
  at: string;
  action: "created" | "updated" | "connected" | "disconnected";
  detail: Record<string, unknown>;
}

interface PlanRow {
  id: string;
  name: string;
  rules: string;
  created_at: string;
  updated_at: string;
}

const toPlan = (row: PlanRow): TrackingPlan => ({
  id: row.id,
  name: row.name,
  rules: parseStoredJson(storedPlanRulesSchema, row.rules, `tracking_plans.rules of ${row.id}`),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Tracking plans, their changelog and which source uses which, in D1 (admin API only). */
export class PlanStore {
  constructor(private readonly db: D1Database) {}

  async list(): Promise<TrackingPlan[]> {
    const { results } = await this.db.prepare("SELECT * FROM tracking_plans ORDER BY created_at, id").all<PlanRow>();
    return results.map(toPlan);
  }

  async get(id: string): Promise<TrackingPlan | null> {
    const row = await this.db.prepare("SELECT * FROM tracking_plans WHERE id = ?").bind(id).first<PlanRow>();
    return row ? toPlan(row) : null;
  }

  async create(name: string, rules: PlanRule[], now: Date): Promise<TrackingPlan> {
    const at = now.toISOString();
    const plan: TrackingPlan = { id: `tp_${randomBase62(24)}`, name, rules, createdAt: at, updatedAt: at };
    await this.db.batch([
      this.db
        .prepare("INSERT INTO tracking_plans (id, name, rules, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
        .bind(plan.id, name, JSON.stringify(rules), at, at),
      this.logChange(plan.id, { at, action: "created", detail: { name, rules: rules.length } }),
    ]);
    return plan;
  }

  /** Null when there is no such plan. */
  async update(id: string, changes: { name?: string; rules?: PlanRule[] }, now: Date): Promise<TrackingPlan | null> {
    const current = await this.get(id);
    if (!current) return null;
    const at = now.toISOString();
    const next: TrackingPlan = { ...current, name: changes.name ?? current.name, rules: changes.rules ?? current.rules, updatedAt: at };
    const detail = {
      ...(changes.name !== undefined && changes.name !== current.name ? { name: { from: current.name, to: changes.name } } : {}),
      ...diffRules(current.rules, next.rules),
    };
    await this.db.batch([
      this.db.prepare("UPDATE tracking_plans SET name = ?, rules = ?, updated_at = ? WHERE id = ?").bind(next.name, JSON.stringify(next.rules), at, id),
      this.logChange(id, { at, action: "updated", detail }),
    ]);
    return next;
  }

  /** Sources using the plan; a plan is deleted only once none does. */
  async sourcesUsing(id: string): Promise<string[]> {
    const { results } = await this.db
      .prepare("SELECT source_id FROM source_protocols WHERE tracking_plan_id = ? ORDER BY source_id")
      .bind(id)
      .all<{ source_id: string }>();
    return results.map((row) => row.source_id);
  }

  async delete(id: string): Promise<boolean> {
    const [deleted] = await this.db.batch([
      this.db.prepare("DELETE FROM tracking_plans WHERE id = ?").bind(id),
      this.db.prepare("DELETE FROM tracking_plan_changes WHERE plan_id = ?").bind(id),
    ]);
    return (deleted?.meta.changes ?? 0) > 0;
  }

  async changes(id: string): Promise<PlanChange[]> {
    const { results } = await this.db
      .prepare("SELECT at, action, detail FROM tracking_plan_changes WHERE plan_id = ? ORDER BY seq")
      .bind(id)
      .all<{ at: string; action: PlanChange["action"]; detail: string }>();
    return results.map((row) => ({
      at: row.at,
      action: row.action,
      detail: parseStoredJson(changeDetail, row.detail, `tracking_plan_changes.detail of ${id} at ${row.at}`),
    }));
  }

  async sourceProtocols(sourceId: string): Promise<{ trackingPlanId: string | null; settings: SchemaSettings }> {
    const row = await this.db
      .prepare("SELECT tracking_plan_id, settings FROM source_protocols WHERE source_id = ?")
      .bind(sourceId)
      .first<{ tracking_plan_id: string | null; settings: string }>();
    return row
      ? { trackingPlanId: row.tracking_plan_id, settings: readStoredSettings(row.settings, sourceId) }
      : { trackingPlanId: null, settings: DEFAULT_SCHEMA_SETTINGS };
  }

  /** Connects `planId` to the source (null disconnects), logging it on the plans involved. */
  async connect(sourceId: string, planId: string | null, now: Date): Promise<void> {
    const at = now.toISOString();
    const current = await this.sourceProtocols(sourceId);
    const statements = [
      this.db
        .prepare(
          `INSERT INTO source_protocols (source_id, tracking_plan_id, settings, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (source_id) DO UPDATE SET tracking_plan_id = excluded.tracking_plan_id, updated_at = excluded.updated_at`,
        )
        .bind(sourceId, planId, JSON.stringify(current.settings), at),
    ];
    if (current.trackingPlanId && current.trackingPlanId !== planId)
      statements.push(this.logChange(current.trackingPlanId, { at, action: "disconnected", detail: { sourceId } }));
    if (planId && current.trackingPlanId !== planId) statements.push(this.logChange(planId, { at, action: "connected", detail: { sourceId } }));
    await this.db.batch(statements);
  }

  async schemaBlocks(sourceId: string): Promise<SchemaBlocks> {
    const row = await this.db.prepare("SELECT schema_blocks FROM source_protocols WHERE source_id = ?").bind(sourceId).first<{ schema_blocks: string }>();
    return row ? readStoredSchemaBlocks(row.schema_blocks, sourceId) : NO_SCHEMA_BLOCKS;
  }

  async saveSchemaBlocks(sourceId: string, blocks: SchemaBlocks, now: Date): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO source_protocols (source_id, tracking_plan_id, settings, schema_blocks, updated_at) VALUES (?, NULL, ?, ?, ?)
         ON CONFLICT (source_id) DO UPDATE SET schema_blocks = excluded.schema_blocks, updated_at = excluded.updated_at`,
      )
      .bind(sourceId, JSON.stringify(DEFAULT_SCHEMA_SETTINGS), JSON.stringify(blocks), now.toISOString())
      .run();
  }

  async saveSettings(sourceId: string, settings: SchemaSettings, now: Date): Promise<void> {
    await this.db
      .prepare(
        `INSERT INTO source_protocols (source_id, tracking_plan_id, settings, updated_at) VALUES (?, NULL, ?, ?)
         ON CONFLICT (source_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
      )
      .bind(sourceId, JSON.stringify(settings), now.toISOString())
      .run();
  }

  private logChange(planId: string, change: PlanChange): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO tracking_plan_changes (plan_id, seq, at, action, detail)
         VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tracking_plan_changes WHERE plan_id = ?), ?, ?, ?)`,
      )
      .bind(planId, planId, change.at, change.action, JSON.stringify(change.detail));
  }
}
