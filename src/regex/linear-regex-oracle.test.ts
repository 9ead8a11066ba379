import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileLinearRegex } from "./linear-regex";

/**
 * Differential test: generated patterns in the syntax both engines accept, run by re2js (through
 * the rewrite into RE2 syntax) and by workerd's own `RegExp` with the `u` flag, the engine the
 * patterns ran in before and whose meaning they keep. Inputs mix the characters where the two
 * engines' defaults differ: line terminators, Unicode spaces, astral and non-ASCII letters.
 */
const RUNS = 1500;

const CHARACTERS = ["a", "b", "A", "0", "7", "_", "-", ".", " ", "\t", "\n", "\r", "\u00a0", "\u2028", "\ufeff", "é", "α", "😀"];

const ATOMS = [
  ...["a", "b", "A", "0", "_", " ", "é", "α", "😀"],
  ...["\\.", "\\n", "\\r", "\\t", "\\u00a0", "\\u2028", "\\u{1F600}", "\\uD83D\\uDE00", "\\x41", "[\\0]"],
  ...["\\d", "\\D", "\\w", "\\W", "\\s", "\\S", ".", "\\p{L}", "\\P{L}", "\\p{Nd}", "\\p{Lu}", "\\p{Zs}", "\\p{Script=Greek}"],
  ...["[ab]", "[^a]", "[a-c]", "[^\\s]", "[\\s\\d]", "[\\S]", "[]", "[^]", "[-a]", "[a\\-]", "[\\w.]", "[^\\w\\n]", "[é😀]", "[\\u00a0-\\u2028]", "[\\b]"],
];
const ASSERTIONS = ["^", "$", "\\b", "\\B"];
const QUANTIFIERS = ["*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?", "??", "{1,2}?"];

type Node =
  | { kind: "atom" | "assertion"; text: string }
  | { kind: "quantified"; node: Node; quantifier: string }
  | { kind: "group"; group: "(" | "(?:" | "(?<>"; node: Node }
  | { kind: "concat" | "alternation"; nodes: Node[] };

const { node } = fc.letrec<{ node: Node; quantifiable: Node }>((tie) => ({
  quantifiable: fc.oneof(
    { arbitrary: fc.constantFrom(...ATOMS).map((text): Node => ({ kind: "atom", text })), weight: 4 },
    {
      arbitrary: fc.record({ kind: fc.constant("group" as const), group: fc.constantFrom("(" as const, "(?:" as const, "(?<>" as const), node: tie("node") }),
      weight: 1,
    },
  ),
  node: fc.oneof(
    { depthSize: "small" },
    { arbitrary: tie("quantifiable"), weight: 4 },
    { arbitrary: fc.constantFrom(...ASSERTIONS).map((text): Node => ({ kind: "assertion", text })), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant("quantified" as const), node: tie("quantifiable"), quantifier: fc.constantFrom(...QUANTIFIERS) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("concat" as const), nodes: fc.array(tie("node"), { minLength: 2, maxLength: 4 }) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant("alternation" as const), nodes: fc.array(tie("node"), { minLength: 2, maxLength: 3 }) }), weight: 1 },
  ),
}));

/** The pattern's text; named groups get distinct names, as JavaScript requires. */
function patternOf(root: Node): string {
  let names = 0;
  const write = (node: Node): string => {
    switch (node.kind) {
      case "atom":
      case "assertion":
        return node.text;
      case "quantified":
        return write(node.node) + node.quantifier;
      case "group":
        return `${node.group === "(?<>" ? `(?<g${(names += 1)}>` : node.group}${write(node.node)})`;
      case "concat":
        return node.nodes.map(write).join("");
      case "alternation":
        return node.nodes.map(write).join("|");
    }
  };
  return write(root);
}

const value = fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 10 }).map((characters) => characters.join(""));

describe("re2js against JavaScript's RegExp (u flag)", () => {
  it("answers test() alike on generated patterns and values", () => {
    let compared = 0;
    fc.assert(
      fc.property(node.map(patternOf), fc.array(value, { minLength: 1, maxLength: 8 }), (pattern, values) => {
        const native = new RegExp(pattern, "u"); // the generator writes only valid patterns
        const linear = compileLinearRegex(pattern);
        if (!linear.ok) {
          // Nested counted quantifiers can exceed the size cap; nothing else may be refused.
          expect(linear.reason).toMatch(/^compiles to \d+ instructions/);
          return;
        }
        for (const text of values) {
          // V8 also tries `\B` between the halves of a surrogate pair (`/\B/u.test("a😀a")`), where
          // ECMA-262 says a `u` search never stops; RE2 follows the spec.
          if (pattern.includes("\\B") && /[\u{10000}-\u{10FFFF}]/u.test(text)) continue;
          expect(linear.regex.test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(native.test(text));
        }
        compared += 1;
      }),
      { numRuns: RUNS },
    );
    // The comparison must have happened for most patterns, or this test proves nothing.
    expect(compared).toBeGreaterThan(RUNS * 0.9);
  });
});
