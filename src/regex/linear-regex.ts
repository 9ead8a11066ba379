import { RE2JS, RE2JSException, RE2JSSyntaxException } from "re2js";
import { translateToRe2 } from "./js-to-re2";

/**
 * Admin-supplied patterns (identity's blocked values, tracking plans' JSON Schema patterns) run
 * on every event, on values up to 32 KB, and Workers give a stuck regex no timeout. So they run
 * in re2js, a pure-JS port of RE2: time proportional to value length × the pattern's compiled
 * size, never backtracking. Patterns are written in JavaScript's syntax (the `u` flag's, as JSON
 * Schema says) and keep its meaning (js-to-re2.ts); what RE2 cannot run (backreferences,
 * lookaround) is refused when saved, with the reason.
 *
 * The compiled size is capped: RE2's worst case (its DFA overflowing, which a pattern like
 * `[ab]*a[ab]{150}$` forces) costs in the order of a millisecond per 32 KB per instruction
 * in re2js (`npm run bench`, section plan). Ordinary patterns are far below the cap (a UUID is
 * 40, an ISO timestamp 39); counted repetition is what inflates it (`.{1,255}` is 513), and
 * `maxLength` says that better.
 */
export const MAX_PATTERN_LENGTH = 1000;
export const MAX_PROGRAM_SIZE = 200;

export interface LinearRegex {
  readonly pattern: string;
  /** Whether the pattern matches anywhere in `value`, as `RegExp.prototype.test` answers. */
  test(value: string): boolean;
}

export type CompiledPattern = { ok: true; regex: LinearRegex } | { ok: false; reason: string };

/** Compiles `pattern`, or says why it is refused (a phrase to follow "the pattern …"). */
export function compileLinearRegex(pattern: string): CompiledPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `is ${pattern.length} characters long; patterns may have at most ${MAX_PATTERN_LENGTH}` };
  }
  try {
    new RegExp(pattern, "u");
  } catch (error) {
    return { ok: false, reason: `is not a valid regular expression (${(error as Error).message})` };
  }
  const translated = translateToRe2(pattern);
  if (!translated.ok) return translated;
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(translated.source);
  } catch (error) {
    if (error instanceof RE2JSException) return { ok: false, reason: describeRe2Refusal(error) };
    throw error;
  }
  const size = re2.programSize();
  if (size > MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      reason:
        `compiles to ${size} instructions; at most ${MAX_PROGRAM_SIZE} keep matching fast on long values ` +
        "(counted repetition like `{1,100}` adds one per count: use `+` with `maxLength` instead)",
    };
  }
  return { ok: true, regex: { pattern, test: (value) => re2.test(value) } };
}

function describeRe2Refusal(error: RE2JSException): string {
  const detail = error instanceof RE2JSSyntaxException ? error.getDescription() : error.message;
  if (detail === "invalid repeat count") return "repeats something more than 1000 times, the most RE2 allows";
  if (detail === "invalid character class range") return "names a Unicode script RE2 does not know; use its full name, like \\p{Script=Greek}";
  return `is not supported by RE2 (${detail})`;
}

/**
 * Compiling costs a few hundred microseconds, so patterns stay compiled, but each keeps RE2's
 * DFA cache, which a pattern whose DFA blows up fills to 8 MB on long varied values: the bound
 * keeps the total below an isolate's memory in all but contrived cases.
 */
const CACHE_SIZE = 256;
const cache = new Map<string, LinearRegex | null>();

/**
 * The compiled pattern, built once per isolate (patterns are reused on every event), or
 * `undefined` for a pattern `compileLinearRegex` refuses, which only one saved before patterns
 * had to run in RE2 can be.
 */
export function cachedLinearRegex(pattern: string): LinearRegex | undefined {
  let regex = cache.get(pattern);
  if (regex === undefined) {
    const compiled = compileLinearRegex(pattern);
    regex = compiled.ok ? compiled.regex : null;
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(pattern, regex);
  }
  return regex ?? undefined;
}

const warned = new Set<string>();

/** Logs once per isolate that a saved pattern is not enforced, so the operator can see why. */
export function warnUnenforced(pattern: string): void {
  if (warned.has(pattern)) return;
  warned.add(pattern);
  console.warn(
    `sluice: the saved pattern ${JSON.stringify(pattern)} cannot run in linear time (RE2) and is not enforced; save its plan or identity rules again to fix it`,
  );
}
