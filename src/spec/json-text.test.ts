import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringifyJson } from "./json-text";

describe("stringifyJson", () => {
  it("writes the same text as JSON.stringify for any parsed JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed: unknown = JSON.parse(JSON.stringify(value));
        expect(stringifyJson(parsed)).toBe(JSON.stringify(parsed));
      }),
    );
    const odd: unknown = JSON.parse('{"__proto__":{"a":[1,{"constructor":null}]},"":"\\ud800","x":[[],{}],"y":-0}');
    expect(stringifyJson(odd)).toBe(JSON.stringify(odd));
  });

  it("writes 200,000 levels, where JSON.stringify overflows workerd's stack", () => {
    const depth = 200_000;
    const text = `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    expect(stringifyJson(JSON.parse(text))).toBe(text);
  });
});
