import { describe, expect, it } from "vitest";
import { cachedLinearRegex, compileLinearRegex, MAX_PATTERN_LENGTH, MAX_PROGRAM_SIZE, type LinearRegex } from "./linear-regex";

function compiled(pattern: string): LinearRegex {
  const result = compileLinearRegex(pattern);
  if (!result.ok) throw new Error(`${pattern} ${result.reason}`);
  return result.regex;
}

const refusal = (pattern: string) => {
  const result = compileLinearRegex(pattern);
  return result.ok ? undefined : result.reason;
};

const VALUE_32_KB = 32 * 1024;

describe("compileLinearRegex", () => {
  it("accepts Segment's suggested pattern and ordinary blocked-value and plan patterns", () => {
    for (const pattern of [
      "^[0-]*$",
      "^test.*@example\\.com$",
      "^(void|abc123)$",
      "^\\s*null\\s*$",
      "^[a-f0-9]{32}$",
      "^(?:qa|dev)-user-\\d+$",
      "^\\p{L}+$",
      "^(?<prefix>tmp)_",
      "^a{2,5}?b",
      "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
      "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$",
      "",
    ]) {
      expect(refusal(pattern), pattern).toBeUndefined();
    }
  });

  it("accepts the shapes that backtrack catastrophically in JavaScript: RE2 runs them in linear time", () => {
    for (const pattern of ["(a+)+$", "^(a|a)*$", "(\\w+\\s?)*$", "^(a|ab)+$", "(x+x+)+y", ".*.*x", "^a*b*c*$"]) {
      expect(refusal(pattern), pattern).toBeUndefined();
    }
  });

  it("refuses backreferences and lookaround, saying why", () => {
    expect(refusal("(a)\\1")).toBe("uses a backreference (`\\1`), which linear-time matching cannot run; match the value without it");
    expect(refusal("(?<x>a)\\k<x>")).toMatch(/^uses a backreference \(`\\k`\)/);
    expect(refusal("(?=x)")).toBe("uses a lookahead (`(?=`), which linear-time matching cannot run");
    expect(refusal("a(?!b)")).toMatch(/^uses a lookahead \(`\(\?!`\)/);
    expect(refusal("(?<=x)a")).toMatch(/^uses a lookbehind \(`\(\?<=`\)/);
    expect(refusal("(?<!x)a")).toMatch(/^uses a lookbehind \(`\(\?<!`\)/);
  });

  it("refuses what is not JavaScript (u flag), and RE2's own syntax, which would mean something else", () => {
    expect(refusal("([a-z]")).toMatch(/^is not a valid regular expression/);
    expect(refusal("\\pL")).toMatch(/^is not a valid regular expression/);
    expect(refusal("(?i)abc")).toMatch(/^is not a valid regular expression/);
    expect(refusal("[[:alpha:]]")).toMatch(/^is not a valid regular expression/);
    expect(refusal("\\z")).toMatch(/^is not a valid regular expression/);
  });

  it("refuses Unicode properties RE2 does not have with the same members, and repeats past RE2's 1000", () => {
    expect(refusal("\\p{Letter}")).toMatch(/^uses the Unicode property `\\p\{Letter\}`, which is not supported; use a general category such as \\p\{L\}/);
    expect(refusal("\\p{Emoji}")).toMatch(/Unicode property `\\p\{Emoji\}`/);
    expect(refusal("\\p{C}")).toMatch(/Unicode property `\\p\{C\}`/);
    expect(refusal("\\p{Script=Grek}")).toMatch(/Unicode script RE2 does not know/);
    expect(refusal("a{1001}")).toBe("repeats something more than 1000 times, the most RE2 allows");
  });

  it("bounds the pattern's length and its compiled size", () => {
    expect(refusal("a".repeat(MAX_PATTERN_LENGTH + 1))).toBe(`is ${MAX_PATTERN_LENGTH + 1} characters long; patterns may have at most ${MAX_PATTERN_LENGTH}`);
    expect(refusal(".{1,255}")).toMatch(new RegExp(`^compiles to \\d+ instructions; at most ${MAX_PROGRAM_SIZE}`));
    expect(refusal("^[A-Za-z0-9_-]{1,64}$")).toBeUndefined();
  });

  it("keeps JavaScript's meaning where RE2's differs: \\s, ., empty classes, \\u escapes", () => {
    expect(compiled("^\\s+$").test(" \t\u00a0\u2028\ufeff\u3000")).toBe(true); // RE2's \s is ASCII only
    expect(compiled("^\\S$").test("\u00a0")).toBe(false);
    expect(compiled("^[^\\S\\n]+$").test(" \u00a0")).toBe(true);
    expect(compiled("^[^\\S\\n]+$").test(" \n")).toBe(false);
    expect(["a", "\n", "\r", "\u2028", "\u2029", "😀"].filter((value) => compiled("^.$").test(value))).toEqual(["a", "😀"]);
    expect(compiled("[]").test("a")).toBe(false);
    expect(compiled("^[^]$").test("\n")).toBe(true);
    expect(compiled("^\\u{1F600}\\uD83D\\uDE00\\u0041\\x41$").test("😀😀AA")).toBe(true);
    expect(compiled("^[\\b]\\0\\cJ\\v$").test("\b\0\n\v")).toBe(true);
    expect(compiled("^[a\\-z.]+$").test("-.az")).toBe(true);
    expect(compiled("^[a\\-z.]+$").test("b")).toBe(false);
    expect(compiled("^\\p{Script=Greek}+\\p{Nd}$").test("αβ7")).toBe(true);
    expect(compiled("\\bcat\\b").test("a cat!")).toBe(true);
    expect(compiled("\\w").test("é")).toBe(false); // ASCII in both
    expect(compiled("a$").test("a\n")).toBe(false); // end of input, not of line
  });

  it("answers right on a 32 KB value for patterns that would backtrack for minutes in JavaScript", () => {
    const as = "a".repeat(VALUE_32_KB);
    expect(compiled("^(a|a)*$").test(as)).toBe(true);
    expect(compiled("^(a|a)*$").test(`${as}!`)).toBe(false);
    expect(compiled("^(a+)+$").test(`${as}!`)).toBe(false);
    expect(compiled("(\\w+\\s?)*$").test(`${"ab ".repeat(VALUE_32_KB / 3)}!`)).toBe(true); // matches the empty string at the end
    expect(compiled("^(\\w+\\s?)*$").test(`${"ab ".repeat(VALUE_32_KB / 3)}!`)).toBe(false);
    expect(compiled("^(\\w+\\s?)*$").test("ab ".repeat(VALUE_32_KB / 3))).toBe(true);
    const ab = Array.from({ length: VALUE_32_KB }, (_, index) => ((index * 7919) % 13 < 6 ? "a" : "b")).join("");
    expect(compiled("[ab]*a[ab]{150}c").test(ab)).toBe(false);
    expect(compiled("[ab]*a[ab]{150}c").test(`${ab}c`)).toBe(ab.at(-151) === "a");
  });
});

describe("cachedLinearRegex", () => {
  it("compiles a pattern once and answers undefined for one it refuses", () => {
    expect(cachedLinearRegex("^x+$")).toBe(cachedLinearRegex("^x+$"));
    expect(cachedLinearRegex("^x+$")!.test("xx")).toBe(true);
    expect(cachedLinearRegex("(a)\\1")).toBeUndefined();
  });
});
