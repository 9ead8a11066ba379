import { Validator, type Schema } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { fastValidator } from "./fast-check";

const section = (properties: object, required: string[] = []) => ({ type: "object", properties: { properties: { type: "object", properties, required } } });

describe("fastValidator", () => {
  it("is built only for schemas whose keywords mean the same in zod and JSON Schema", () => {
    expect(fastValidator(section({ id: { type: "integer", minimum: 1 }, plan: { enum: ["a", "b"] } }, ["id"]))).toBeTypeOf("function");
    expect(fastValidator(section({ email: { type: "string", format: "email" } }))).toBeUndefined();
    expect(fastValidator(section({ code: { type: "string", pattern: "^A" } }))).toBeUndefined();
    expect(fastValidator(section({ name: { type: "string", minLength: 2 } }))).toBeUndefined();
    expect(fastValidator({ allOf: [{ required: ["userId"] }] })).toBeUndefined();
    expect(fastValidator(section({ tags: { enum: [["a"]] } }))).toBeUndefined();
    // zod ignores a required name it has no property schema for.
    expect(fastValidator({ type: "object", required: ["userId"] })).toBeUndefined();
    expect(fastValidator(section({ n: { type: "number", minimum: 1, exclusiveMinimum: true } }))).toBeUndefined();
    // Without the `type` they belong to, zod ignores properties, items and bounds; JSON Schema does not.
    expect(fastValidator({ properties: { properties: { type: "object", properties: { total: { type: "number" } }, required: ["total"] } } })).toBeUndefined();
    expect(fastValidator(section({ n: { minimum: 1 } }))).toBeUndefined();
    expect(fastValidator(section({ tags: { items: { type: "string" } } }))).toBeUndefined();
  });

  it("never accepts what the JSON Schema validator rejects", () => {
    const schema = section(
      {
        id: { type: "integer", minimum: 1 },
        price: { type: "number", exclusiveMaximum: 100 },
        plan: { enum: ["free", "pro", null] },
        tags: { type: "array", items: { type: "string" }, maxItems: 2 },
        nested: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false },
        maybe: { type: ["string", "null"] },
      },
      ["id"],
    );
    const fast = fastValidator(schema)!;
    const full = new Validator(schema as Schema, "7", true);
    const samples = [
      { id: 1, price: 5, plan: "pro", tags: ["a"], nested: { ok: true }, maybe: null },
      { id: 1.5 },
      { id: 0 },
      { id: "1" },
      { id: 2, price: 100 },
      { id: 2, plan: "gold" },
      { id: 2, plan: null },
      { id: 2, tags: ["a", "b", "c"] },
      { id: 2, tags: [1] },
      { id: 2, nested: { ok: true, extra: 1 } },
      { id: 2, nested: {} },
      { id: 2, maybe: 3 },
      { price: 1 },
      {},
      undefined,
      "not an object",
      [1],
    ];
    for (const properties of samples as unknown[]) {
      const event = properties === undefined ? { type: "track" } : { type: "track", properties };
      expect({ properties, fast: fast(event), full: full.validate(event).valid }).toEqual({
        properties,
        fast: full.validate(event).valid,
        full: full.validate(event).valid,
      });
    }
  });
});
