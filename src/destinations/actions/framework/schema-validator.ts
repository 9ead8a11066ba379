/**
 * A JSON Schema validator that runs in Workers (no `new Function`), for the schemas Segment's
 * framework builds from action and settings fields (`fieldsToJsonSchema`). It reproduces what the
 * framework's ajv instance does to a payload, because the payload it leaves is what the action
 * sends: `coerceTypes: "array"` (values coerced to the field's type, in place, even inside `if`
 * and `not`), `removeAdditional: true` (unknown keys removed where `additionalProperties` is
 * false), keywords in ajv's order (typeless keywords first, then per data type) and `anyOf`
 * stopping at its first valid branch. Errors are ajv-shaped and in ajv's order, for
 * `@segment/ajv-human-errors`.
 *
 * Not reproduced, because the framework's schemas never call for it: ajv stops `not` and `if`
 * subschemas at their first error (allErrors off), which could spare a later coercion, but in the
 * framework's the only keyword that can fail before a coercion is a `required` of the very field
 * that would be coerced; and ajv skips an `anyOf` with an always-valid branch and an `if` whose
 * `then` is always valid, which the framework never builds.
 *
 * test/e2e/actions-schema-validator.test.ts checks it against actions-core's ajv on every schema
 * of every bundled destination, and pins the surprising cases.
 */

export interface Schema {
  [keyword: string]: unknown;
}

export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message: string;
  schema: unknown;
  parentSchema: Schema;
  data: unknown;
}

export type FormatCheck = (value: string) => boolean;

/** Keywords the validator understands; the test checks that the bundled destinations' schemas use no other. */
export const SUPPORTED_KEYWORDS = new Set([
  "$schema",
  "title",
  "description",
  "default",
  "tsType",
  "type",
  "format",
  "enum",
  "const",
  "not",
  "anyOf",
  "allOf",
  "if",
  "then",
  "required",
  "additionalProperties",
  "properties",
  "items",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
]);

/**
 * ajv's variable for the value being validated. Subschemas at the same level (`not`, `anyOf`, `allOf`,
 * `if`, `then`) share it, so a coercion in one `anyOf` branch is what the next branch and the later
 * keywords see; a coercion is also written to the value's parent.
 */
interface Slot {
  value: unknown;
  parent?: Record<string, unknown> | unknown[];
  key?: string | number;
}

interface Context {
  errors: SchemaError[];
  formats: Readonly<Record<string, FormatCheck>>;
}

const COERCIBLE = new Set(["string", "number", "integer", "boolean", "null", "array"]);
/** Keywords of ajv's "object" group, which checks a lone `type: "object"` itself (after the typeless keywords). */
const OBJECT_KEYWORDS = ["required", "additionalProperties", "properties"];

/** ajv's type test (with its default `strictNumbers`: Infinity, which "Infinity" and "1e999" coerce to, is no number). */
function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return Number.isFinite(value);
    case "integer":
      return Number.isFinite(value) && !((value as number) % 1);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

/**
 * The test ajv applies to the element of an unwrapped `[x]` (dataType.ts, `checkDataTypes` in its
 * "correct" form): with several types it ANDs their checks, which no value passes (bar the
 * array-and-object case). So `["x"]` for `type: ["string", "null"]` is a type error and `[null]`
 * becomes "", while `["x"]` for `type: "string"` becomes "x".
 */
function matchesEveryType(types: string[], value: unknown): boolean {
  if (types.length === 1) return typeMatches(types[0]!, value);
  const rest = new Set(types);
  let matches = true;
  if (rest.has("array") && rest.has("object")) {
    matches = rest.has("null") ? typeof value !== "object" : !value || typeof value !== "object";
    for (const type of ["null", "array", "object"]) rest.delete(type);
  }
  if (rest.has("number")) rest.delete("integer");
  return matches && [...rest].every((type) => typeMatches(type, value));
}

/** ajv's coercion to one type, or undefined when the value does not coerce to it. */
function coerceTo(type: string, value: unknown): { value: unknown } | undefined {
  const kind = typeof value;
  switch (type) {
    case "string":
      if (kind === "number" || kind === "boolean") return { value: String(value) };
      if (value === null) return { value: "" };
      return undefined;
    case "number":
    case "integer": {
      // ajv's test for a string is `data && data == +data`: any but "" that Number() reads, so "1e3",
      // " 7 ", "0x10" and "Infinity" coerce (and " " to 0).
      const numeric = kind === "boolean" || value === null || (kind === "string" && value !== "" && !Number.isNaN(Number(value)));
      const number = Number(value);
      return numeric && !(type === "integer" && number % 1) ? { value: number } : undefined;
    }
    case "boolean":
      if (value === "false" || value === 0 || value === null) return { value: false };
      if (value === "true" || value === 1) return { value: true };
      return undefined;
    case "null":
      return value === "" || value === 0 || value === false ? { value: null } : undefined;
    case "array":
      return kind === "string" || kind === "number" || kind === "boolean" || value === null ? { value: [value] } : undefined;
    default:
      return undefined;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, index) => deepEqual(item, (b as unknown[])[index]));
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

const escapePointer = (key: string | number) => String(key).replaceAll("~", "~0").replaceAll("/", "~1");

/** Validates `data` against `schema`, coercing and removing in place as ajv would; answers the errors. */
export function validateInPlace(data: unknown, schema: Schema, formats: Readonly<Record<string, FormatCheck>>): SchemaError[] {
  const context: Context = { errors: [], formats };
  validate({ value: data }, schema, "", "#", context);
  return context.errors;
}

/** ajv's coercion of the slot's value to one of `types` (dataType.ts, `coerceData`); answers whether it coerced. */
function coerce(slot: Slot, types: string[]): boolean {
  const coercible = types.filter((type) => COERCIBLE.has(type));
  if (coercible.length === 0) return false;
  let coerced: { value: unknown } | undefined;
  if (Array.isArray(slot.value) && slot.value.length === 1) {
    // ajv unwraps its variable even when nothing coerces afterwards: the later keywords and the type error see the element.
    slot.value = slot.value[0];
    if (matchesEveryType(types, slot.value)) coerced = { value: slot.value };
  }
  for (const type of coercible) coerced ??= coerceTo(type, slot.value);
  if (!coerced) return false;
  slot.value = coerced.value;
  if (slot.parent) (slot.parent as Record<string | number, unknown>)[slot.key!] = coerced.value;
  return true;
}

/** Answers whether the slot's value is valid; errors are appended to `context.errors`. */
function validate(slot: Slot, schema: Schema | boolean, path: string, schemaPath: string, context: Context): boolean {
  if (schema === true) return true;
  if (schema === false) {
    context.errors.push({
      keyword: "false schema",
      instancePath: path,
      schemaPath,
      params: {},
      message: "boolean schema is false",
      schema: false,
      parentSchema: {},
      data: slot.value,
    });
    return false;
  }
  const before = context.errors.length;
  const fail = (keyword: string, params: Record<string, unknown>, message: string) =>
    context.errors.push({
      keyword,
      instancePath: path,
      schemaPath: `${schemaPath}/${keyword}`,
      params,
      message,
      schema: schema[keyword],
      parentSchema: schema,
      data: slot.value,
    });
  const failType = () => fail("type", { type: schema.type }, `must be ${types.join(",")}`);
  const sameLevel = (sub: unknown, keyword: string, into: Context = context) => validate(slot, sub as Schema, path, `${schemaPath}/${keyword}`, into);

  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]);
  // A lone "object" cannot be coerced to: ajv checks it with the object keywords, after the typeless ones.
  const typeCheckedWithObjectKeywords = types.length === 1 && types[0] === "object" && OBJECT_KEYWORDS.some((keyword) => schema[keyword] !== undefined);
  if (types.length > 0 && !typeCheckedWithObjectKeywords && !types.some((type) => typeMatches(type, slot.value)) && !coerce(slot, types)) failType();

  // Typeless keywords, in ajv's order.
  if ("const" in schema && !deepEqual(slot.value, schema.const)) fail("const", { allowedValue: schema.const }, "must be equal to constant");
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => deepEqual(slot.value, allowed))) {
    fail("enum", { allowedValues: schema.enum }, "must be equal to one of the allowed values");
  }
  if (schema.not !== undefined && sameLevel(schema.not, "not", { ...context, errors: [] })) fail("not", {}, "must NOT be valid");
  if (Array.isArray(schema.anyOf)) {
    const branchErrors: SchemaError[] = [];
    let valid = false;
    for (const [index, branch] of schema.anyOf.entries()) {
      const scratch: Context = { ...context, errors: [] };
      valid = sameLevel(branch, `anyOf/${index}`, scratch);
      if (valid) break;
      branchErrors.push(...scratch.errors);
    }
    if (!valid) {
      context.errors.push(...branchErrors);
      fail("anyOf", {}, "must match a schema in anyOf");
    }
  }
  if (Array.isArray(schema.allOf)) for (const [index, part] of schema.allOf.entries()) sameLevel(part, `allOf/${index}`);
  if (schema.if !== undefined && schema.then !== undefined && sameLevel(schema.if, "if", { ...context, errors: [] })) {
    if (!sameLevel(schema.then, "then")) fail("if", { failingKeyword: "then" }, 'must match "then" schema');
  }

  // Keywords per data type, in ajv's order: number, string, array, object.
  const data = slot.value;
  if (typeof data === "number" && Number.isFinite(data)) {
    if (typeof schema.maximum === "number" && data > schema.maximum)
      fail("maximum", { comparison: "<=", limit: schema.maximum }, `must be <= ${schema.maximum}`);
    if (typeof schema.minimum === "number" && data < schema.minimum)
      fail("minimum", { comparison: ">=", limit: schema.minimum }, `must be >= ${schema.minimum}`);
  }
  if (typeof data === "string") {
    const length = [...data].length;
    if (typeof schema.maxLength === "number" && length > schema.maxLength)
      fail("maxLength", { limit: schema.maxLength }, `must NOT have more than ${schema.maxLength} characters`);
    if (typeof schema.minLength === "number" && length < schema.minLength)
      fail("minLength", { limit: schema.minLength }, `must NOT have fewer than ${schema.minLength} characters`);
    if (typeof schema.format === "string") {
      const check = context.formats[schema.format];
      if (!check) throw new Error(`unknown format "${schema.format}"`);
      if (!check(data)) fail("format", { format: schema.format }, `must match format "${schema.format}"`);
    }
  }
  if (Array.isArray(data) && typeof schema.items === "object" && schema.items !== null && !Array.isArray(schema.items)) {
    for (let index = 0; index < data.length; index += 1) {
      validate({ value: data[index], parent: data, key: index }, schema.items as Schema, `${path}/${index}`, `${schemaPath}/items`, context);
    }
  }
  if (typeMatches("object", data)) {
    const object = data as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (object[name] === undefined) fail("required", { missingProperty: name }, `must have required property '${name}'`);
    }
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    if (schema.additionalProperties === false) {
      for (const key of Object.keys(object)) if (!Object.hasOwn(properties, key)) delete object[key];
    }
    for (const [name, propertySchema] of Object.entries(properties)) {
      if (object[name] === undefined) continue;
      const pointer = escapePointer(name);
      const schemaPointer = `${schemaPath}/properties/${encodeURIComponent(pointer)}`;
      validate({ value: object[name], parent: object, key: name }, propertySchema, `${path}/${pointer}`, schemaPointer, context);
    }
  } else if (typeCheckedWithObjectKeywords) {
    failType();
  }
  return context.errors.length === before;
}
