import type { Identifier } from "./identifier";
import type { CompiledIdentityConfig } from "./identity-config";
import type { Violation } from "./violations";

/**
 * Drops blocked identifiers before matching (docs: "Blocked values"): "While these values will
 * remain in the payload on the event itself, they are not promoted to the externalID object
 * Segment uses to determine user profiles." Each drop is reported as `ID value blocked`.
 */
export function dropBlockedIdentifiers(config: CompiledIdentityConfig, identifiers: readonly Identifier[]): { kept: Identifier[]; violations: Violation[] } {
  const kept: Identifier[] = [];
  const violations: Violation[] = [];
  for (const identifier of identifiers) {
    const rule = config.blocked.find((blocked) => (blocked.types === undefined || blocked.types.has(identifier.type)) && blocked.matches(identifier.value));
    if (!rule) {
      kept.push(identifier);
      continue;
    }
    const how = rule.rule.match === "exact" ? `the blocked value "${rule.rule.value}"` : `the blocked pattern /${rule.rule.value}/`;
    violations.push({
      reason: "ID value blocked",
      type: identifier.type,
      value: identifier.value,
      message:
        `${identifier.type} "${identifier.value}" matches ${how}, so it was not used to find or build a profile. ` +
        `Send the real ${identifier.type}, or remove the blocked value from the identity rules if it is legitimate.`,
    });
  }
  return { kept, violations };
}
