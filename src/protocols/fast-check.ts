import { z } from "zod";

/**
 * A quicker yes for the common case, a valid event: zod's `fromJSONSchema` turns a plan's JSON
 * Schema into a zod schema (no `eval`: in Workers zod runs jitless), about three times faster
 * than walking the JSON Schema per event. It is used only as "valid → no violations": an event it
 * rejects goes to the full JSON Schema validator, which also words the violations. So it must
 * never accept what JSON Schema rejects, and it is only built for schemas whose every keyword
 * means exactly the same in both (no formats, patterns or string lengths, whose rules differ
 * between the two; no references or combinators). Anything else gets no fast path.
 */
const SAME_MEANING = new Set([
  "$schema",
  "$comment",
  "title",
  "description",
  "default",
  "examples",
  "type",
  "properties",
  "required",
  "items",
  "enum",
  "const",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "additionalProperties",
]);

const ANNOTATIONS = new Set(["$schema", "$comment", "title", "description", "default", "examples"]);

export function fastValidator(schema: Record<string, unknown>): ((event: unknown) => boolean) | undefined {
  if (!usesOnlySameMeaningKeywords(schema)) return undefined;
  try {
    // A plan rule is usually `{type: "object", properties: {properties: {…}}}`: checking the
    // named sections directly spares zod copying every other field of the event (its objects
    // keep unknown keys), which is most of the work on a large event.
    const sections = sectionsOnly(schema);
    if (sections) {
      const checks = Object.entries(sections).map(([key, sub]) => [key, compile(sub)] as const);
      return (event) =>
        typeof event === "object" &&
        event !== null &&
        !Array.isArray(event) &&
        checks.every(([key, check]) => (event as Record<string, unknown>)[key] === undefined || check((event as Record<string, unknown>)[key]));
    }
    return compile(schema);
  } catch {
    return undefined;
  }
}

function compile(schema: unknown): (value: unknown) => boolean {
  const compiled = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  return (value) => compiled.safeParse(value).success;
}

/** The `properties` of a schema that says nothing else about the object, else undefined. */
function sectionsOnly(schema: Record<string, unknown>): Record<string, unknown> | undefined {
  const onlyObjectAndProperties = Object.keys(schema).every((keyword) => ANNOTATIONS.has(keyword) || keyword === "type" || keyword === "properties");
  if (!onlyObjectAndProperties || schema.type !== "object") return undefined;
  const properties = schema.properties;
  return typeof properties === "object" && properties !== null && !Array.isArray(properties) ? (properties as Record<string, unknown>) : undefined;
}

/**
 * JSON Schema applies `properties`, `items` or `minimum` to values of their type whatever `type`
 * says, but zod's `fromJSONSchema` ignores them when `type` is absent (`{properties: {total:
 * {type: "number"}}}` accepted `{total: "12"}`): such keywords are the same only beside the
 * `type` they belong to.
 */
const KEYWORD_TYPES: Readonly<Record<string, readonly string[]>> = {
  properties: ["object"],
  required: ["object"],
  additionalProperties: ["object"],
  items: ["array"],
  minItems: ["array"],
  maxItems: ["array"],
  minimum: ["number", "integer"],
  maximum: ["number", "integer"],
  exclusiveMinimum: ["number", "integer"],
  exclusiveMaximum: ["number", "integer"],
};

function usesOnlySameMeaningKeywords(schema: unknown): boolean {
  if (typeof schema === "boolean") return true;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return false;
  const record = schema as Record<string, unknown>;
  for (const keyword of Object.keys(record)) {
    const types = KEYWORD_TYPES[keyword];
    if (types && !(typeof record.type === "string" && types.includes(record.type))) return false;
  }
  // zod enforces `required` only for names it has a schema for (found by this file's tests).
  if (record.required !== undefined) {
    const declared = typeof record.properties === "object" && record.properties !== null ? record.properties : {};
    if (!Array.isArray(record.required) || !record.required.every((name) => typeof name === "string" && Object.hasOwn(declared, name))) return false;
  }
  for (const [keyword, value] of Object.entries(record)) {
    if (!SAME_MEANING.has(keyword)) return false;
    switch (keyword) {
      case "properties":
        if (typeof value !== "object" || value === null || !Object.values(value).every(usesOnlySameMeaningKeywords)) return false;
        break;
      case "items":
      case "additionalProperties":
        if (!usesOnlySameMeaningKeywords(value)) return false;
        break;
      case "enum":
        // JSON Schema compares objects and arrays deeply; keep to primitives.
        if (!Array.isArray(value) || !value.every((item) => item === null || typeof item !== "object")) return false;
        break;
      case "const":
        if (value !== null && typeof value === "object") return false;
        break;
      case "minimum":
      case "maximum":
      case "exclusiveMinimum":
      case "exclusiveMaximum":
      case "minItems":
      case "maxItems":
        // Draft-04's boolean exclusiveMinimum and other odd values: leave them to the full validator.
        if (typeof value !== "number") return false;
        break;
    }
  }
  return true;
}
