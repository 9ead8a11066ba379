import { describe, expect, it } from "vitest";
import { validateInPlace, type Schema } from "./schema-validator";

/**
 * What ajv 8 (as @segment/actions-core configures it: `coerceTypes: "array"`) does to a one-element
 * array given for a non-array field. The expected values are ajv's own answers, recorded in Node
 * (ajv cannot run in Workers); the Braze identify with `firstName: ["Ada"]` in
 * test/e2e/actions-differential.test.ts is where Sluice and Segment first disagreed.
 */
function check(type: string | string[], value: unknown): { valid: boolean; value: unknown } {
  const data = { x: value };
  const schema: Schema = { type: "object", properties: { x: { type } } };
  const errors = validateInPlace(data, schema, {});
  return { valid: errors.length === 0, value: data.x };
}

describe("validateInPlace: unwrapping a one-element array as ajv does", () => {
  it("takes the item when the field has one type and the item is of it", () => {
    expect(check("string", ["Ada"])).toEqual({ valid: true, value: "Ada" });
    expect(check("number", [12])).toEqual({ valid: true, value: 12 });
  });

  it("refuses an item already of one of several types, since ajv tests it against all of them at once", () => {
    expect(check(["string", "null"], ["Ada"])).toEqual({ valid: false, value: ["Ada"] });
    expect(check(["boolean", "string", "null"], ["12"])).toEqual({ valid: false, value: ["12"] });
    expect(check(["integer", "number", "null"], [12])).toEqual({ valid: false, value: [12] });
  });

  it("coerces the item to the first type it converts to otherwise", () => {
    expect(check(["number", "null"], ["12"])).toEqual({ valid: true, value: 12 });
    expect(check(["string", "null"], [7])).toEqual({ valid: true, value: "7" });
    expect(check(["string", "null"], [null])).toEqual({ valid: true, value: "" });
    expect(check(["boolean", "string", "null"], [true])).toEqual({ valid: true, value: "true" });
    expect(check(["integer", "number", "null"], [null])).toEqual({ valid: true, value: 0 });
  });

  it("still leaves a value of one of the types alone when it is not wrapped", () => {
    expect(check(["string", "null"], "Ada")).toEqual({ valid: true, value: "Ada" });
    expect(check(["string", "null"], null)).toEqual({ valid: true, value: null });
  });
});
