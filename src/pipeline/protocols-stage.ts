import { chunked } from "../d1/chunked";
import type { AcceptedEvent } from "../spec/accepted-event";
import { compilePlan, enforcePlan, type CompiledPlan } from "../protocols/enforce";
import { forwardedEvents } from "../protocols/forwarding";
import { applySchemaBlocks, NO_SCHEMA_BLOCKS, readStoredSchemaBlocks, type SchemaBlocks } from "../protocols/schema-blocks";
import { toTransformation } from "../protocols/transformation-store";
import { applyTransformations, type Transformation } from "../protocols/transformations";
import { DEFAULT_SCHEMA_SETTINGS, readStoredSettings, type SchemaSettings } from "../protocols/schema-settings";
import { storedPlanRulesSchema } from "../protocols/tracking-plan";
import { parseStoredJson } from "../storage/stored-json";
import type { SourceViolation } from "../protocols/violation-store";
import type { CommittedEvent, Enforcement } from "./consume-events";

export interface SourceProtocols {
  settings: SchemaSettings;
  plan: CompiledPlan | null;
  planId: string | null;
  /** Names for `Violation Generated` calls, as Segment sends them. */
  planName: string;
  sourceName: string;
  blocks: SchemaBlocks;
  transformations: Transformation[];
}

/** A source without a plan, settings, blocks or transformations of its own. */
export const noProtocols = (): SourceProtocols => ({
  settings: DEFAULT_SCHEMA_SETTINGS,
  plan: null,
  planId: null,
  planName: "",
  sourceName: "",
  blocks: NO_SCHEMA_BLOCKS,
  transformations: [],
});

/** Compiled plans by `id@updatedAt`: validators are built once per isolate and plan version. */
const compiledPlans = new Map<string, CompiledPlan>();
const MAX_COMPILED_PLANS = 100;

function compiledPlan(id: string, updatedAt: string, rules: string): CompiledPlan {
  const key = `${id}@${updatedAt}`;
  let plan = compiledPlans.get(key);
  if (!plan) {
    if (compiledPlans.size >= MAX_COMPILED_PLANS) compiledPlans.delete(compiledPlans.keys().next().value!);
    compiledPlans.set(key, (plan = compilePlan(parseStoredJson(storedPlanRulesSchema, rules, `tracking_plans.rules of ${id}`))));
  }
  return plan;
}

/** The plans, settings, blocks and transformations of the batch's sources: one D1 round trip per consumer batch. */
export async function loadSourceProtocols(db: D1Database, sourceIds: readonly string[]): Promise<Map<string, SourceProtocols>> {
  const found = new Map<string, SourceProtocols>();
  if (sourceIds.length === 0) return found;
  const ids = sourceIds.map((id) => [id]);
  const settingsQueries = chunked(
    db,
    ids,
    (values) => `SELECT sp.source_id, s.name AS source_name, sp.settings, sp.schema_blocks, tp.id AS plan_id, tp.name AS plan_name, tp.rules, tp.updated_at
      FROM source_protocols sp LEFT JOIN sources s ON s.id = sp.source_id LEFT JOIN tracking_plans tp ON tp.id = sp.tracking_plan_id
      WHERE sp.source_id IN (VALUES ${values})`,
  );
  const transformationQueries = chunked(db, ids, (values) => `SELECT * FROM source_transformations WHERE enabled = 1 AND source_id IN (VALUES ${values})`);
  const results = await db.batch<Record<string, string | number | null>>([...settingsQueries, ...transformationQueries]);
  const of = (sourceId: string) => {
    let entry = found.get(sourceId);
    if (!entry) found.set(sourceId, (entry = noProtocols()));
    return entry;
  };
  results.slice(0, settingsQueries.length).forEach(({ results: rows }) => {
    for (const row of rows as unknown as SettingsRow[]) {
      const entry = of(row.source_id);
      entry.plan = row.plan_id && row.rules && row.updated_at ? compiledPlan(row.plan_id, row.updated_at, row.rules) : null;
      entry.planId = entry.plan ? row.plan_id : null;
      entry.planName = entry.plan ? (row.plan_name ?? "") : "";
      entry.sourceName = row.source_name ?? "";
      entry.settings = readStoredSettings(row.settings, row.source_id);
      entry.blocks = readStoredSchemaBlocks(row.schema_blocks, row.source_id);
    }
  });
  results.slice(settingsQueries.length).forEach(({ results: rows }) => {
    for (const row of rows) {
      const transformation = toTransformation(row as unknown as Parameters<typeof toTransformation>[0]);
      of(transformation.sourceId).transformations.push(transformation);
    }
  });
  return found;
}

interface SettingsRow {
  source_id: string;
  settings: string;
  schema_blocks: string;
  plan_id: string | null;
  plan_name: string | null;
  source_name: string | null;
  rules: string | null;
  updated_at: string | null;
}

/** Applies each event's source's schema blocks, then its plan, then its transformations. */
export function enforceEvents(events: readonly AcceptedEvent[], protocols: ReadonlyMap<string, SourceProtocols>): Enforcement[] {
  return events.map((received) => {
    const source = protocols.get(received.projectId);
    if (!source) return { event: received, blocked: null, violations: [] };
    const unblocked = applySchemaBlocks(received, source.blocks);
    if (unblocked.blocked) {
      const outcome = { blocked: "Blocked in Schema", violations: [] };
      return { event: received, ...outcome, forwards: forwardedEvents(received, outcome, source.settings, null, source.sourceName) };
    }
    const result = source.plan
      ? enforcePlan(unblocked.event, source.plan, source.settings, received.projectId)
      : { event: unblocked.event, blocked: null, violations: [] };
    const forwards = forwardedEvents(received, result, source.settings, source.planId ? { id: source.planId, name: source.planName } : null, source.sourceName);
    if (result.blocked) return { event: received, blocked: result.blocked, violations: result.violations, forwards };
    // Transformations change what flows on, after the plan judged the event as it was sent.
    const event = applyTransformations(result.event, source.transformations) as unknown as AcceptedEvent;
    return { event, blocked: null, violations: result.violations, forwards };
  });
}

/** The violations of committed events, tagged with their source and event for the report. */
export function sourceViolations(committed: readonly CommittedEvent[]): SourceViolation[] {
  return committed.flatMap(({ received, violations }) => {
    const record = received as unknown as Record<string, unknown>;
    const eventName = typeof record.event === "string" ? record.event : typeof record.name === "string" ? record.name : "";
    return violations.map((violation) => ({ ...violation, sourceId: received.projectId, eventType: received.type, eventName }));
  });
}
