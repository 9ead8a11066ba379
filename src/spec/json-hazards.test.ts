import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeJsonHazard, findJsonHazard, MAX_JSON_DEPTH } from "./json-hazards";

/** `value` inside `levels` arrays: `[[[value]]]`. */
const nestedIn = (levels: number, value: unknown): unknown => {
  let nested = value;
  for (let level = 0; level < levels; level += 1) nested = [nested];
  return nested;
};

/** How deep a value nests (a scalar is 0), recursively: the test's own, independent measure. */
const depthOf = (value: unknown): number =>
  typeof value !== "object" || value === null ? 0 : 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(depthOf));

const hasProtoKey = (value: unknown) => JSON.stringify(value)?.includes('"__proto__":') ?? false;

describe("findJsonHazard", () => {
  it("finds nothing in ordinary JSON, whatever its keys and values", () => {
    fc.assert(
      // fast-check's JSON values may carry an own __proto__ key (rarely): those are the next test's.
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(findJsonHazard(value)?.kind).toBe(hasProtoKey(value) ? "proto" : undefined);
      }),
    );
  });

  it("refuses containers nested past the limit and accepts them at the limit", () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }).filter((value) => !hasProtoKey(value)),
        fc.integer({ min: 0, max: MAX_JSON_DEPTH + 5 }),
        (inner, levels) => {
          const value = nestedIn(levels, inner);
          const hazard = findJsonHazard(value);
          if (depthOf(value) <= MAX_JSON_DEPTH) expect(hazard).toBeUndefined();
          else expect(hazard).toMatchObject({ kind: "depth", maxDepth: MAX_JSON_DEPTH });
        },
      ),
    );
  });

  it("measures 100,000 levels without overflowing the stack", () => {
    const text = `{"properties":{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    const hazard = findJsonHazard(JSON.parse(text));
    expect(hazard?.kind).toBe("depth");
    expect(describeJsonHazard(hazard!)).toEqual({
      field: "properties.a",
      message: `properties.a nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep: flatten it.`,
    });
  });

  it("names the path of a __proto__ key wherever JSON.parse put one", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 5 }).filter((key) => key !== "__proto__"),
            fc.constant("constructor"),
          ),
          { maxLength: 5 },
        ),
        (path) => {
          const text = path.reduceRight((inner, key) => `{${JSON.stringify(key)}:${inner}}`, `{"ok":1,"__proto__":{"polluted":true}}`);
          const hazard = findJsonHazard(JSON.parse(text));
          expect(hazard).toEqual({ kind: "proto", path: [...path, "__proto__"] });
          expect(describeJsonHazard(hazard!).field).toBe([...path, "__proto__"].join("."));
        },
      ),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps constructor and prototype as the data keys they are", () => {
    expect(findJsonHazard(JSON.parse('{"constructor":{"prototype":{"polluted":true}},"prototype":1}'))).toBeUndefined();
  });

  it("looks only at depth when asked to", () => {
    expect(findJsonHazard(JSON.parse('{"__proto__":1}'), MAX_JSON_DEPTH, true)).toBeUndefined();
    expect(findJsonHazard(nestedIn(MAX_JSON_DEPTH + 1, 1), MAX_JSON_DEPTH, true)?.kind).toBe("depth");
  });
});
