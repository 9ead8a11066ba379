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

export function fastValidator(schema: Record<string, unknown>): ((event: unknown) => boolean) | undefined {
  if (!usesOnlySameMeaningKeywords(schema)) return undefined;
  try {
    const compiled = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    return (event) => compiled.safeParse(event).success;
  } catch {
    return undefined;
  }
}

function usesOnlySameMeaningKeywords(schema: unknown): boolean {
  if (typeof schema === "boolean") return true;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return false;
  const record = schema as Record<string, unknown>;
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
