import { format, ignoredKeyword, schemaArrayKeyword, schemaMapKeyword } from "@cfworker/json-schema";
import { cachedLinearRegex, warnUnenforced } from "../regex/linear-regex";
import { isPlainObject } from "../spec/validate-event";

/**
 * Tracking plans' `pattern`s in RE2 (src/regex/linear-regex.ts). @cfworker/json-schema runs
 * `pattern` as `new RegExp(pattern, "u")` and offers no hook for it; its one extension point is
 * its table of formats. So a plan's schema is rewritten before it is compiled: each `pattern`
 * becomes a format named after it, registered to run it in re2js (in `allOf` when the subschema
 * has a format of its own). The validator then applies it exactly where it applied `pattern`
 * (strings only, through `$ref`, `not`, `anyOf`), and `patternOfFormat` turns its errors back
 * into pattern violations.
 *
 * `patternProperties` cannot be rewritten so (its patterns select keys, not values), so plans
 * may not use it (check-rules.ts); in a plan saved before that, it still runs natively, on
 * property names only.
 */
const FORMAT_PREFIX = "sluice-pattern:";

/** The schema with every `pattern` run by RE2; the input is not changed. */
export function withLinearPatterns(schema: Record<string, unknown>): Record<string, unknown> {
  return rewrite(schema) as Record<string, unknown>;
}

/** The pattern a format written by `withLinearPatterns` stands for. */
export function patternOfFormat(name: unknown): string | undefined {
  return typeof name === "string" && name.startsWith(FORMAT_PREFIX) ? name.slice(FORMAT_PREFIX.length) : undefined;
}

export interface PatternAt {
  /** Dotted, from the schema's root: `.properties.properties.properties.sku.pattern`. */
  path: string;
  keyword: "pattern" | "patternProperties";
  pattern: unknown;
}

/** Every pattern the validator would run, found where it looks for subschemas (its `dereference`). */
export function* patternsIn(schema: unknown, path = ""): Generator<PatternAt> {
  if (!isPlainObject(schema)) return;
  if (schema.pattern !== undefined) yield { path: `${path}.pattern`, keyword: "pattern", pattern: schema.pattern };
  if (isPlainObject(schema.patternProperties)) {
    for (const pattern of Object.keys(schema.patternProperties)) yield { path: `${path}.patternProperties`, keyword: "patternProperties", pattern };
  }
  for (const [keyword, value] of Object.entries(schema)) {
    for (const [at, child] of subschemas(keyword, value)) yield* patternsIn(child, `${path}.${keyword}${at}`);
  }
}

function rewrite(schema: unknown): unknown {
  if (!isPlainObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ignoredKeyword[keyword]) out[keyword] = value;
    else if (Array.isArray(value)) out[keyword] = schemaArrayKeyword[keyword] ? value.map(rewrite) : value;
    else if (schemaMapKeyword[keyword] && isPlainObject(value))
      out[keyword] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, rewrite(child)]));
    else out[keyword] = rewrite(value);
  }
  const source = schema.pattern;
  if (typeof source !== "string" || (out.allOf !== undefined && !Array.isArray(out.allOf))) return out;
  if (!cachedLinearRegex(source)) {
    // Only a plan saved before patterns had to run in RE2 can hold one RE2 refuses. Run natively it
    // could backtrack for minutes on a 32 KB value, so it is not enforced until the plan is saved
    // again (the admin API then says why it is refused).
    warnUnenforced(source);
    delete out.pattern;
    return out;
  }
  const name = FORMAT_PREFIX + source;
  // Through the cache, so the table holds a name per pattern, not its compiled state.
  format[name] ??= (value) => cachedLinearRegex(source)!.test(value);
  delete out.pattern;
  if (out.format === undefined) out.format = name;
  else out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), { format: name }];
  return out;
}

/** Where the validator finds subschemas under `keyword`, as `[".name" or ".0", subschema]`. */
function subschemas(keyword: string, value: unknown): [string, unknown][] {
  if (ignoredKeyword[keyword]) return [];
  if (Array.isArray(value)) return schemaArrayKeyword[keyword] ? value.map((child, index) => [`.${index}`, child]) : [];
  if (schemaMapKeyword[keyword] && isPlainObject(value)) return Object.entries(value).map(([name, child]) => [`.${name}`, child]);
  return [["", value]];
}
