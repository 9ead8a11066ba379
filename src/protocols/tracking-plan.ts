import { z } from "zod";

/**
 * Tracking plans in Segment's Public API shape: rules `{type, key, version, jsonSchema}` where the
 * JSON Schema (draft-07) describes the whole event, so an event's properties are planned under
 * `jsonSchema.properties.properties` and traits under `jsonSchema.properties.traits`.
 */

export const RULE_TYPES = ["TRACK", "IDENTIFY", "GROUP", "PAGE", "SCREEN", "COMMON"] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export interface PlanRule {
  type: RuleType;
  /** Track event name (case-sensitive), page/screen name (empty: every page); null for the others. */
  key: string | null;
  version: number;
  jsonSchema: Record<string, unknown>;
}

/** Segment's Public API limit per update ("rules must contain less than or equal to 200 items"). */
export const MAX_RULES_PER_UPDATE = 200;

const jsonSchemaObject = z.record(z.string(), z.unknown(), { error: "must be a JSON Schema object" });

export const planRuleSchema = z
  .object({
    type: z.enum(RULE_TYPES, { error: `must be one of ${RULE_TYPES.join(", ")}` }),
    key: z.string().max(200, { error: "must be at most 200 characters" }).nullish(),
    version: z.number().int({ error: "must be a whole number" }).min(1, { error: "must be 1 or more" }).default(1),
    jsonSchema: jsonSchemaObject,
  })
  .superRefine((rule, ctx) => {
    const keyed = rule.type === "TRACK";
    if (keyed && !rule.key) ctx.addIssue({ code: "custom", path: ["key"], message: "must name the track event the rule plans" });
  })
  .transform((rule): PlanRule => ({ type: rule.type, key: rule.key ?? null, version: rule.version, jsonSchema: rule.jsonSchema }));

/**
 * Rules as stored (`tracking_plans.rules`): each rule as `planRuleSchema` accepted it. Not
 * `planRulesSchema`, whose 200-rule bound is per update: a plan may have grown past it.
 */
export const storedPlanRulesSchema = z.array(planRuleSchema);

export const planRulesSchema = z
  .array(planRuleSchema)
  .max(MAX_RULES_PER_UPDATE, { error: `must contain at most ${MAX_RULES_PER_UPDATE} rules` })
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      const id = `${rule.type}\u0000${rule.key ?? ""}\u0000${rule.version}`;
      if (seen.has(id))
        ctx.addIssue({ code: "custom", path: [index], message: `repeats ${rule.type} ${JSON.stringify(rule.key ?? "")} version ${rule.version}` });
      seen.add(id);
    });
  });

/**
 * The rule an event is validated against: its (type, key) rule at the version the event names in
 * `context.protocols.event_version` (a whole number), else the oldest version (Segment: "missing
 * ... or an invalid/undefined event version").
 */
export function selectRule(rules: readonly PlanRule[], type: RuleType, key: string | null, requestedVersion: unknown): PlanRule | undefined {
  const candidates = rules.filter((rule) => rule.type === type && (rule.key ?? "") === (key ?? ""));
  if (candidates.length === 0) return undefined;
  const exact = Number.isInteger(requestedVersion) ? candidates.find((rule) => rule.version === requestedVersion) : undefined;
  return exact ?? candidates.reduce((oldest, rule) => (rule.version < oldest.version ? rule : oldest));
}

/** Names planned at the top level of a section (`properties` or `traits`) of a rule's schema. */
export function plannedNames(rule: PlanRule, section: "properties" | "traits"): Set<string> {
  const sectionSchema = child(child(rule.jsonSchema, "properties"), section);
  return new Set(Object.keys(child(sectionSchema, "properties") ?? {}));
}

function child(schema: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  const value = (schema as Record<string, unknown>)[key];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
