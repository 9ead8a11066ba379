/**
 * Rewrites a JavaScript pattern (the `u` flag's syntax, which JSON Schema's `pattern` and the
 * identity rules use) into RE2 syntax that matches the same strings, for re2js (linear-regex.ts).
 * The pattern must already compile as `new RegExp(pattern, "u")`: the `u` flag's strict grammar
 * (no lone `{`, `]` or unknown escapes) is what makes this walk short.
 *
 * What RE2 spells or means differently is rewritten: `\s` and `.` take JavaScript's sets (RE2's
 * `\s` is ASCII only, its `.` excludes only `\n`), `\u` escapes become `\x{…}`, `[]` and `[^]`
 * become explicit classes, every group becomes non-capturing (only `test` is ever asked), and
 * literals are written as `\x{…}` so no character can mean something else to RE2 (`[[:a:]]`).
 * `\d`, `\w`, `\b` are ASCII in both; `^` and `$` mean start and end of input in both.
 * What RE2 cannot run in linear time is refused: backreferences and lookaround. The result
 * differs from V8 only where V8 departs from ECMA-262: V8 also finds `\B` between the halves of
 * a surrogate pair.
 */
export type Translation = { ok: true; source: string } | { ok: false; reason: string };

class Unsupported extends Error {}

const MAX_CODE_POINT = 0x10ffff;

/** JavaScript's `\s`: WhiteSpace and LineTerminator (ECMA-262), Unicode's Zs included. */
const WHITE_SPACE: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];

const NOT_WHITE_SPACE = complement(WHITE_SPACE);

/** JavaScript's `.` without the `s` flag: anything but a line terminator. */
const DOT = "[^\\x{a}\\x{d}\\x{2028}\\x{2029}]";

/**
 * General categories RE2 knows by the same short name as JavaScript, with the same members.
 * `C` is left out (JavaScript's includes unassigned code points, RE2's does not), as are `LC`
 * and `Cn`, which RE2 lacks.
 */
const GENERAL_CATEGORIES = new Set("L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp Cc Cf Co Cs Any".split(" "));

const PROPERTY_ADVICE = "use a general category such as \\p{L} or \\p{Nd}, or a script such as \\p{Script=Greek}";

export function translateToRe2(pattern: string): Translation {
  try {
    return { ok: true, source: new Translator(pattern).translate() };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, reason: error.message };
    throw error;
  }
}

class Translator {
  private i = 0;

  constructor(private readonly pattern: string) {}

  translate(): string {
    let out = "";
    while (this.i < this.pattern.length) {
      const c = this.pattern[this.i]!;
      if (c === "\\") out += this.escape(false);
      else if (c === "[") out += this.characterClass();
      else if (c === "(") out += this.groupOpening();
      else if (c === ".") {
        out += DOT;
        this.i += 1;
      } else if (c === "{") out += this.braces();
      else if ("|)^$*+?".includes(c)) {
        out += c;
        this.i += 1;
      } else out += literal(this.codePoint());
    }
    return out;
  }

  /** `{2}`, `{2,}`, `{2,5}`: the `u` flag makes every `{` a quantifier, which RE2 spells alike. */
  private braces(): string {
    const end = this.pattern.indexOf("}", this.i);
    const quantifier = this.pattern.slice(this.i, end + 1);
    this.i = end + 1;
    return quantifier;
  }

  private groupOpening(): string {
    const rest = this.pattern.slice(this.i);
    if (rest.startsWith("(?=") || rest.startsWith("(?!")) {
      throw new Unsupported(`uses a lookahead (\`${rest.slice(0, 3)}\`), which linear-time matching cannot run`);
    }
    if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) {
      throw new Unsupported(`uses a lookbehind (\`${rest.slice(0, 4)}\`), which linear-time matching cannot run`);
    }
    if (rest.startsWith("(?:")) this.i += 3;
    else if (rest.startsWith("(?<")) this.i = this.pattern.indexOf(">", this.i) + 1;
    else if (rest.startsWith("(?")) throw new Unsupported("uses inline modifiers like `(?i:…)`, which are not supported");
    else this.i += 1;
    return "(?:";
  }

  private characterClass(): string {
    this.i += 1;
    const negated = this.pattern[this.i] === "^";
    if (negated) this.i += 1;
    let items = "";
    while (this.pattern[this.i] !== "]") {
      const start = this.classAtom();
      if (this.pattern[this.i] === "-" && this.pattern[this.i + 1] !== "]" && typeof start === "number") {
        this.i += 1;
        const end = this.classAtom();
        items += `${literal(start)}-${literal(end as number)}`;
      } else items += typeof start === "number" ? literal(start) : start;
    }
    this.i += 1;
    // RE2 has no empty class: `[]` matches nothing, `[^]` any character.
    if (items === "") return negated ? `[\\x{0}-\\x{${MAX_CODE_POINT.toString(16)}}]` : `[^\\x{0}-\\x{${MAX_CODE_POINT.toString(16)}}]`;
    return `[${negated ? "^" : ""}${items}]`;
  }

  /** One member of a class: a code point, or a set written for the inside of an RE2 class. */
  private classAtom(): number | string {
    if (this.pattern[this.i] !== "\\") return this.codePoint();
    const next = this.pattern[this.i + 1]!;
    if (next === "b") {
      this.i += 2;
      return 0x08; // backspace inside a class
    }
    if (next === "-") {
      this.i += 2;
      return 0x2d;
    }
    if (next === "s" || next === "S") {
      this.i += 2;
      return ranges(next === "s" ? WHITE_SPACE : NOT_WHITE_SPACE);
    }
    return this.escape(true);
  }

  /** An escape at `this.i`; inside a class its code point is returned for ranges. */
  private escape(inClass: true): number | string;
  private escape(inClass: false): string;
  private escape(inClass: boolean): number | string {
    const next = this.pattern[this.i + 1]!;
    this.i += 2;
    if ("dDwWbB".includes(next)) return `\\${next}`;
    if (next === "s") return `[${ranges(WHITE_SPACE)}]`;
    if (next === "S") return `[${ranges(NOT_WHITE_SPACE)}]`;
    if (next === "p" || next === "P") return this.property(next);
    if (/[1-9]/.test(next) || next === "k") {
      throw new Unsupported(`uses a backreference (\`\\${next}\`), which linear-time matching cannot run; match the value without it`);
    }
    const control: Record<string, number> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d, "0": 0x00 };
    let codePoint: number;
    if (next in control) codePoint = control[next]!;
    else if (next === "c") codePoint = this.pattern.charCodeAt(this.i++) % 32;
    else if (next === "x") codePoint = this.hex(2);
    else if (next === "u") codePoint = this.unicodeEscape();
    else codePoint = next.codePointAt(0)!; // `\.`, `\/`, `\-`: the character itself
    return inClass ? codePoint : literal(codePoint);
  }

  private hex(length: number): number {
    const value = Number.parseInt(this.pattern.slice(this.i, this.i + length), 16);
    this.i += length;
    return value;
  }

  /** `\u{1F600}`, `\u0041`, and `\uD83D\uDE00`, which the `u` flag reads as one code point. */
  private unicodeEscape(): number {
    if (this.pattern[this.i] === "{") {
      const end = this.pattern.indexOf("}", this.i);
      const value = Number.parseInt(this.pattern.slice(this.i + 1, end), 16);
      this.i = end + 1;
      return value;
    }
    const high = this.hex(4);
    if (high >= 0xd800 && high <= 0xdbff && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(this.pattern.slice(this.i))) {
      const low = Number.parseInt(this.pattern.slice(this.i + 2, this.i + 6), 16);
      this.i += 6;
      return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
    }
    return high;
  }

  /** `\p{L}`, `\p{gc=Lu}`, `\p{Script=Greek}`: the forms whose members RE2 has too. */
  private property(kind: "p" | "P"): string {
    const end = this.pattern.indexOf("}", this.i);
    const body = this.pattern.slice(this.i + 1, end);
    this.i = end + 1;
    const [name, value] = body.includes("=") ? body.split("=") : [undefined, body];
    if ((name === undefined || name === "General_Category" || name === "gc") && GENERAL_CATEGORIES.has(value)) return `\\${kind}{${value}}`;
    if ((name === "Script" || name === "sc") && /^[A-Za-z_]+$/.test(value)) return `\\${kind}{${value}}`;
    throw new Unsupported(`uses the Unicode property \`\\${kind}{${body}}\`, which is not supported; ${PROPERTY_ADVICE}`);
  }

  private codePoint(): number {
    const codePoint = this.pattern.codePointAt(this.i)!;
    this.i += codePoint > 0xffff ? 2 : 1;
    return codePoint;
  }
}

/** Letters and digits as themselves, anything else as `\x{…}`, which means that one character to RE2. */
function literal(codePoint: number): string {
  return /^[A-Za-z0-9]$/.test(String.fromCodePoint(codePoint)) ? String.fromCodePoint(codePoint) : `\\x{${codePoint.toString(16)}}`;
}

function ranges(set: readonly (readonly [number, number])[]): string {
  return set.map(([low, high]) => (low === high ? literal(low) : `${literal(low)}-${literal(high)}`)).join("");
}

function complement(set: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [low, high] of set) {
    if (low > next) out.push([next, low - 1]);
    next = high + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}
