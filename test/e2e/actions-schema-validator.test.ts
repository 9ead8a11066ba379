import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultSlugs } from "../../scripts/build-actions.mjs";
import { SUPPORTED_KEYWORDS, validateInPlace, type Schema } from "../../src/destinations/actions/framework/schema-validator";
import { FORMATS, validateSchema } from "../../src/destinations/actions/framework/validate-schema";

/**
 * The Worker validates action payloads and settings with src/destinations/actions/framework's
 * interpreter instead of ajv, and what validation leaves behind (coerced, pruned) is what the
 * action sends. So every schema Segment's framework builds for a bundled destination is run
 * through both, on generated payloads full of the wrong types mappings produce, and they must
 * agree on validity, on the payload left behind and on the errors.
 *
 * The reference is actions-core's own schema-validation module (its ajv instance, options,
 * formats and arrifyFields), not a copy of its configuration. It keeps of ajv's errors only what
 * its AggregateAjvError keeps, which is what a user reads: so errors are compared as that list
 * (pointer, path, message: keyword, params and field title), in order.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Fields = Record<string, unknown>;
type ValidateSchema = (obj: Record<string, unknown>, schema: Schema, options?: { throwIfInvalid?: boolean }) => boolean;

interface DestinationDefinition {
  name: string;
  authentication?: { fields?: Fields };
  actions: Record<string, { title: string; fields?: Fields; hooks?: Record<string, { inputFields?: Fields } | undefined> }>;
  audienceFields?: Fields;
}

const require = createRequire(import.meta.url);
const { fieldsToJsonSchema } = require("@segment/actions-core") as { fieldsToJsonSchema: (fields: Fields) => Schema };
const actionsCore = require("@segment/actions-core/schema-validation") as { validateSchema: ValidateSchema };

interface NamedSchema {
  slug: string;
  /** `<destination>:settings`, `<destination>:<action title>` (actions-core's schema keys), `…:<hook>`, `…:audience`. */
  name: string;
  schema: Schema;
}

/** Every schema actions-core builds for a destination: in its Destination and Action constructors, and for audiences. */
function schemasOf(slug: string): NamedSchema[] {
  const destination = (require(`@segment/action-destinations/dist/destinations/${slug}`) as { default: DestinationDefinition }).default;
  const schemas: NamedSchema[] = [];
  const add = (name: string, fields: Fields | undefined) => {
    if (fields) schemas.push({ slug, name: `${destination.name}:${name}`, schema: fieldsToJsonSchema(fields) });
  };
  add("settings", destination.authentication?.fields);
  for (const action of Object.values(destination.actions)) {
    if (Object.keys(action.fields ?? {}).length > 0) add(action.title, action.fields);
    for (const [hook, definition] of Object.entries(action.hooks ?? {})) add(`${action.title}:${hook}`, definition?.inputFields);
  }
  add("audience", destination.audienceFields);
  return schemas;
}

const SLUGS = defaultSlugs();
const SCHEMAS = SLUGS.flatMap(schemasOf);

/** The schema and every schema inside it, with its JSON pointer. */
function* walk(schema: Schema, pointer = "#"): Generator<[string, Schema]> {
  yield [pointer, schema];
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) yield* walk(property, `${pointer}/properties/${name}`);
  for (const keyword of ["items", "not", "if", "then"]) {
    const sub = schema[keyword];
    if (typeof sub === "object" && sub !== null && !Array.isArray(sub)) yield* walk(sub as Schema, `${pointer}/${keyword}`);
  }
  for (const keyword of ["anyOf", "allOf"]) {
    for (const [index, sub] of ((schema[keyword] ?? []) as Schema[]).entries()) yield* walk(sub, `${pointer}/${keyword}/${index}`);
  }
}

describe("the schemas of the bundled destinations", () => {
  it("use only the keywords, formats and keyword shapes the interpreter supports", () => {
    expect(SLUGS.length).toBeGreaterThan(150);
    expect(SCHEMAS.length).toBeGreaterThan(700);
    const unsupported: string[] = [];
    for (const { name, schema } of SCHEMAS) {
      for (const [pointer, sub] of walk(schema)) {
        const where = `${name} ${pointer}`;
        for (const keyword of Object.keys(sub)) if (!SUPPORTED_KEYWORDS.has(keyword)) unsupported.push(`${where}: keyword ${keyword}`);
        if (sub.format !== undefined && !Object.hasOwn(FORMATS, sub.format as string)) unsupported.push(`${where}: format ${JSON.stringify(sub.format)}`);
        // The interpreter applies `additionalProperties: false` and a single `items` schema, nothing else.
        if (sub.additionalProperties !== undefined && typeof sub.additionalProperties !== "boolean") unsupported.push(`${where}: additionalProperties schema`);
        if (Array.isArray(sub.items)) unsupported.push(`${where}: items array`);
      }
    }
    expect(unsupported).toEqual([]);
  });
});

// Payloads: the schema's shape, with the wrong types mappings produce mixed in ("wild"), or the
// schema's shape alone ("tame"), so that valid payloads and their `then` branches are covered too.

type Mode = "wild" | "tame";

const ISO_DATES = ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.678+02:00"];
const UNIX_DATES = ["1700000000", 1700000000, "1700000000000", 1700000000000];
const LOOSE_DATES = ["2024-02-29", "2023-02-29", "2024-01-02 03:04:05", "2024-01-02T03:04:05", "01/02/2024", "Jan 2, 2024"];
const BAD_DATES = ["yesterday", "2024-13-45T99:00:00Z"];

/** Samples of each format ajv checks: valid ones, and ones that are not (or only to some parsers). */
const FORMAT_SAMPLES: Record<string, { valid: Json[]; invalid: Json[] }> = {
  email: { valid: ["ada@example.com"], invalid: ["ada@", "not an email"] },
  uri: { valid: ["https://example.com/a?b=c", "mailto:ada@example.com"], invalid: ["example.com", "not a uri", "http://"] },
  "uri-reference": { valid: ["/relative/path", "https://example.com"], invalid: ["\\bad"] },
  ipv4: { valid: ["192.168.0.1"], invalid: ["256.1.1.1", "01.02.03.04", "::1"] },
  uuid: { valid: ["123e4567-e89b-12d3-a456-426614174000"], invalid: ["urn:uuid:123e4567-e89b-12d3-a456-426614174000", "123e4567"] },
  hostname: { valid: ["example.com"], invalid: ["-bad-.com", `${"a".repeat(64)}.com`] },
  "date-time": { valid: ISO_DATES, invalid: [...LOOSE_DATES, ...UNIX_DATES, ...BAD_DATES] },
  date: { valid: ["2024-02-29"], invalid: [...ISO_DATES, ...LOOSE_DATES, ...BAD_DATES] },
  "date-like": { valid: [...ISO_DATES, ...UNIX_DATES], invalid: [...LOOSE_DATES, ...BAD_DATES] },
};

/** Scalars a mapping produces where another type is expected: ajv coerces many of them. */
const SCALARS: Json[] = [null, "", 0, 1, -1, 1.5, "0", "1", "-1", "1.5", " 7 ", "1e3", "0x10", "Infinity", "abc", "true", "false", true, false, "null"];

const UNKNOWN_KEYS = ["extra", "unknownKey", "nested", "id"];

const typesOf = (schema: Schema): string[] => (schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]));

/** Values the schema compares against (conditions' `const`, a few `enum` choices): matching one changes which branches apply. */
function constantsOf(schema: Schema): Json[] {
  const values = new Set<Json>();
  for (const [, sub] of walk(schema)) {
    if ("const" in sub) values.add(sub.const as Json);
    for (const choice of ((sub.enum ?? []) as Json[]).slice(0, 3)) values.add(choice);
  }
  return [...values].slice(0, 24);
}

function valueArbitrary(schema: Schema, constants: Json[], depth: number, mode: Mode): fc.Arbitrary<Json> {
  const typed = typedArbitrary(schema, constants, depth, mode);
  if (mode === "tame") return typed;
  const noise = fc.constantFrom<Json>(...SCALARS, ...constants, ...ISO_DATES, ...UNIX_DATES.slice(0, 2), ...BAD_DATES);
  const options: fc.WeightedArbitrary<Json>[] = [
    { weight: 6, arbitrary: typed },
    { weight: 3, arbitrary: noise },
    { weight: 1, arbitrary: typed.map((value) => [value]) },
  ];
  if (depth < 2) {
    options.push({ weight: 1, arbitrary: fc.array(noise, { maxLength: 3 }) });
    options.push({ weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...UNKNOWN_KEYS), noise, { maxKeys: 2 }) });
  }
  return fc.oneof(...options);
}

function typedArbitrary(schema: Schema, constants: Json[], depth: number, mode: Mode): fc.Arbitrary<Json> {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const choices = fc.constantFrom(...(schema.enum as Json[]));
    return mode === "tame" ? choices : fc.oneof({ weight: 3, arbitrary: choices }, { weight: 1, arbitrary: anyTypeArbitrary(schema, constants, depth, mode) });
  }
  return anyTypeArbitrary(schema, constants, depth, mode);
}

function anyTypeArbitrary(schema: Schema, constants: Json[], depth: number, mode: Mode): fc.Arbitrary<Json> {
  const types = typesOf(schema);
  if (types.length === 0) return fc.constantFrom<Json>(...SCALARS);
  return fc.oneof(...types.map((type) => arbitraryOfType(type, schema, constants, depth, mode)));
}

function arbitraryOfType(type: string, schema: Schema, constants: Json[], depth: number, mode: Mode): fc.Arbitrary<Json> {
  switch (type) {
    case "string": {
      const formatSamples = FORMAT_SAMPLES[schema.format as string];
      if (formatSamples) return fc.constantFrom(...formatSamples.valid, ...(mode === "wild" ? formatSamples.invalid : []));
      const { minLength, maxLength } = schema as { minLength?: number; maxLength?: number };
      const length = fc.string({ minLength: minLength ?? 0, maxLength: Math.min(maxLength ?? 8, Math.max(minLength ?? 0, 8)) });
      if (mode === "tame") return length;
      const limits = [minLength, maxLength].filter((limit) => limit !== undefined);
      const edges = limits.flatMap((limit) => ["x".repeat(Math.max(limit - 1, 0)), "x".repeat(limit), "x".repeat(limit + 1), "😀".repeat(limit)]);
      return edges.length > 0 ? fc.oneof(length, fc.constantFrom(...edges)) : length;
    }
    case "number":
    case "integer": {
      const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
      const inRange =
        type === "integer"
          ? fc.integer({ min: minimum ?? -1000, max: maximum ?? 1000 })
          : fc.double({ noNaN: true, min: minimum ?? -1e6, max: maximum ?? 1e6 });
      if (mode === "tame") return inRange;
      const edges = [minimum, maximum].filter((limit) => limit !== undefined).flatMap((limit) => [limit - 1, limit + 1, String(limit + 1), limit + 0.5]);
      return edges.length > 0 ? fc.oneof(inRange, fc.integer(), fc.constantFrom(...edges)) : fc.oneof(inRange, fc.integer());
    }
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(schema.items ? valueArbitrary(schema.items as Schema, constants, depth + 1, mode) : fc.constantFrom<Json>(...SCALARS), { maxLength: 3 });
    case "object":
      return objectArbitrary(schema, constants, depth + 1, mode);
    default:
      throw new Error(`no generator for type ${type}`);
  }
}

/** An object of the schema's properties: all of them when tame; when wild, the required ones usually, others maybe, and unknown keys. */
function objectArbitrary(schema: Schema, constants: Json[], depth: number, mode: Mode): fc.Arbitrary<Json> {
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const model = Object.fromEntries(properties.map(([name, property]) => [name, valueArbitrary(property, constants, depth, mode)]));
  if (mode === "tame") return fc.record(model);
  const required = ((schema.required ?? []) as string[]).filter((name) => Object.hasOwn(model, name));
  const known = fc.oneof(
    { weight: 3, arbitrary: fc.record(model, { requiredKeys: required }) },
    { weight: 1, arbitrary: fc.record(model, { requiredKeys: [] }) },
  );
  const unknown = depth < 3 ? fc.dictionary(fc.constantFrom(...UNKNOWN_KEYS), valueArbitrary({}, constants, depth + 1, mode), { maxKeys: 2 }) : fc.constant({});
  return fc.tuple(unknown, known).map(([extra, values]) => ({ ...extra, ...values }));
}

function payloadArbitrary(schema: Schema): fc.Arbitrary<Json> {
  const constants = constantsOf(schema);
  return fc.oneof(
    { weight: 3, arbitrary: objectArbitrary(schema, constants, 0, "wild") },
    { weight: 1, arbitrary: objectArbitrary(schema, constants, 0, "tame") },
  );
}

// Running both validators.

interface Outcome {
  valid: boolean;
  payload: unknown;
  errors: unknown[];
}

/**
 * What a validateSchema answers for a copy of the payload (`throwIfInvalid: false`) and leaves of
 * it, and what it throws for another copy (as actions execute: the default `throwIfInvalid`).
 */
function outcomeOf(validate: ValidateSchema, payload: Json, schema: Schema): Outcome {
  const copy = structuredClone(payload) as Record<string, unknown>;
  const valid = validate(copy, schema, { throwIfInvalid: false });
  let errors: unknown[] = [];
  try {
    validate(structuredClone(payload) as Record<string, unknown>, schema);
  } catch (error) {
    if (!(error instanceof Error) || error.name !== "AggregateAjvError") throw error;
    errors = (error as Error & { toJSON(): unknown[] }).toJSON();
  }
  return { valid, payload: copy, errors };
}

/** ~32,000 payloads over ~800 schemas in about ten seconds. */
const RUNS_PER_SCHEMA = 40;

describe("the interpreter against actions-core's ajv, on every bundled schema", () => {
  it.each(SLUGS)("%s: same validity, same payload left behind, same errors in the same order", (slug) => {
    let accepted = 0;
    for (const { name, schema } of SCHEMAS.filter((entry) => entry.slug === slug)) {
      fc.assert(
        fc.property(payloadArbitrary(schema), (payload) => {
          const expected = outcomeOf(actionsCore.validateSchema, payload, schema);
          expect({ name, ...outcomeOf(validateSchema, payload, schema) }).toStrictEqual({ name, ...expected });
          if (expected.valid) accepted += 1;
        }),
        { numRuns: RUNS_PER_SCHEMA },
      );
    }
    // Accepted payloads were compared too, not only rejections (which some destinations' loose schemas never make).
    expect(accepted).toBeGreaterThan(0);
  });
});

describe("ajv's quirks, pinned", () => {
  const conditional = fieldsToJsonSchema({
    nullable: { label: "Nullable", type: "string", allowNull: true },
    plain: { label: "Plain", type: "string" },
    // Required when the other is empty: the `if` tests `{ type: "null" }` on it, which coerces.
    needsNullable: { label: "Needs nullable", type: "string", required: { conditions: [{ fieldKey: "nullable", operator: "is", value: undefined }] } },
    needsPlain: { label: "Needs plain", type: "string", required: { conditions: [{ fieldKey: "plain", operator: "is", value: undefined }] } },
  });
  const scalars = fieldsToJsonSchema({
    name: { label: "Name", type: "string" },
    count: { label: "Count", type: "number" },
    capped: { label: "Capped", type: "number", maximum: 10 },
    whole: { label: "Whole", type: "integer" },
    active: { label: "Active", type: "boolean" },
    nullable: { label: "Nullable", type: "string", allowNull: true },
    when: { label: "When", type: "datetime" },
    tags: { label: "Tags", type: "string", multiple: true },
  });
  const nested = fieldsToJsonSchema({
    traits: { label: "Traits", type: "object", properties: { email: { label: "Email", type: "string" } } },
    open: { label: "Open", type: "object", additionalProperties: true, properties: { email: { label: "Email", type: "string" } } },
    free: { label: "Free", type: "object" },
    products: { label: "Products", type: "object", multiple: true, properties: { sku: { label: "SKU", type: "string" } } },
  });
  // Not the framework's (it builds no anyOf of types), but ajv's rule all the same.
  const union: Schema = {
    type: "object",
    properties: { first: { anyOf: [{ type: "string" }, { type: "number" }] }, shared: { anyOf: [{ type: "integer", minimum: 10 }, { type: "string" }] } },
  };

  const cases: { name: string; schema: Schema; payload: Json; valid: boolean; left: Json }[] = [
    {
      name: 'an `if` branch testing `type: "null"` coerces "" to null, and the field keeps it',
      schema: conditional,
      payload: { nullable: "", needsNullable: "x", plain: "p" },
      valid: true,
      left: { nullable: null, needsNullable: "x", plain: "p" },
    },
    {
      name: '…and 0 or false become null there, then "" for a string field (not "0", "false")',
      schema: conditional,
      payload: { nullable: 0, plain: false, needsNullable: "x", needsPlain: "y" },
      valid: true,
      left: { nullable: null, plain: "", needsNullable: "x", needsPlain: "y" },
    },
    {
      name: "[x] is unwrapped to x for one scalar type, and coerced on the way",
      schema: scalars,
      payload: { name: ["Ada"], count: ["5"], whole: [true], active: ["true"], tags: "solo" },
      valid: true,
      left: { name: "Ada", count: 5, whole: 1, active: true, tags: ["solo"] },
    },
    {
      name: '[x] for several types is unwrapped only to be coerced: [null] becomes "", a date in an array is rejected',
      schema: scalars,
      payload: { nullable: [null], when: ["2024-01-02"] },
      valid: false,
      left: { nullable: "", when: ["2024-01-02"] },
    },
    {
      name: "[x] for several types: a numeric string becomes a number",
      schema: scalars,
      payload: { nullable: [7], when: ["1700000000"] },
      valid: true,
      left: { nullable: "7", when: 1700000000 },
    },
    {
      name: "numeric strings become numbers, as `data == +data` has it",
      schema: scalars,
      payload: { count: " 7 ", whole: "1e3", name: 1.5, active: 0 },
      valid: true,
      left: { count: 7, whole: 1000, name: "1.5", active: false },
    },
    {
      name: "…hexadecimal and Infinity included, though Infinity is then no number to `maximum`",
      schema: scalars,
      payload: { count: "0x10", whole: "Infinity", capped: "1e999" },
      valid: true,
      left: { count: 16, whole: Infinity, capped: Infinity },
    },
    {
      name: '…but not "", nor a fraction for an integer; and "" is no boolean',
      schema: scalars,
      payload: { count: "", whole: "1.5", active: "" },
      valid: false,
      left: { count: "", whole: "1.5", active: "" },
    },
    {
      name: "unknown keys go, at the root and in objects with properties, unless they allow more",
      schema: nested,
      payload: {
        extra: 1,
        traits: { email: "a@b.c", age: 3 },
        open: { email: "o", kept: true },
        free: { any: { thing: 1 } },
        products: [{ sku: "s", price: 2 }, { sku: 5 }],
      },
      valid: true,
      left: { traits: { email: "a@b.c" }, open: { email: "o", kept: true }, free: { any: { thing: 1 } }, products: [{ sku: "s" }, { sku: "5" }] },
    },
    {
      name: "anyOf stops at the first branch that passes, coercing for it",
      schema: union,
      payload: { first: 5 },
      valid: true,
      left: { first: "5" },
    },
    {
      name: 'anyOf branches share the value: the next branch sees what a failing one coerced (true → 1 → "1", not "true")',
      schema: union,
      payload: { shared: true },
      valid: true,
      left: { shared: "1" },
    },
    {
      name: "a value passing the first branch keeps that branch's coercion",
      schema: union,
      payload: { shared: "12" },
      valid: true,
      left: { shared: 12 },
    },
  ];

  for (const { name, schema, payload, valid, left } of cases) {
    it(name, () => {
      const expected = outcomeOf(actionsCore.validateSchema, payload, schema);
      expect({ valid: expected.valid, left: expected.payload }).toStrictEqual({ valid, left });
      expect(outcomeOf(validateSchema, payload, schema)).toStrictEqual(expected);
    });
  }

  it("reports a lone object type after the keywords without a type, as ajv orders its errors", () => {
    const schema: Schema = { type: "object", properties: { o: { title: "O", type: "object", properties: {}, enum: [{}] } } };
    const expected = outcomeOf(actionsCore.validateSchema, { o: "x" }, schema);
    expect(expected.errors).toEqual([
      { path: "$.o", pointer: "/o", message: "O must be one of: {}." },
      { path: "$.o", pointer: "/o", message: "O must be an object but it was a string." },
    ]);
    expect(outcomeOf(validateSchema, { o: "x" }, schema)).toStrictEqual(expected);
  });

  it("refuses a number format (ajv applies int32, float… to numbers only) rather than apply it to strings", () => {
    const schema: Schema = { type: "object", properties: { v: { type: ["string", "number"], format: "int32" } } };
    expect(actionsCore.validateSchema({ v: "1.5" }, schema, { throwIfInvalid: false })).toBe(true);
    expect(() => validateSchema({ v: "1.5" }, schema)).toThrow('unknown format "int32"');
  });

  it("gives a type error ajv's params (the schema's type, a list for several) and paths (the schema's URI-encoded)", () => {
    const [error] = validateInPlace({ "a b/c": {} }, { type: "object", properties: { "a b/c": { type: ["string", "null"] } } }, FORMATS);
    expect(error).toMatchObject({
      keyword: "type",
      instancePath: "/a b~1c",
      schemaPath: "#/properties/a%20b~1c/type",
      params: { type: ["string", "null"] },
      message: "must be string,null",
    });
  });
});
