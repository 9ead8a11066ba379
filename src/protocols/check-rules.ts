import { compileLinearRegex } from "../regex/linear-regex";
import { describeJsonHazard, findJsonHazard } from "../spec/json-hazards";
import { compileEventSchema } from "./json-schema-violations";
import { patternsIn } from "./linear-patterns";
import type { PlanRule } from "./tracking-plan";

/**
 * What a plan's JSON Schemas would do wrong at run time, found when the plan is saved: patterns
 * RE2 cannot run (every event of the source runs them, so they must run in linear time:
 * src/regex/linear-regex.ts), `patternProperties` (linear-patterns.ts cannot run its patterns in
 * RE2), schemas the validator cannot run, and schemas nested too deep to walk. Answers one
 * message per problem, naming the rule.
 */
export function checkPlanRules(rules: readonly PlanRule[]): string[] {
  const problems: string[] = [];
  rules.forEach((rule, index) => {
    const where = `rules.${index}.jsonSchema`;
    // Checked first: the walks below recurse, so a schema nested thousands deep would overflow them.
    const hazard = findJsonHazard(rule.jsonSchema);
    if (hazard) {
      problems.push(`${where}: ${describeJsonHazard(hazard).message}`);
      return;
    }
    for (const { path, keyword, pattern } of patternsIn(rule.jsonSchema)) {
      if (keyword === "patternProperties") {
        problems.push(
          `${where}${path}: patternProperties (${JSON.stringify(pattern)}) is not supported, as its patterns cannot run in linear time; ` +
            "list the properties, or constrain their names with propertyNames and a pattern.",
        );
        continue;
      }
      if (typeof pattern !== "string") {
        problems.push(`${where}${path}: a pattern must be a string.`);
        continue;
      }
      const compiled = compileLinearRegex(pattern);
      if (!compiled.ok) problems.push(`${where}${path}: the pattern ${JSON.stringify(pattern)} ${compiled.reason}.`);
    }
    try {
      compileEventSchema(rule.jsonSchema)({});
    } catch (error) {
      problems.push(`${where}: the schema cannot be used (${error instanceof Error ? error.message : String(error)}).`);
    }
  });
  return problems;
}
