/**
 * Segment's glob for FQL's `match()` (https://segment.com/docs/api/public-api/fql/), matched
 * without regexes: patterns come from filter admins and texts from anyone who sends an event.
 */

/** A pattern is a list of `*` and single-character tests. */
export type GlobToken = "*" | ((char: string) => boolean);

/**
 * Characters a pattern may hold between two stars. Matching costs the text's length times this
 * run (see matchesGlob), and the text is anyone's (up to 32 KB): 64 keeps it near 10 ms.
 */
export const MAX_GLOB_RUN = 64;

/**
 * Segment's glob: `*`, `?`, `[abc]`, `[a-z]`, `[^a-z]`, `\x`, case-sensitive, and `*` crosses
 * `/` (unlike a file-system glob). Undefined for a malformed pattern, which Segment's Go glob
 * rejects: an unclosed or empty `[`, a `-` or `]` where a class expects a character, a
 * trailing `\`. Characters are code points, so `?` matches one emoji.
 */
export function compileGlob(pattern: string): GlobToken[] | undefined {
  const chars = Array.from(pattern);
  const tokens: GlobToken[] = [];
  let i = 0;
  const classChar = (): number | undefined => {
    let c = chars[i];
    if (c === "\\") c = chars[++i];
    else if (c === "-" || c === "]") return undefined;
    i += 1;
    return c?.codePointAt(0);
  };
  while (i < chars.length) {
    const c = chars[i++]!;
    if (c === "*") {
      if (tokens[tokens.length - 1] !== "*") tokens.push("*");
    } else if (c === "?") {
      tokens.push(() => true);
    } else if (c === "[") {
      const negated = chars[i] === "^";
      if (negated) i += 1;
      const ranges: [number, number][] = [];
      while (chars[i] !== "]" || ranges.length === 0) {
        const low = classChar();
        let high = low;
        if (chars[i] === "-") {
          i += 1;
          high = classChar();
        }
        if (low === undefined || high === undefined) return undefined;
        ranges.push([low, high]);
      }
      i += 1;
      tokens.push((char) => {
        const code = char.codePointAt(0)!;
        return ranges.some(([low, high]) => low <= code && code <= high) !== negated;
      });
    } else {
      const literal = c === "\\" ? chars[i++] : c;
      if (literal === undefined) return undefined;
      tokens.push((char) => char === literal);
    }
  }
  let run = 0;
  for (const token of tokens) {
    run = token === "*" ? 0 : run + 1;
    if (run > MAX_GLOB_RUN) return undefined;
  }
  return tokens;
}

/**
 * The two-pointer wildcard match: on a mismatch, retry from one character further after the last
 * `*`, never from earlier ones (a later `*` can absorb whatever an earlier one would have).
 * Each retry scans at most the tokens up to the next `*`, so the cost is at most the text's
 * length times the longest run between stars: never exponential, but not linear either (in
 * workerd a 20-character run against a 32 KB value takes ~5 ms, a 4,950-character one ~0.75 s).
 */
export function matchesGlob(tokens: GlobToken[], text: string): boolean {
  const chars = Array.from(text);
  let t = 0;
  let p = 0;
  let star = -1;
  let resume = 0;
  while (t < chars.length) {
    const token = tokens[p];
    if (token === "*") {
      star = p++;
      resume = t;
    } else if (token !== undefined && token(chars[t]!)) {
      p += 1;
      t += 1;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (tokens[p] === "*") p += 1;
  return p === tokens.length;
}
