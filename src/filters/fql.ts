import { compileGlob, MAX_GLOB_RUN } from "./glob";

export { evaluateFql } from "./fql-evaluate";

/**
 * Segment's Filter Query Language (FQL), the `if` of a destination filter
 * (https://segment.com/docs/api/public-api/fql/). Grammar, loosest binding first:
 *
 *   query      := "all" | or
 *   or         := and ( "or" and )*
 *   and        := not ( "and" not )*
 *   not        := "!" ( "!" … | value ) | comparison
 *   comparison := value ( ( "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" ) value )?
 *   value      := "(" or ")" | "[" ( or ( "," or )* )? "]" | string | number | true | false | null
 *               | function "(" ( or ( "," or )* )? ")" | field ( "." field )*
 *
 * Filters are admin input run on every event, so the parser is a hand-written tokenizer and
 * recursive descent, linear in the query, which Segment caps at 5 KB; nesting is capped so a
 * hostile query gets an error, not a stack overflow. No regex ever sees the query or the event.
 * Evaluation (fail-closed) is in fql-evaluate.ts, `match()`'s glob in glob.ts.
 */

/** "If you use FQL, your query syntax is limited to 5KB per query" (destination filters docs). */
export const MAX_FQL_BYTES = 5000;
/** Parentheses, lists, function calls and `!` opened inside one another. */
export const MAX_FQL_DEPTH = 64;

export type FqlComparison = "=" | "!=" | "<" | "<=" | ">" | ">=" | "in";

/** Functions and their arity. Segment's `bool`, `string` and `number` are left out: their docs do not say how they convert. */
const ARITY = {
  contains: 2,
  match: 2,
  length: 1,
  typeof: 1,
  lowercase: 1,
  uppercase: 1,
  snakecase: 1,
  kebabcase: 1,
  titlecase: 1,
} as const;

export type FqlFunction = keyof typeof ARITY;

export type FqlExpression =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "field"; path: readonly string[] }
  | { kind: "list"; items: readonly FqlExpression[] }
  | { kind: "not"; operand: FqlExpression }
  | { kind: "and" | "or"; operands: readonly FqlExpression[] }
  | { kind: "compare"; operator: FqlComparison; left: FqlExpression; right: FqlExpression }
  | { kind: "call"; name: FqlFunction; args: readonly FqlExpression[] };

export type FqlParseResult = { ok: true; expression: FqlExpression } | { ok: false; error: string };

const UTF8 = new TextEncoder();

export function parseFql(source: string): FqlParseResult {
  const bytes = UTF8.encode(source).length;
  if (bytes > MAX_FQL_BYTES) {
    return { ok: false, error: `the query is ${bytes} bytes long; Segment allows at most 5 KB (${MAX_FQL_BYTES} bytes)` };
  }
  // The filters API's `"if": "all"` applies a filter to every event.
  if (source.trim() === "all") return { ok: true, expression: { kind: "literal", value: true } };
  try {
    return { ok: true, expression: new Parser(tokenize(source)).parseQuery() };
  } catch (error) {
    if (error instanceof FqlSyntaxError) return { ok: false, error: `at offset ${error.offset}: ${error.message}` };
    throw error;
  }
}

class FqlSyntaxError extends Error {
  override readonly name = "FqlSyntaxError";
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

// ---- Tokens ----

type Token =
  | { type: "symbol"; text: string; start: number }
  | { type: "string"; value: string; start: number }
  | { type: "number"; value: number; start: number }
  | { type: "word"; raw: string; path: string[]; start: number }
  | { type: "end"; start: number };

const SYMBOLS = new Set(["(", ")", "[", "]", ",", "=", "!=", "<", "<=", ">", ">=", "!"]);
const COMPARISONS = new Set<string>(["=", "!=", "<", "<=", ">", ">="]);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i += 1;
    } else if (c === "'" || c === '"') {
      const { value, end } = readString(source, i);
      tokens.push({ type: "string", value, start: i });
      i = end;
    } else if (isDigit(source[c === "-" ? i + 1 : i])) {
      const { value, end } = readNumber(source, i);
      tokens.push({ type: "number", value, start: i });
      i = end;
    } else if (isLetter(c) || c === "_" || c === "\\") {
      const { raw, path, end } = readFieldPath(source, i);
      tokens.push({ type: "word", raw, path, start: i });
      i = end;
    } else {
      const text = SYMBOLS.has(source.slice(i, i + 2)) ? source.slice(i, i + 2) : c;
      if (!SYMBOLS.has(text)) throw new FqlSyntaxError(i, `unexpected character ${JSON.stringify(c)}`);
      tokens.push({ type: "symbol", text, start: i });
      i += text.length;
    }
  }
  tokens.push({ type: "end", start: source.length });
  return tokens;
}

/** Segment's examples quote with `'`; `"` works too. */
function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  let value = "";
  let i = start + 1;
  while (i < source.length) {
    const c = source[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c !== "\\") {
      value += c;
      i += 1;
      continue;
    }
    const next = source[i + 1];
    if (next === undefined) break;
    if (next === "u") {
      const hex = source.slice(i + 2, i + 6);
      if (hex.length < 4 || ![...hex].every(isHexDigit)) throw new FqlSyntaxError(i, "expected 4 hex digits after \\u");
      value += String.fromCharCode(parseInt(hex, 16));
      i += 6;
      continue;
    }
    const escaped = next === "n" ? "\n" : next === "t" ? "\t" : next === "r" ? "\r" : undefined;
    // Other escapes keep their backslash unless they escape a quote or backslash, so a glob's
    // `\*` reaches match() intact, as in Segment's example `match( 'ab*d', 'ab\*d' )`.
    value += escaped ?? (next === "'" || next === '"' || next === "\\" ? next : `\\${next}`);
    i += 2;
  }
  throw new FqlSyntaxError(start, `unterminated string: expected a closing ${quote}`);
}

function readNumber(source: string, start: number): { value: number; end: number } {
  let i = source[start] === "-" ? start + 1 : start;
  const skipDigits = (what: string): void => {
    if (!isDigit(source[i])) throw new FqlSyntaxError(i, `expected a digit ${what}`);
    while (isDigit(source[i])) i += 1;
  };
  skipDigits("after the minus sign"); // the tokenizer saw one, so this never throws
  if (source[i] === ".") {
    i += 1;
    skipDigits("after the decimal point");
  }
  if (source[i] === "e" || source[i] === "E") {
    i += 1;
    if (source[i] === "+" || source[i] === "-") i += 1;
    skipDigits("in the exponent");
  }
  if (isFieldChar(source[i]) || source[i] === "\\" || source[i] === ".") {
    throw new FqlSyntaxError(i, "expected an operator after the number (a field name starting with a digit must escape it: \\1st)");
  }
  const value = Number(source.slice(start, i));
  if (!Number.isFinite(value)) throw new FqlSyntaxError(start, "the number is too large");
  return { value, end: i };
}

/** "If your field name has a character not in the set of {a-z A-Z 0-9 _ -}, you must escape it using a \ character." */
function readFieldPath(source: string, start: number): { raw: string; path: string[]; end: number } {
  const path: string[] = [];
  let segment = "";
  let i = start;
  for (;;) {
    const c = source[i];
    if (c === "\\") {
      const escaped = source.codePointAt(i + 1);
      if (escaped === undefined) throw new FqlSyntaxError(i, "expected a character after \\");
      const char = String.fromCodePoint(escaped);
      segment += char;
      i += 1 + char.length;
    } else if (isFieldChar(c)) {
      segment += c;
      i += 1;
    } else if (c === "." && segment !== "") {
      path.push(segment);
      segment = "";
      i += 1;
    } else {
      break;
    }
  }
  if (segment === "") throw new FqlSyntaxError(i, "expected a field name");
  path.push(segment);
  return { raw: source.slice(start, i), path, end: i };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}

function isFieldChar(c: string | undefined): c is string {
  return isLetter(c) || isDigit(c) || c === "_" || c === "-";
}

function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
}

// ---- Parser ----

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseQuery(): FqlExpression {
    const expression = this.parseOr();
    const token = this.peek();
    if (token.type !== "end") {
      const hint = token.type === "word" && (token.raw === "AND" || token.raw === "OR") ? " (operators are lowercase)" : "";
      throw this.expected(`"and", "or" or the end of the query${hint}`, token);
    }
    return expression;
  }

  private parseOr(): FqlExpression {
    const operands = [this.parseAnd()];
    while (this.isWord("or")) {
      this.index += 1;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: "or", operands };
  }

  private parseAnd(): FqlExpression {
    const operands = [this.parseNot()];
    while (this.isWord("and")) {
      this.index += 1;
      operands.push(this.parseNot());
    }
    return operands.length === 1 ? operands[0]! : { kind: "and", operands };
  }

  private parseNot(): FqlExpression {
    if (!this.isSymbol("!")) return this.parseComparison();
    const bang = this.next();
    this.enter(bang);
    const operand = this.isSymbol("!") ? this.parseNot() : this.parseValue();
    this.depth -= 1;
    // Segment's docs never say whether `!a = b` means `!(a = b)` or `(!a) = b`; refuse to guess.
    if (this.comparison()) {
      throw new FqlSyntaxError(bang.start, 'a "!" before a comparison is ambiguous: write !( a = b ) or ( !a ) = b');
    }
    return { kind: "not", operand };
  }

  private parseComparison(): FqlExpression {
    const left = this.parseValue();
    const operator = this.comparison();
    if (!operator) return left;
    this.index += 1;
    return { kind: "compare", operator, left, right: this.parseValue() };
  }

  private parseValue(): FqlExpression {
    const token = this.next();
    if (token.type === "string" || token.type === "number") return { kind: "literal", value: token.value };
    if (token.type === "symbol" && token.text === "(") {
      this.enter(token);
      const inner = this.parseOr();
      this.expectSymbol(")");
      this.depth -= 1;
      return inner;
    }
    if (token.type === "symbol" && token.text === "[") {
      return { kind: "list", items: this.parseItems(token, "]") };
    }
    if (token.type === "word") {
      if (token.raw === "true" || token.raw === "false") return { kind: "literal", value: token.raw === "true" };
      if (token.raw === "null") return { kind: "literal", value: null };
      if (this.isSymbol("(")) return this.parseCall(token);
      if (token.raw !== "and" && token.raw !== "or" && token.raw !== "in") return { kind: "field", path: token.path };
    }
    throw this.expected("a value (a field, string, number, true, false, null, list or function call)", token);
  }

  private parseCall(name: Extract<Token, { type: "word" }>): FqlExpression {
    if (!Object.hasOwn(ARITY, name.raw)) {
      throw new FqlSyntaxError(name.start, `unknown function "${name.raw}"; FQL has ${Object.keys(ARITY).join(", ")}`);
    }
    const fn = name.raw as FqlFunction;
    const starts: number[] = [];
    const args = this.parseItems(this.next(), ")", starts);
    if (args.length !== ARITY[fn]) {
      throw new FqlSyntaxError(name.start, `${fn}() takes ${ARITY[fn]} argument${ARITY[fn] === 1 ? "" : "s"}, found ${args.length}`);
    }
    const pattern = args[1];
    if (fn === "match" && pattern?.kind === "literal" && typeof pattern.value === "string" && !compileGlob(pattern.value)) {
      const reason = `an unclosed or empty [, a - or ] where a character belongs, a trailing \\, or more than ${MAX_GLOB_RUN} characters between two *`;
      throw new FqlSyntaxError(starts[1]!, `malformed glob pattern: ${reason}`);
    }
    return { kind: "call", name: fn, args };
  }

  /** Comma-separated expressions after `open`, up to `close`; `starts` receives where each begins. */
  private parseItems(open: Token, close: string, starts: number[] = []): FqlExpression[] {
    this.enter(open);
    const items: FqlExpression[] = [];
    if (!this.isSymbol(close)) {
      for (;;) {
        starts.push(this.peek().start);
        items.push(this.parseOr());
        if (!this.isSymbol(",")) break;
        this.index += 1;
      }
    }
    this.expectSymbol(close, items.length > 0 ? `"," or "${close}"` : undefined);
    this.depth -= 1;
    return items;
  }

  private enter(token: Token): void {
    this.depth += 1;
    if (this.depth > MAX_FQL_DEPTH) throw new FqlSyntaxError(token.start, `nesting is deeper than ${MAX_FQL_DEPTH} levels`);
  }

  private comparison(): FqlComparison | undefined {
    const token = this.peek();
    if (token.type === "symbol" && COMPARISONS.has(token.text)) return token.text as FqlComparison;
    return token.type === "word" && token.raw === "in" ? "in" : undefined;
  }

  private expectSymbol(text: string, what = `"${text}"`): void {
    const token = this.next();
    if (token.type !== "symbol" || token.text !== text) throw this.expected(what, token);
  }

  private expected(what: string, found: Token): FqlSyntaxError {
    return new FqlSyntaxError(found.start, `expected ${what}, found ${describe(found)}`);
  }

  private isSymbol(text: string): boolean {
    const token = this.peek();
    return token.type === "symbol" && token.text === text;
  }

  private isWord(raw: string): boolean {
    const token = this.peek();
    return token.type === "word" && token.raw === raw;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== "end") this.index += 1;
    return token;
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case "end":
      return "the end of the query";
    case "string":
      return "a string";
    case "number":
      return `the number ${token.value}`;
    case "symbol":
      return `"${token.text}"`;
    case "word":
      return `"${token.raw}"`;
  }
}
