/**
 * Guards for admin-supplied patterns: identity's blocked values (src/identity/identity-config.ts)
 * and tracking plans' JSON Schema patterns (src/protocols/check-rules.ts). Workers run
 * JavaScript's backtracking regex engine (no RE2), so a pattern like `(a+)+$` can spin for
 * minutes on one identifier and stall every event of the workspace behind it. There is no
 * timeout to fall back on, so the only protection is refusing dangerous shapes when the rules
 * are saved, and bounding the input (identifier values are at most `MAX_IDENTIFIER_VALUE_LENGTH`
 * characters, see src/identity/extract-identifiers.ts). With values that short, a pattern with no nested or repeated
 * quantified groups and no backreferences backtracks in the order of n^k steps for k unbounded
 * quantifiers, times every start position unless it is anchored with `^`. So two unbounded
 * quantifiers are allowed only in a pattern anchored at the start, one otherwise: at most about
 * n² ≈ 10⁶ steps, a millisecond (`.*.*x` unanchored on 1,000 characters takes ~250 ms).
 *
 * Patterns are compiled with the `u` flag: its stricter syntax rejects the legacy Annex B quirks
 * this scanner would otherwise have to understand.
 */
export const MAX_PATTERN_LENGTH = 200;
export const MAX_UNBOUNDED_QUANTIFIERS = 2;
export const MAX_UNBOUNDED_QUANTIFIERS_UNANCHORED = 1;
export const MAX_VARIABLE_QUANTIFIERS = 4;

interface GroupFrame {
  hasQuantifier: boolean;
  hasAlternation: boolean;
}

type LastToken = "none" | "atom" | GroupFrame;

const QUANTIFIER_BRACES = /^\{(\d+)(,(\d*))?\}/;

/** Returns why `pattern` is refused, or `undefined` when it is safe to run on identifier values. */
export function findUnsafePattern(pattern: string): string | undefined {
  if (pattern.length === 0) return "is empty";
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `is ${pattern.length} characters long; patterns may have at most ${MAX_PATTERN_LENGTH}`;
  }
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
  return scanForBacktrackingRisks(pattern);
}

function scanForBacktrackingRisks(pattern: string): string | undefined {
  const stack: GroupFrame[] = [{ hasQuantifier: false, hasAlternation: false }];
  let last: LastToken = "none";
  let unbounded = 0;
  let variable = 0;
  let topLevelAlternation = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const top = stack[stack.length - 1]!;
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") {
        return "uses a backreference, which can make matching exponentially slow; match the value without it";
      }
      i = skipEscape(pattern, i);
      last = "atom";
    } else if (c === "[") {
      i = skipClass(pattern, i);
      last = "atom";
    } else if (c === "(") {
      stack.push({ hasQuantifier: false, hasAlternation: false });
      i = skipGroupOpening(pattern, i);
      last = "none";
    } else if (c === ")") {
      const closed = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      parent.hasQuantifier ||= closed.hasQuantifier;
      parent.hasAlternation ||= closed.hasAlternation;
      i += 1;
      last = closed;
    } else if (c === "|") {
      top.hasAlternation = true;
      if (stack.length === 1) topLevelAlternation = true;
      i += 1;
      last = "none";
    } else {
      const quantifier = readQuantifier(pattern, i);
      if (!quantifier) {
        i += 1;
        last = "atom";
        continue;
      }
      i = quantifier.end;
      if (quantifier.max !== quantifier.min) variable += 1;
      if (quantifier.max === Infinity) unbounded += 1;
      if (typeof last === "object" && quantifier.max > 1) {
        if (last.hasQuantifier) {
          return "repeats a group that contains a quantifier (like `(a+)+`), which can make matching " + "exponentially slow; quantify the inner part only";
        }
        if (last.hasAlternation) {
          return (
            "repeats a group with alternatives (like `(a|ab)+`), which can make matching " +
            "exponentially slow; use a character class or add separate blocked values"
          );
        }
      }
      top.hasQuantifier = true;
      last = "none";
    }
  }
  if (unbounded > MAX_UNBOUNDED_QUANTIFIERS) {
    return `has ${unbounded} unbounded quantifiers (*, +, {n,}); at most ${MAX_UNBOUNDED_QUANTIFIERS} keep matching fast`;
  }
  const anchored = pattern.startsWith("^") && !topLevelAlternation;
  if (!anchored && unbounded > MAX_UNBOUNDED_QUANTIFIERS_UNANCHORED) {
    return `has ${unbounded} unbounded quantifiers (*, +, {n,}) without a leading ^; anchor it at the start or use one`;
  }
  if (variable > MAX_VARIABLE_QUANTIFIERS) {
    return `has ${variable} optional or variable quantifiers; at most ${MAX_VARIABLE_QUANTIFIERS} keep matching fast`;
  }
  return undefined;
}

function readQuantifier(pattern: string, i: number): { min: number; max: number; end: number } | undefined {
  const c = pattern[i];
  let quantifier: { min: number; max: number; end: number } | undefined;
  if (c === "*") quantifier = { min: 0, max: Infinity, end: i + 1 };
  else if (c === "+") quantifier = { min: 1, max: Infinity, end: i + 1 };
  else if (c === "?") quantifier = { min: 0, max: 1, end: i + 1 };
  else if (c === "{") {
    const braces = QUANTIFIER_BRACES.exec(pattern.slice(i));
    if (!braces) return undefined;
    const min = Number(braces[1]);
    const max = braces[2] === undefined ? min : braces[3] === "" ? Infinity : Number(braces[3]);
    quantifier = { min, max, end: i + braces[0].length };
  }
  if (quantifier && pattern[quantifier.end] === "?") quantifier.end += 1; // lazy: same shape
  return quantifier;
}

/** `\d`, `\u{1F600}`, `\p{L}`, `\x41`, `\u0041`, `\cA`. */
function skipEscape(pattern: string, i: number): number {
  const next = pattern[i + 1];
  if ((next === "u" || next === "p" || next === "P") && pattern[i + 2] === "{") return after(pattern, "}", i);
  if (next === "u") return i + 6;
  if (next === "x") return i + 4;
  if (next === "c") return i + 3;
  return i + 2;
}

/** With the `u` flag a class ends at the first unescaped `]`. */
function skipClass(pattern: string, i: number): number {
  let j = i + 1;
  while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
  return j + 1;
}

/** `(`, `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`. */
function skipGroupOpening(pattern: string, i: number): number {
  if (pattern[i + 1] !== "?") return i + 1;
  if (pattern[i + 2] === "<" && pattern[i + 3] !== "=" && pattern[i + 3] !== "!") {
    return after(pattern, ">", i);
  }
  return pattern[i + 2] === "<" ? i + 4 : i + 3;
}

/** Just past the next `char` (the pattern compiled, so it is there; the end of input otherwise). */
function after(pattern: string, char: string, from: number): number {
  const at = pattern.indexOf(char, from);
  return at < 0 ? pattern.length : at + 1;
}
