import { describe, expect, it } from "vitest";
import { checkPlanRules } from "./check-rules";
import { compileEventSchema } from "./json-schema-violations";
import { patternsIn, withLinearPatterns } from "./linear-patterns";
import type { PlanRule } from "./tracking-plan";

const HOSTILE = "(a|a)*$"; // minutes of backtracking in JavaScript on a long run of a's and a `!`
const longRun = `${"a".repeat(32 * 1024)}!`;

const rule = (jsonSchema: Record<string, unknown>): PlanRule => ({ type: "TRACK", key: "Signed Up", version: 1, jsonSchema });

describe("withLinearPatterns", () => {
  it("runs a property's pattern in RE2 and words its violation as Segment's", () => {
    const validate = compileEventSchema({ properties: { properties: { properties: { code: { pattern: `^${HOSTILE}` } } } } });
    expect(validate({ properties: { code: longRun } })).toEqual([
      { type: "Invalid Value", field: "properties.code", description: `Does not match pattern '^${HOSTILE}'` },
    ]);
    expect(validate({ properties: { code: "a".repeat(32 * 1024) } })).toEqual([]);
    expect(validate({ properties: { code: 12 } })).toEqual([]); // patterns apply to strings only
  });

  it("applies patterns where the validator looks: not, anyOf, definitions through $ref, items, propertyNames, beside a format", () => {
    const validate = compileEventSchema({
      definitions: { sku: { type: "string", pattern: "^SKU-\\d+$" } },
      properties: {
        sku: { $ref: "#/definitions/sku" },
        notTest: { not: { pattern: "^test" } },
        either: { anyOf: [{ pattern: "^a" }, { pattern: "^b" }] },
        tags: { items: { pattern: "^[a-z]+$" } },
        names: { propertyNames: { pattern: "^[a-z_]+$" } },
        email: { format: "email", pattern: "@example\\.com$" },
      },
    });
    expect(validate({ sku: "SKU-12", notTest: "prod", either: "beta", tags: ["x", "y"], names: { a_b: 1 }, email: "me@example.com" })).toEqual([]);
    const violations = validate({ sku: "sku-12", notTest: "test-1", either: "c", tags: ["x", "Y"], names: { "A-B": 1 }, email: "me@example.org" });
    expect([...new Set(violations.map((violation) => violation.field))].sort()).toEqual(["either", "email", "names", "names.A-B", "notTest", "sku", "tags.1"]);
    expect(violations).toContainEqual({ type: "Invalid Value", field: "sku", description: "Does not match pattern '^SKU-\\d+$'" });
    expect(violations).toContainEqual({ type: "Invalid Value", field: "email", description: "Does not match pattern '@example\\.com$'" });
  });

  it("does not enforce a saved pattern RE2 refuses (only a plan saved before RE2 can hold one), so none backtracks", () => {
    const lookbehind = "(?<!a)(a|a)*$"; // refused by RE2; natively minutes on a long run of a's and a `!`
    const validate = compileEventSchema({ properties: { properties: { properties: { code: { pattern: lookbehind }, sku: { pattern: "^SKU" } } } } });
    expect(validate({ properties: { code: longRun, sku: "SKU-1" } })).toEqual([]);
    expect(validate({ properties: { code: longRun, sku: "sku-1" } })).toEqual([
      { type: "Invalid Value", field: "properties.sku", description: "Does not match pattern '^SKU'" },
    ]);
  });

  it("leaves the input unchanged and a property named `pattern` alone", () => {
    const schema = { properties: { pattern: { type: "string" }, code: { pattern: "^x" } }, enum: [{ pattern: "kept" }] };
    const before = structuredClone(schema);
    const rewritten = withLinearPatterns(schema);
    expect(schema).toEqual(before);
    expect(rewritten).toMatchObject({
      properties: { pattern: { type: "string" }, code: { format: expect.stringContaining("^x") as string } },
      enum: [{ pattern: "kept" }],
    });
    expect((rewritten.properties as { code: object }).code).not.toHaveProperty("pattern");
  });
});

describe("patternsIn and checkPlanRules", () => {
  it("finds patterns only where the validator runs them, with their paths", () => {
    const found = [...patternsIn({ properties: { a: { pattern: "x" }, pattern: { type: "string" } }, anyOf: [{ pattern: "y" }], default: { pattern: "z" } })];
    expect(found.map(({ path, pattern }) => [path, pattern])).toEqual([
      [".properties.a.pattern", "x"],
      [".anyOf.0.pattern", "y"],
    ]);
  });

  it("accepts what RE2 runs, including shapes that backtrack in JavaScript, and names each pattern it refuses", () => {
    expect(checkPlanRules([rule({ properties: { properties: { properties: { code: { pattern: "(a+)+$" } } } } })])).toEqual([]);
    expect(
      checkPlanRules([
        rule({ properties: { properties: { properties: { code: { pattern: "^(\\w)\\1$" }, ref: { pattern: "^(?=x)" }, n: { pattern: 5 } } } } }),
      ]),
    ).toEqual([
      'rules.0.jsonSchema.properties.properties.properties.code.pattern: the pattern "^(\\\\w)\\\\1$" uses a backreference (`\\1`), which linear-time matching cannot run; match the value without it.',
      'rules.0.jsonSchema.properties.properties.properties.ref.pattern: the pattern "^(?=x)" uses a lookahead (`(?=`), which linear-time matching cannot run.',
      "rules.0.jsonSchema.properties.properties.properties.n.pattern: a pattern must be a string.",
    ]);
  });

  it("refuses patternProperties, whose patterns the validator would run natively", () => {
    expect(checkPlanRules([rule({ properties: { properties: { patternProperties: { "^x_": { type: "string" } } } } })])).toEqual([
      'rules.0.jsonSchema.properties.properties.patternProperties: patternProperties ("^x_") is not supported, as its patterns cannot run in linear time; list the properties, or constrain their names with propertyNames and a pattern.',
    ]);
  });
});
