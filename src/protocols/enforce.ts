import { compileEventSchema, type EventValidator, type ProtocolViolation } from "./json-schema-violations";
import type { SchemaSettings } from "./schema-settings";
import { plannedNames, selectRule, type PlanRule, type RuleType } from "./tracking-plan";

/**
 * Protocols for one event, in Segment's order: the standard controls (unplanned event, unplanned
 * properties or traits, the event's own rule), then the common JSON Schema on what is left. The
 * result says whether the event is blocked, and carries what was omitted and every violation in
 * `context.protocols`, as Segment writes them into the event.
 */

export interface CompiledPlan {
  rules: readonly PlanRule[];
  /** `selectRule` over this plan's rules, indexed by type and key. */
  select(type: RuleType, key: string | null, requestedVersion: unknown): PlanRule | undefined;
  validator(rule: PlanRule): EventValidator;
  planned(rule: PlanRule, section: "properties" | "traits"): ReadonlySet<string>;
}

/** Validators and planned names are built once per rule, on first use. */
export function compilePlan(rules: readonly PlanRule[]): CompiledPlan {
  const validators = new Map<PlanRule, EventValidator>();
  const names = new Map<PlanRule, ReadonlySet<string>>();
  const byKey = new Map<string, PlanRule[]>();
  for (const rule of rules) {
    const id = `${rule.type}\u0000${rule.key ?? ""}`;
    byKey.set(id, [...(byKey.get(id) ?? []), rule]);
  }
  return {
    rules,
    select(type, key, requestedVersion) {
      const candidates = byKey.get(`${type}\u0000${key ?? ""}`);
      return candidates ? selectRule(candidates, type, key, requestedVersion) : undefined;
    },
    validator(rule) {
      let validator = validators.get(rule);
      if (!validator) validators.set(rule, (validator = compileEventSchema(rule.jsonSchema)));
      return validator;
    },
    planned(rule, section) {
      let found = names.get(rule);
      if (!found) names.set(rule, (found = plannedNames(rule, section)));
      return found;
    },
  };
}

export type BlockReason = "Unplanned Event" | "Violations" | "Common Schema Violations";

export interface Enforced {
  /** The event as it goes on: omissions applied, `context.protocols` filled when there is news. */
  event: Record<string, unknown>;
  blocked: BlockReason | null;
  violations: ProtocolViolation[];
}

interface CallRules {
  ruleType: RuleType;
  key: string | null;
  section: "properties" | "traits";
  /** Which settings govern it; page and screen calls only record violations (Segment has no setting for them). */
  settings: "track" | "identify" | "group" | "record-only";
}

function callRules(event: Record<string, unknown>): CallRules | undefined {
  const name = typeof event.name === "string" ? event.name : "";
  switch (event.type) {
    case "track":
      return typeof event.event === "string" ? { ruleType: "TRACK", key: event.event, section: "properties", settings: "track" } : undefined;
    case "page":
      return { ruleType: "PAGE", key: name, section: "properties", settings: "record-only" };
    case "screen":
      return { ruleType: "SCREEN", key: name, section: "properties", settings: "record-only" };
    case "identify":
      return { ruleType: "IDENTIFY", key: null, section: "traits", settings: "identify" };
    case "group":
      return { ruleType: "GROUP", key: null, section: "traits", settings: "group" };
    default:
      return undefined;
  }
}

export function enforcePlan(input: Record<string, unknown>, plan: CompiledPlan, settings: SchemaSettings, sourceId: string): Enforced {
  const call = callRules(input);
  if (!call) return { event: input, blocked: null, violations: [] };
  const version = protocolsOf(input).event_version;
  let event = input;
  const violations: ProtocolViolation[] = [];
  const omitted: string[] = [];
  const omittedOnViolation: string[] = [];
  const finish = (blocked: BlockReason | null): Enforced => ({
    event: withProtocols(event, { omitted, omittedOnViolation, violations, sourceId }),
    blocked,
    violations,
  });

  // Page and screen fall back to the rule for every page (empty key) when their name has none.
  const rule = plan.select(call.ruleType, call.key, version) ?? (call.key ? plan.select(call.ruleType, "", version) : undefined);
  const policy = policyFor(call.settings, settings);

  if (!rule && call.ruleType === "TRACK") {
    violations.push({ type: "Unplanned Event", field: "event", description: `Event "${String(input.event)}" is not planned in the tracking plan` });
    if (!policy.allowUnplannedEvents) return finish("Unplanned Event");
  }

  if (rule) {
    const planned = plan.planned(rule, call.section);
    const unplanned = Object.keys(sectionOf(event, call.section)).filter((name) => !planned.has(name));
    for (const name of unplanned) {
      violations.push({ type: "Unplanned Property", field: `${call.section}.${name}`, description: `${call.section}.${name} is not planned for this event` });
    }
    if (!policy.allowUnplanned && unplanned.length > 0) {
      event = omitNames(event, call.section, unplanned);
      omitted.push(...unplanned);
    }

    const found = plan.validator(rule)(event);
    violations.push(...found);
    if (found.length > 0) {
      if (!policy.allowEventOnViolations) return finish("Violations");
      if (!policy.allowOnViolations) {
        const names = offendingNames(found, call.section);
        event = omitNames(event, call.section, names);
        omittedOnViolation.push(...names);
      }
    }
  }

  const common = plan.select("COMMON", null, version);
  if (common) {
    const found = plan.validator(common)(event);
    violations.push(...found);
    if (found.length > 0 && policy.common === "BLOCK") return finish("Common Schema Violations");
    if (found.length > 0 && policy.common === "OMIT") {
      const names = offendingNames(found, call.section).filter((name) => !omittedOnViolation.includes(name));
      event = omitNames(event, call.section, names);
      omittedOnViolation.push(...names);
    }
  }
  return finish(null);
}

interface Policy {
  allowUnplannedEvents: boolean;
  allowUnplanned: boolean;
  allowEventOnViolations: boolean;
  allowOnViolations: boolean;
  common: "ALLOW" | "BLOCK" | "OMIT";
}

function policyFor(kind: CallRules["settings"], settings: SchemaSettings): Policy {
  if (kind === "track") {
    const track = settings.track;
    return {
      allowUnplannedEvents: track.allowUnplannedEvents,
      allowUnplanned: track.allowUnplannedEventProperties,
      allowEventOnViolations: track.allowEventOnViolations,
      allowOnViolations: track.allowPropertiesOnViolations,
      common: track.commonEventOnViolations === "OMIT_PROPERTIES" ? "OMIT" : track.commonEventOnViolations,
    };
  }
  if (kind === "record-only") {
    return { allowUnplannedEvents: true, allowUnplanned: true, allowEventOnViolations: true, allowOnViolations: true, common: "ALLOW" };
  }
  const traits = settings[kind];
  return {
    allowUnplannedEvents: true,
    allowUnplanned: traits.allowUnplannedTraits,
    allowEventOnViolations: true,
    allowOnViolations: traits.allowTraitsOnViolations,
    common: traits.commonEventOnViolations === "OMIT_TRAITS" ? "OMIT" : traits.commonEventOnViolations,
  };
}

/** Top-level names under the section that violations point at (`properties.products.0.price` → `products`). */
function offendingNames(violations: readonly ProtocolViolation[], section: string): string[] {
  const names = new Set<string>();
  for (const { field } of violations) {
    if (field.startsWith(`${section}.`)) names.add(field.slice(section.length + 1).split(".")[0]!);
  }
  return [...names];
}

function sectionOf(event: Record<string, unknown>, section: string): Record<string, unknown> {
  const value = event[section];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function omitNames(event: Record<string, unknown>, section: string, names: readonly string[]): Record<string, unknown> {
  if (names.length === 0) return event;
  const kept = { ...sectionOf(event, section) };
  for (const name of names) delete kept[name];
  return { ...event, [section]: kept };
}

function protocolsOf(event: Record<string, unknown>): Record<string, unknown> {
  const context = event.context;
  const protocols = typeof context === "object" && context !== null ? (context as Record<string, unknown>).protocols : undefined;
  return typeof protocols === "object" && protocols !== null ? (protocols as Record<string, unknown>) : {};
}

function withProtocols(
  event: Record<string, unknown>,
  report: { omitted: string[]; omittedOnViolation: string[]; violations: ProtocolViolation[]; sourceId: string },
): Record<string, unknown> {
  // Segment's payload lists JSON Schema violations only; an unplanned name shows as `omitted`
  // (or not at all when allowed). Every violation is still counted for the violations report.
  const schemaViolations = report.violations.filter((violation) => !violation.type.startsWith("Unplanned"));
  if (report.omitted.length === 0 && report.omittedOnViolation.length === 0 && schemaViolations.length === 0) return event;
  const protocols: Record<string, unknown> = { ...protocolsOf(event) };
  if (report.omitted.length > 0) protocols.omitted = report.omitted;
  if (report.omittedOnViolation.length > 0) protocols.omitted_on_violation = report.omittedOnViolation;
  if (schemaViolations.length > 0) protocols.violations = schemaViolations;
  protocols.sourceId = report.sourceId;
  const context = typeof event.context === "object" && event.context !== null ? (event.context as Record<string, unknown>) : {};
  return { ...event, context: { ...context, protocols } };
}
