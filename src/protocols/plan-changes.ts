import type { PlanRule } from "./tracking-plan";

/** What an update did to a plan's rules, by `TYPE key vN`, for the changelog. */
export interface RuleChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

const ruleId = (rule: PlanRule) => `${rule.type} ${JSON.stringify(rule.key ?? "")} v${rule.version}`;

export function diffRules(before: readonly PlanRule[], after: readonly PlanRule[]): RuleChanges {
  const old = new Map(before.map((rule) => [ruleId(rule), JSON.stringify(rule.jsonSchema)]));
  const next = new Map(after.map((rule) => [ruleId(rule), JSON.stringify(rule.jsonSchema)]));
  return {
    added: [...next.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !next.has(id)),
    changed: [...next].filter(([id, schema]) => old.has(id) && old.get(id) !== schema).map(([id]) => id),
  };
}
