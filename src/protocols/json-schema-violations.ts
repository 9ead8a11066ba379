import { Validator, type OutputUnit } from "@cfworker/json-schema";
import { fastValidator } from "./fast-check";
import { patternOfFormat, withLinearPatterns } from "./linear-patterns";

/**
 * JSON Schema validation (draft-07, @cfworker/json-schema: no `eval`, so it runs in Workers) with
 * results in Segment's violation shape: `{type, field, description}`, `field` a dotted path into
 * the event (`properties.subscription_id`, `(root)` for the event itself) and descriptions worded
 * as Segment's ("Invalid type. Expected: integer, given: number").
 */

export type ViolationType = "Required" | "Invalid Type" | "Invalid Value" | "Unplanned Property" | "Unplanned Event";

export interface ProtocolViolation {
  type: ViolationType;
  field: string;
  description: string;
}

/** Keywords that only say a child failed; the child's own error is the violation. */
const CASCADES = new Set(["properties", "items", "additionalItems", "patternProperties", "allOf", "$ref", "if", "then", "else", "false"]);

export type EventValidator = (event: unknown) => ProtocolViolation[];

export function compileEventSchema(schema: Record<string, unknown>): EventValidator {
  // Most events are valid: a quick pass answers them (fast-check.ts where the schema allows it);
  // only an invalid event pays for the pass that collects and words every error.
  // Patterns run in RE2 (linear-patterns.ts); violations are read against the rewritten schema.
  const linear = withLinearPatterns(schema);
  const check = new Validator(linear, "7", true);
  const isValid = fastValidator(schema) ?? ((event: unknown) => check.validate(event).valid);
  const validator = new Validator(linear, "7", false);
  return (event) => {
    if (isValid(event)) return [];
    const { valid, errors } = validator.validate(event);
    if (valid) return [];
    const violations: ProtocolViolation[] = [];
    const seen = new Set<string>();
    for (const error of errors) {
      if (CASCADES.has(error.keyword)) continue;
      const violation = toViolation(error, linear, event);
      const id = `${violation.type}\u0000${violation.field}\u0000${violation.description}`;
      if (seen.has(id)) continue;
      violations.push(violation);
      seen.add(id);
    }
    return violations;
  };
}

function toViolation(error: OutputUnit, schema: unknown, event: unknown): ProtocolViolation {
  const at = pointerSegments(error.instanceLocation);
  const field = at.length === 0 ? "(root)" : at.join(".");
  const keywordValue = resolve(schema, pointerSegments(error.keywordLocation));
  switch (error.keyword) {
    case "type": {
      const expected = (Array.isArray(keywordValue) ? keywordValue : [keywordValue]).join(", ");
      return { type: "Invalid Type", field, description: `Invalid type. Expected: ${expected}, given: ${jsonTypeOf(resolve(event, at))}` };
    }
    case "required": {
      const name = /required property "(.*)"/.exec(error.error)?.[1] ?? "";
      const missing = field === "(root)" ? name : `${field}.${name}`;
      return { type: "Required", field: missing, description: `${missing} is required` };
    }
    default:
      return { type: "Invalid Value", field, description: describe(error, field, keywordValue, at) };
  }
}

/** Segment's wording, where its docs show it (they follow gojsonschema's messages). */
function describe(error: OutputUnit, field: string, expected: unknown, at: string[]): string {
  // The format's name is in the error too, which matters where `expected` is not found (through `$ref`).
  const pattern = error.keyword === "format" ? patternOfFormat(expected ?? /^String does not match format "(.*)"\.$/s.exec(error.error)?.[1]) : undefined;
  if (pattern !== undefined) return `Does not match pattern '${pattern}'`;
  switch (error.keyword) {
    case "enum":
      return `${field} must be one of the following: ${(expected as unknown[]).map((value) => JSON.stringify(value)).join(", ")}`;
    case "const":
      return `${field} does not match: ${JSON.stringify(expected)}`;
    case "pattern":
      return `Does not match pattern '${String(expected)}'`;
    case "format":
      return `Does not match format '${String(expected)}'`;
    case "minimum":
      return `Must be greater than or equal to ${String(expected)}`;
    case "maximum":
      return `Must be less than or equal to ${String(expected)}`;
    case "exclusiveMinimum":
      return `Must be greater than ${String(expected)}`;
    case "exclusiveMaximum":
      return `Must be less than ${String(expected)}`;
    case "minLength":
      return `String length must be greater than or equal to ${String(expected)}`;
    case "maxLength":
      return `String length must be less than or equal to ${String(expected)}`;
    case "minItems":
      return `Array must have at least ${String(expected)} items`;
    case "maxItems":
      return `Array must have at most ${String(expected)} items`;
    case "additionalProperties": {
      const name = /Property "(.*)" does not match/.exec(error.error)?.[1];
      return name ? `Additional property ${name} is not allowed` : error.error;
    }
    case "anyOf":
      return "Must validate at least one schema (anyOf)";
    case "oneOf":
      return "Must validate one and only one schema (oneOf)";
    case "not":
      return "Must not validate the schema (not)";
    default:
      return `${at.length === 0 ? "(root)" : field}: ${error.error}`;
  }
}

/** JSON Schema's type names, as Segment reports the given type (a whole number is `integer`). */
export function jsonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** `#/properties/a~1b%20c` → `["properties", "a/b c"]`. */
function pointerSegments(pointer: string): string[] {
  return pointer
    .replace(/^#\/?/, "")
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~"));
}

function resolve(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
