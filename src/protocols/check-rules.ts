import { findUnsafePattern } from "../regex/regex-safety";
import { isPlainObject } from "../spec/validate-event";
import { compileEventSchema } from "./json-schema-violations";
import type { PlanRule } from "./tracking-plan";

/**
 * What a plan's JSON Schemas would do wrong at run time, found when the plan is saved: patterns
 * that do not compile or could backtrack for a long time (every event of the source would wait
 * on them: Workers' regex engine backtracks and has no timeout), and schemas the validator
 * cannot run. Answers one message per problem, naming the rule.
 */
export function checkPlanRules(rules: readonly PlanRule[]): string[] {
  const problems: string[] = [];
  rules.forEach((rule, index) => {
    const where = `rules.${index}.jsonSchema`;
    for (const { path, pattern } of patternsIn(rule.jsonSchema, "")) {
      try {
        new RegExp(pattern, "u");
      } catch {
        problems.push(`${where}${path}: the pattern ${JSON.stringify(pattern)} is not a valid regular expression.`);
        continue;
      }
      const unsafe = findUnsafePattern(pattern);
      if (unsafe) problems.push(`${where}${path}: the pattern ${JSON.stringify(pattern)} ${unsafe}`);
    }
    try {
      compileEventSchema(rule.jsonSchema)({});
    } catch (error) {
      problems.push(`${where}: the schema cannot be used (${error instanceof Error ? error.message : String(error)}).`);
    }
  });
  return problems;
}

function* patternsIn(schema: unknown, path: string): Generator<{ path: string; pattern: string }> {
  if (Array.isArray(schema)) {
    for (const [index, item] of schema.entries()) yield* patternsIn(item, `${path}.${index}`);
    return;
  }
  if (!isPlainObject(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "pattern" && typeof value === "string") yield { path: `${path}.pattern`, pattern: value };
    else if (key === "patternProperties" && typeof value === "object" && value !== null) {
      for (const [pattern, child] of Object.entries(value)) {
        yield { path: `${path}.patternProperties`, pattern };
        yield* patternsIn(child, `${path}.patternProperties.${pattern}`);
      }
    } else yield* patternsIn(value, `${path}.${key}`);
  }
}
