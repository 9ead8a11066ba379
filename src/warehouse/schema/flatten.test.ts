import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flattenToColumns } from "./flatten";
import { isValidWarehouseName } from "./naming";

const columnsOf = (value: Record<string, unknown>, prefix: string[] = []) => Object.fromEntries(flattenToColumns(value, prefix));

describe("flattenToColumns", () => {
  it("reproduces the docs' table of nested objects and arrays", () => {
    expect(columnsOf({ app: { version: "1.0.0" } }, ["context"])).toEqual({ context_app_version: "1.0.0" });
    expect(columnsOf({ address: { street: "6th Street" } })).toEqual({ address_street: "6th Street" });
    expect(columnsOf({ product_id: { sku: "G-32" } })).toEqual({ product_id_sku: "G-32" });
    expect(columnsOf({ product_id: ["507f1", "505bd"] })).toEqual({ product_id: '["507f1","505bd"]' });
  });

  it("stringifies arrays of objects whole and makes no column for null or empty objects", () => {
    expect(columnsOf({ items: [{ a: 1 }, null], gone: null, empty: {}, nested: { nothing: { at: null } } })).toEqual({ items: '[{"a":1},null]' });
  });

  it("keeps __proto__ and constructor as data and never touches a prototype", () => {
    const event = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "c", "toString": 1}') as Record<string, unknown>;
    expect(columnsOf(event)).toEqual({ proto_polluted: "yes", constructor: "c", to_string: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("names numeric, unicode and empty keys as go-snakecase does, dropping keys with nothing left", () => {
    expect(columnsOf({ "1": "one", "2nd": "two", 名前: "x", "": "empty", Größe: 3 })).toEqual({ _1: "one", _2nd: "two", gr_e: 3 });
  });

  it("flattens deep nesting into one long column, cut at the limit", () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 90; level++) deep = { [`level${level}`]: deep };
    const columns = flattenToColumns(deep);
    expect(columns.size).toBe(1);
    const [name] = [...columns.keys()];
    expect(name).toMatch(/^level89_level88_/);
    expect(name?.length).toBe(127);
  });

  it("keeps the first key path in code-unit order when two keys name one column, whatever the JSON's order", () => {
    expect(columnsOf({ fooBar: "camel", foo_bar: "snake" })).toEqual({ foo_bar: "camel" });
    expect(columnsOf({ foo_bar: "snake", fooBar: "camel" })).toEqual({ foo_bar: "camel" });
    expect(columnsOf({ a: { b: 1 }, a_b: 2 })).toEqual({ a_b: 1 });
  });

  it("drops non-finite numbers, which JSON cannot carry", () => {
    expect(columnsOf({ n: Number.NaN, i: Number.POSITIVE_INFINITY, ok: 1.5 })).toEqual({ ok: 1.5 });
  });

  it("gives valid column names, independent of key order", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (value) => {
        const forward = [...flattenToColumns(value)];
        const reversed = [...flattenToColumns(Object.fromEntries(Object.entries(value).reverse()))];
        for (const [name] of forward) expect(isValidWarehouseName(name)).toBe(true);
        expect(new Map(reversed)).toEqual(new Map(forward));
      }),
    );
  });
});
