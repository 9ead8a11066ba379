import { chunked } from "../d1/chunked";
import type { AcceptedEvent } from "../ingest/enrich";
import { compilePlan, enforcePlan, type CompiledPlan } from "../protocols/enforce";
import { applySchemaBlocks, type SchemaBlocks } from "../protocols/schema-blocks";
import { DEFAULT_SCHEMA_SETTINGS, type SchemaSettings } from "../protocols/schema-settings";
import type { PlanRule } from "../protocols/tracking-plan";
import type { SourceViolation } from "../protocols/violation-store";
import type { CommittedEvent, Enforcement } from "./consume-events";

interface SourceProtocols {
  settings: SchemaSettings;
  plan: CompiledPlan | null;
  blocks: SchemaBlocks;
}

/** Compiled plans by `id@updatedAt`: validators are built once per isolate and plan version. */
const compiledPlans = new Map<string, CompiledPlan>();
const MAX_COMPILED_PLANS = 100;

function compiledPlan(id: string, updatedAt: string, rules: string): CompiledPlan {
  const key = `${id}@${updatedAt}`;
  let plan = compiledPlans.get(key);
  if (!plan) {
    if (compiledPlans.size >= MAX_COMPILED_PLANS) compiledPlans.delete(compiledPlans.keys().next().value!);
    compiledPlans.set(key, (plan = compilePlan(JSON.parse(rules) as PlanRule[])));
  }
  return plan;
}

/** The plans and settings of the batch's sources: one D1 read per consumer batch. */
export async function loadSourceProtocols(db: D1Database, sourceIds: readonly string[]): Promise<Map<string, SourceProtocols>> {
  const found = new Map<string, SourceProtocols>();
  if (sourceIds.length === 0) return found;
  const results = await db.batch<{ source_id: string; settings: string; schema_blocks: string; plan_id: string | null; rules: string | null; updated_at: string | null }>(
    chunked(
      db,
      sourceIds.map((id) => [id]),
      (values) => `SELECT sp.source_id, sp.settings, sp.schema_blocks, tp.id AS plan_id, tp.rules, tp.updated_at FROM source_protocols sp
        LEFT JOIN tracking_plans tp ON tp.id = sp.tracking_plan_id WHERE sp.source_id IN (VALUES ${values})`,
    ),
  );
  for (const { results: rows } of results) {
    for (const row of rows) {
      const plan = row.plan_id && row.rules && row.updated_at ? compiledPlan(row.plan_id, row.updated_at, row.rules) : null;
      const settings = { ...DEFAULT_SCHEMA_SETTINGS, ...(JSON.parse(row.settings) as SchemaSettings) };
      found.set(row.source_id, { settings, plan, blocks: JSON.parse(row.schema_blocks) as SchemaBlocks });
    }
  }
  return found;
}

/** Applies each event's source's schema blocks, then its plan (sources with neither pass untouched). */
export function enforceEvents(events: readonly AcceptedEvent[], protocols: ReadonlyMap<string, SourceProtocols>): Enforcement[] {
  return events.map((received) => {
    const source = protocols.get(received.projectId);
    if (!source) return { event: received, blocked: null, violations: [] };
    const unblocked = applySchemaBlocks(received as unknown as Record<string, unknown>, source.blocks);
    if (unblocked.blocked) return { event: received, blocked: "Blocked in Schema", violations: [] };
    const event = unblocked.event as unknown as AcceptedEvent;
    if (!source.plan) return { event, blocked: null, violations: [] };
    const result = enforcePlan(unblocked.event, source.plan, source.settings, received.projectId);
    return { event: result.event as unknown as AcceptedEvent, blocked: result.blocked, violations: result.violations };
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
