import { checkPlanRules } from "../../protocols/check-rules";
import { planRuleSchema, planRulesSchema, type PlanRule } from "../../protocols/tracking-plan";
import type { RuleDraft } from "./tracking-plan-pages";

type DraftErrors = NonNullable<RuleDraft["errors"]>;

/**
 * Turns the rule editor's fields into the plan's next rules, checked by the admin API's own
 * schemas (`planRuleSchema`, `planRulesSchema`, `checkPlanRules`), or says what is wrong with
 * which field so the page can show it next to that field. Pure.
 *
 * `replace` is the index of the rule being edited: it is taken out first, then the draft replaces
 * any rule with its type, key and version, or is added.
 */
export function applyRuleDraft(rules: readonly PlanRule[], draft: RuleDraft, replace?: number): { rules: PlanRule[] } | { errors: DraftErrors } {
  const errors: DraftErrors = {};
  let jsonSchema: unknown;
  try {
    jsonSchema = JSON.parse(draft.jsonSchema);
  } catch (error) {
    errors.jsonSchema = `This is not valid JSON (${error instanceof Error ? error.message : String(error)}). Check for a missing comma, quote or brace.`;
  }
  const versionText = draft.version.trim();
  const version = versionText === "" ? 1 : /^-?\d+$/.test(versionText) ? Number(versionText) : Number.NaN;
  if (Number.isNaN(version)) errors.version = "Version must be a whole number, 1 or more.";
  if (errors.jsonSchema || errors.version) return { errors };

  const parsed = planRuleSchema.safeParse({ type: draft.type, key: draft.key.trim() === "" ? null : draft.key, version, jsonSchema });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "type" || field === "key" || field === "version" || field === "jsonSchema") errors[field] ??= `${label[field]} ${issue.message}.`;
      else errors.form ??= `The rule ${issue.message}.`;
    }
    return { errors };
  }
  const rule = parsed.data;
  const problems = checkPlanRules([rule]);
  if (problems.length > 0) return { errors: { jsonSchema: problems.map((problem) => problem.replace(/^rules\.0\.jsonSchema:?\s*/, "")).join(" ") } };

  const kept = rules.filter((existing, index) => index !== replace && !sameRule(existing, rule));
  const next = [...kept, rule];
  const checked = planRulesSchema.safeParse(next);
  if (!checked.success) return { errors: { form: `The plan's rules ${checked.error.issues[0]?.message ?? "are invalid"}.` } };
  return { rules: checked.data };
}

const label = { type: "Type", key: "Key", version: "Version", jsonSchema: "The JSON Schema" } as const;

const sameRule = (a: PlanRule, b: PlanRule) => a.type === b.type && (a.key ?? "") === (b.key ?? "") && a.version === b.version;
