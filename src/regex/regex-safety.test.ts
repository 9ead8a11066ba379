import { describe, expect, it } from "vitest";
import { findUnsafePattern, MAX_PATTERN_LENGTH } from "./regex-safety";

describe("findUnsafePattern", () => {
  it("accepts Segment's suggested pattern and ordinary blocked-value patterns", () => {
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
    ]) {
      expect(findUnsafePattern(pattern), pattern).toBeUndefined();
    }
  });

  it("refuses what does not compile, empty and overlong patterns", () => {
    expect(findUnsafePattern("([a-z]")).toMatch(/not a valid regular expression/);
    expect(findUnsafePattern("")).toBe("is empty");
    expect(findUnsafePattern("a".repeat(MAX_PATTERN_LENGTH + 1))).toMatch(/at most 200/);
  });

  it("refuses nested quantifiers, the classic catastrophic backtracking shapes", () => {
    for (const pattern of ["(a+)+$", "^(a*)*b", "(x+x+)+y", "^(\\d+){2,}$", "((ab)*c)+", "(?:[a-z]+\\.)*com"]) {
      expect(findUnsafePattern(pattern), pattern).toMatch(/repeats a group that contains a quantifier/);
    }
  });

  it("refuses repeated alternation and backreferences", () => {
    expect(findUnsafePattern("^(a|ab)+$")).toMatch(/repeats a group with alternatives/);
    expect(findUnsafePattern("^(a|b){3}$")).toMatch(/repeats a group with alternatives/);
    expect(findUnsafePattern("(a)\\1")).toMatch(/backreference/);
    expect(findUnsafePattern("(?<x>a)\\k<x>")).toMatch(/backreference/);
  });

  it("allows an optional group but bounds how many variable quantifiers a pattern has", () => {
    expect(findUnsafePattern("^(ab+)?c$")).toBeUndefined();
    expect(findUnsafePattern("^a*b*c*$")).toMatch(/3 unbounded quantifiers/);
    expect(findUnsafePattern("^a?b?c?d?e?$")).toMatch(/5 optional or variable quantifiers/);
  });

  it("allows a second unbounded quantifier only when the pattern is anchored at the start", () => {
    expect(findUnsafePattern("^\\s*null\\s*$")).toBeUndefined();
    expect(findUnsafePattern(".*.*x")).toMatch(/2 unbounded quantifiers .* without a leading \^/);
    expect(findUnsafePattern("^a*b|c*d")).toMatch(/without a leading \^/);
    expect(findUnsafePattern("^(a|b)x*y*$")).toBeUndefined();
    expect(findUnsafePattern("test.*$")).toBeUndefined();
  });

  it("does not mistake quantifier characters inside classes or escapes for quantifiers", () => {
    expect(findUnsafePattern("^([*+?])+$")).toBeUndefined();
    expect(findUnsafePattern("^(\\+\\*)+$")).toBeUndefined();
    expect(findUnsafePattern("^(\\u{1F600})+$")).toBeUndefined();
  });
});
