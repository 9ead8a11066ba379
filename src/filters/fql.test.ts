import { describe, expect, it } from "vitest";
import { evaluateFql, MAX_FQL_BYTES, MAX_FQL_DEPTH, parseFql } from "./fql";

/** The JSON object of the examples in Segment's FQL reference (https://segment.com/docs/api/public-api/fql/). */
const DOC_EVENT = {
  event: "Button Clicked",
  type: "track",
  context: { library: { name: "analytics.js", version: "1.0" } },
  properties: { features: ["discounts", "dark-mode"] },
};

function run(source: string, event: Record<string, unknown> = DOC_EVENT): boolean | "error" {
  const parsed = parseFql(source);
  if (!parsed.ok) throw new Error(`${source}: ${parsed.error}`);
  return evaluateFql(parsed.expression, event);
}

function parseError(source: string): string {
  const parsed = parseFql(source);
  if (parsed.ok) throw new Error(`${source} parsed`);
  return parsed.error;
}

describe("Segment's documented examples", () => {
  it.each([
    ["event = 'Button Clicked'", true],
    ["event = 'Screen Tapped'", false],
    ["context.path.path = '/login'", false],
    ["type = 'identify' or type = 'track'", true],
    ["event = 'Button Clicked' and type = 'track'", true],
    ["match( context.library.version, '1.*' )", true],
    ["match( context.library.version, '2.*' )", false],
    ["type = 'track' and ( event = 'Click' or match( event, 'Button *' ) )", true],
    ["!contains( context.library.name, 'js' )", false],
    ["'dark-mode' in properties.features", true],
    ["'blink' in properties.features", false],
  ])("examples table: %s is %s", (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it("subexpressions table", () => {
    // The docs swap match()'s arguments here: 'Button *' is the string, the event name the pattern.
    expect(run("type = 'track' and ( event = 'Click' or match( 'Button *', event ) )")).toBe(false);
    const query = "( type = 'track' or type = 'identify' ) and ( properties.enabled or match( traits.email, '*@company.com' ) )";
    expect(run(query, { type: "identify", traits: { email: "ann@company.com" } })).toBe(true);
    expect(run(query, { type: "track", properties: { enabled: true } })).toBe(true);
    expect(run(query, { type: "track", properties: { enabled: "yes" } })).toBe(false);
    expect(run(query, { type: "page", properties: { enabled: true } })).toBe(false);
    expect(run("!( type in ['track', 'identify'] )", { type: "page" })).toBe(true);
    expect(run("!( type in ['track', 'identify'] )", { type: "identify" })).toBe(false);
  });

  it("functions handle null with sensible defaults", () => {
    expect(run("contains( properties.missing, 'x' )")).toBe(false);
    expect(run("length( properties.missing ) = 0")).toBe(true);
    expect(run("lowercase( properties.missing ) = null")).toBe(true);
    expect(run("typeof( properties.missing ) = 'null'")).toBe(true);
    expect(run("match( properties.missing, '*' )")).toBe(false);
    // "you can write `length( userId ) > 0` instead of `typeof( userId ) = 'string' and length( userId ) > 0`"
    for (const userId of ["u1", null, ""]) {
      const event = { userId };
      expect(run("length( userId ) > 0", event)).toBe(run("typeof( userId ) = 'string' and length( userId ) > 0", event));
    }
  });

  it("length counts a string's bytes: `a` is 1 byte and `ア` is 3 bytes", () => {
    expect(run("length( properties.s ) = 1", { properties: { s: "a" } })).toBe(true);
    expect(run("length( properties.s ) = 3", { properties: { s: "ア" } })).toBe(true);
    expect(run("length( properties.features ) = 2")).toBe(true);
  });

  it.each([
    ["match( 'abcd', 'a*d' )", true],
    ["match( '', '*' )", true],
    ["match( 'abc', 'ab' )", false],
    ["match( 'abcd', 'a??d' )", true],
    ["match( 'abcd', '*d' )", true],
    ["match( 'ab*d', 'ab\\*d' )", true],
    ["match( 'abCd', 'ab[cC]d' )", true],
    ["match( 'abcd', 'ab[a-z]d' )", true],
    ["match( 'abcd', 'ab[A-Z]d' )", false],
  ])("glob table: %s is %s", (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it("the filters API's examples", () => {
    // "Only send events with userId": `"if": "length( userId ) < 1"` drops the rest.
    expect(run("length( userId ) < 1", { userId: "" })).toBe(true);
    expect(run("length( userId ) < 1", {})).toBe(true);
    expect(run("length( userId ) < 1", { userId: "u1" })).toBe(false);
    // "Remove userId from payload": `"if": "all"`.
    expect(run("all", {})).toBe(true);
    // The Actions migration guide compares received_at with a timestamp string, but Segment's
    // evaluator (tsub) orders numbers only: the condition is false, whatever the time.
    const after = { received_at: "2023-04-21T19:55:00.933Z" };
    expect(run("(received_at >= '2023-04-21T19:55:00.933Z')", after)).toBe(false);
    expect(run("(received_at < '2023-04-21T19:55:00.933Z')", after)).toBe(false);
    // Property transformations use FQL values too.
    expect(run("lowercase(properties.propertyValue1) = 'united states'", { properties: { propertyValue1: "United States" } })).toBe(true);
    expect(run("uppercase(\"United States\") = 'UNITED STATES'")).toBe(true);
  });

  it("the other documented functions", () => {
    expect(run("snakecase('test string') = 'test_string'")).toBe(true);
    expect(run("kebabcase('test string') = 'test-string'")).toBe(true);
    expect(run("titlecase('test string') = 'Test String'")).toBe(true);
    expect(run("typeof(event) = 'string' and typeof(1.5) = 'number' and typeof(true) = 'bool'")).toBe(true);
    expect(run("typeof(properties.features) = 'list' and typeof(context) = 'object'")).toBe(true);
  });

  it('refuses the invalid statement of the error-handling section: userId = oops"', () => {
    expect(parseError('userId = oops"')).toBe('at offset 13: unterminated string: expected a closing "');
  });
});

describe("operators", () => {
  it("and binds tighter than or, parentheses override, ! negates", () => {
    expect(run("true or true and false")).toBe(true);
    expect(run("(true or true) and false")).toBe(false);
    expect(run("false and false or true")).toBe(true);
    expect(run("!false and false")).toBe(false);
    expect(run("!(false and false)")).toBe(true);
    expect(run("!!true")).toBe(true);
  });

  it("keeps only lowercase operators", () => {
    expect(parseError("true AND false")).toBe('at offset 5: expected "and", "or" or the end of the query (operators are lowercase), found "AND"');
  });

  it("equality needs the same type", () => {
    const event = { properties: { price: 19.99, count: 1, flag: true, tags: ["a", "b"], obj: { x: 1, y: [2] } } };
    expect(run("properties.price = 19.99", event)).toBe(true);
    expect(run("properties.price = '19.99'", event)).toBe(false);
    expect(run("properties.price != '19.99'", event)).toBe(true);
    expect(run("properties.count = 1.0 and properties.count = 1e0", event)).toBe(true);
    expect(run("properties.flag = true and properties.flag != 'true'", event)).toBe(true);
    expect(run("properties.tags = ['a', 'b'] and properties.tags != ['b', 'a']", event)).toBe(true);
    expect(run("properties.obj = properties.obj", event)).toBe(true);
    expect(run("properties.obj = properties.tags", event)).toBe(false);
    expect(run("null = null and properties.missing = null and 0 != null", event)).toBe(true);
  });

  it("compares objects and lists by their JSON, so key order matters (as tsub and Segment's Go evaluator do)", () => {
    const event = { properties: { ab: { a: 1, b: 2 }, ba: { b: 2, a: 1 }, ab2: { a: 1, b: 2 } } };
    expect(run("properties.ab = properties.ab2", event)).toBe(true);
    expect(run("properties.ab != properties.ba", event)).toBe(true);
  });

  it("orders two numbers and nothing else, not even strings (tsub's compareNumbers)", () => {
    const event = { properties: { n: 5, s: "b", negative: -2.5 } };
    expect(run("properties.n > 4 and properties.n >= 5 and properties.n < 6 and properties.n <= 5", event)).toBe(true);
    expect(run("properties.negative < -2 and properties.negative > -3", event)).toBe(true);
    expect(run("properties.s > 'a' or properties.s < 'c' or properties.s >= 'b' or properties.s <= 'b'", event)).toBe(false);
    expect(run("properties.n > '4'", event)).toBe(false);
    expect(run("properties.n < '6'", event)).toBe(false);
    expect(run("properties.missing < 1 or properties.missing >= 1", event)).toBe(false);
    expect(run("length(properties.s) > 0", event)).toBe(true);
  });

  it("in looks for a value in a list; a missing list cannot be evaluated (the event is dropped)", () => {
    expect(run("type in ['identify', 'track']")).toBe(true);
    expect(run("1 in [1, 2] and null in [null] and !(1 in ['1'])")).toBe(true);
    expect(run("'x' in properties.missing")).toBe("error");
    expect(run("'x' in []")).toBe(false);
  });

  it("counts only true as true in a boolean context", () => {
    const event = { properties: { on: true, off: false, text: "true", one: 1 } };
    expect(run("properties.on", event)).toBe(true);
    expect(run("properties.off or properties.text or properties.one or properties.missing", event)).toBe(false);
    expect(run("!properties.missing", event)).toBe(true);
    expect(run("lowercase(event)", event)).toBe(false);
  });

  it("lowercase() is usable in comparisons", () => {
    expect(run("lowercase(event) = 'order completed'", { event: "Order Completed" })).toBe(true);
    expect(run("contains(lowercase(event), 'order')", { event: "Order Completed" })).toBe(true);
  });
});

describe("field paths", () => {
  it("reads nested fields; a missing field is null", () => {
    const event = { context: { page: { url: "https://a.example/x" } }, properties: { price: 3 } };
    expect(run("context.page.url = 'https://a.example/x'", event)).toBe(true);
    expect(run("properties.x = null and context.page.url.deeper = null and nothing.at.all = null", event)).toBe(true);
  });

  it("unescapes backslashes: `properties.product\\ 1.price` is product 1's price", () => {
    const event = { properties: { "product 1": { price: "19.99" }, "a.b": 1, "x-y_z": 2, $c: 3, "1st": 4, and: 5 } };
    expect(run("properties.product\\ 1.price = '19.99'", event)).toBe(true);
    expect(run("properties.a\\.b = 1", event)).toBe(true);
    expect(run("properties.a.b = null", event)).toBe(true);
    expect(run("properties.x-y_z = 2", event)).toBe(true);
    expect(run("properties.\\$c = 3 and properties.1st = 4 and properties.and = 5", event)).toBe(true);
    expect(run("\\event = 'Button Clicked'")).toBe(true);
  });

  it("indexes arrays with a number and never reads the prototype", () => {
    const event = { properties: { products: [{ sku: "a" }, { sku: "b" }] } };
    expect(run("properties.products.1.sku = 'b'", event)).toBe(true);
    expect(run("properties.products.01.sku = null and properties.products.length = null", event)).toBe(true);
    expect(run("properties.constructor = null and properties.__proto__ = null", event)).toBe(true);
  });
});

describe("strings and numbers", () => {
  it("reads escapes in either quote", () => {
    const event = { properties: { s: 'say "hi"\n', t: "it's \\ é" } };
    expect(run('properties.s = "say \\"hi\\"\\n"', event)).toBe(true);
    expect(run("properties.t = 'it\\'s \\\\ \\u00e9'", event)).toBe(true);
  });

  it("reads negative, decimal and exponent numbers", () => {
    expect(run("-1 < 0 and 0.5 = 5e-1 and 1.5E2 = 150")).toBe(true);
  });
});

describe("functions on other types answer as tsub does", () => {
  const event = { properties: { count: 5, on: true, obj: { a: 1 }, list: ["a"], text: "abc" } };

  it("contains() and match() of anything but two strings are false, so DROP if match() keeps other types", () => {
    expect(run("contains(properties.count, '5') or contains(properties.list, 'a') or contains(properties.text, 1)", event)).toBe(false);
    expect(run("match(properties.count, '*') or match(properties.obj, '*') or match(properties.text, properties.count)", event)).toBe(false);
    expect(run("!match(properties.count, 'trial*')", event)).toBe(true);
  });

  it("length() of anything but a string or list is not a number: comparisons are false, != is true", () => {
    for (const path of ["properties.count", "properties.on", "properties.obj"]) {
      expect(run(`length(${path}) > 0 or length(${path}) <= 0 or length(${path}) = length(${path})`, event), path).toBe(false);
      expect(run(`length(${path}) != 1`, event), path).toBe(true);
    }
  });

  it("the case functions of anything but a string are null", () => {
    for (const fn of ["lowercase", "uppercase", "snakecase", "kebabcase", "titlecase"]) {
      expect(run(`${fn}(properties.count) = null and ${fn}(properties.list) = null and ${fn}(properties.obj) = null`, event), fn).toBe(true);
    }
  });
});

describe("errors at evaluation fail closed", () => {
  it("answers error for in against a value that is not a list, and for a malformed pattern from the event", () => {
    const event = { properties: { text: "abc", count: 5, pattern: "[a" } };
    expect(run("'a' in properties.text", event)).toBe("error");
    expect(run("5 in properties.count", event)).toBe("error");
    expect(run("match(properties.text, properties.pattern)", event)).toBe("error");
  });

  it("stops at the first operand that settles and or or", () => {
    const event = { properties: { text: "abc" } };
    expect(run("false and 'a' in properties.text", event)).toBe(false);
    expect(run("true or 'a' in properties.text", event)).toBe(true);
    expect(run("true and 'a' in properties.text", event)).toBe("error");
    expect(run("!('a' in properties.text)", event)).toBe("error");
  });
});

describe("match()", () => {
  const matches = (text: string, pattern: string): boolean | "error" => run("match(properties.text, properties.pattern)", { properties: { text, pattern } });

  it("matches * and ?", () => {
    expect(matches("abc", "*")).toBe(true);
    expect(matches("abc", "a*")).toBe(true);
    expect(matches("abc", "*c")).toBe(true);
    expect(matches("abc", "*b*")).toBe(true);
    expect(matches("abc", "a*b*c")).toBe(true);
    expect(matches("abc", "a*c*")).toBe(true);
    expect(matches("abc", "a*d")).toBe(false);
    expect(matches("abc", "???")).toBe(true);
    expect(matches("abc", "??")).toBe(false);
    expect(matches("abc", "????")).toBe(false);
    expect(matches("", "?")).toBe(false);
    expect(matches("", "")).toBe(true);
    expect(matches("a", "")).toBe(false);
  });

  it("treats consecutive stars as one and backtracks past a false start", () => {
    expect(matches("abc", "a***c")).toBe(true);
    expect(matches("abc", "***")).toBe(true);
    expect(matches("mississippi", "*sip*")).toBe(true);
    expect(matches("mississippi", "m*iss*ppi")).toBe(true);
    expect(matches("mississippi", "m*issip*x")).toBe(false);
    expect(matches("aaab", "*a?b")).toBe(true);
  });

  it("is case sensitive, crosses slashes and counts code points", () => {
    expect(matches("ABC", "abc")).toBe(false);
    expect(matches("/a/b/c", "/*")).toBe(true);
    expect(matches("😀", "?")).toBe(true);
    expect(matches("ア😀b", "??b")).toBe(true);
  });

  it("reads classes, negation and escapes", () => {
    expect(matches("b", "[abc]")).toBe(true);
    expect(matches("d", "[abc]")).toBe(false);
    expect(matches("d", "[^abc]")).toBe(true);
    expect(matches("5", "[0-9a-f]")).toBe(true);
    expect(matches("]", "[\\]]")).toBe(true);
    expect(matches("-", "[\\-]")).toBe(true);
    expect(matches("a*", "a\\*")).toBe(true);
    expect(matches("ax", "a\\*")).toBe(false);
    expect(matches("a?", "a\\?")).toBe(true);
    expect(matches("ab", "a\\?")).toBe(false);
  });

  it("answers error for a malformed pattern from the event, and refuses a literal one when parsing", () => {
    for (const pattern of ["[a", "[]", "[a-]", "[-a]", "a\\", "[^"]) expect(matches("a", pattern), pattern).toBe("error");
    expect(parseError("match(event, 'ab[')")).toBe(
      "at offset 13: malformed glob pattern: an unclosed or empty [, a - or ] where a character belongs, a trailing \\, or more than 64 characters between two *",
    );
  });
});

describe("parse errors", () => {
  const value = "expected a value (a field, string, number, true, false, null, list or function call)";

  it.each([
    ["", `at offset 0: ${value}, found the end of the query`],
    ["event = ", `at offset 8: ${value}, found the end of the query`],
    ["event = 'x' and", `at offset 15: ${value}, found the end of the query`],
    ["(event = 'x'", 'at offset 12: expected ")", found the end of the query'],
    ["event == 'x'", `at offset 7: ${value}, found "="`],
    ["event = 'x' = 'y'", 'at offset 12: expected "and", "or" or the end of the query, found "="'],
    ["event 'x'", 'at offset 6: expected "and", "or" or the end of the query, found a string'],
    ["event = 'x' # y", 'at offset 12: unexpected character "#"'],
    ["type in ['a', 'b'", 'at offset 17: expected "," or "]", found the end of the query'],
    ["and = 1", `at offset 0: ${value}, found "and"`],
    ["properties.", "at offset 11: expected a field name"],
    ["properties..x", "at offset 11: expected a field name"],
    ["properties.x\\", "at offset 12: expected a character after \\"],
    ["event = 12abc", "at offset 10: expected an operator after the number (a field name starting with a digit must escape it: \\1st)"],
    ["event = 1.", "at offset 10: expected a digit after the decimal point"],
    ["event = 1e999", "at offset 8: the number is too large"],
    ["event = '\\u12'", "at offset 9: expected 4 hex digits after \\u"],
    ["!event = 'x'", 'at offset 0: a "!" before a comparison is ambiguous: write !( a = b ) or ( !a ) = b'],
  ])("refuses %j", (source, error) => {
    expect(parseError(source)).toBe(error);
  });

  it("refuses unknown functions and wrong arity", () => {
    expect(parseError("event = 'a' or startswith(event, 'a')")).toBe(
      'at offset 15: unknown function "startswith"; FQL has contains, match, length, typeof, lowercase, uppercase, snakecase, kebabcase, titlecase',
    );
    expect(parseError("match(event)")).toBe("at offset 0: match() takes 2 arguments, found 1");
    expect(parseError("length(event, 1) > 0")).toBe("at offset 0: length() takes 1 argument, found 2");
    expect(parseError("length() > 0")).toBe("at offset 0: length() takes 1 argument, found 0");
    expect(parseError("contains(event 'a')")).toBe('at offset 15: expected "," or ")", found a string');
  });

  it("accepts !a compared only when the negation is parenthesised", () => {
    expect(run("( !properties.on ) = true", { properties: { on: false } })).toBe(true);
    expect(run("!( event = 'x' )")).toBe(true);
  });
});

describe("limits", () => {
  const sized = (bytes: number, char = "a"): string => {
    const frame = "event = ''";
    return `event = '${char.repeat((bytes - frame.length) / new TextEncoder().encode(char).length)}'`;
  };

  it("refuses a query over 5 KB, counting bytes", () => {
    expect(parseFql(sized(MAX_FQL_BYTES)).ok).toBe(true);
    expect(parseError(sized(MAX_FQL_BYTES + 1))).toBe("the query is 5001 bytes long; Segment allows at most 5 KB (5000 bytes)");
    const wide = sized(MAX_FQL_BYTES + 2, "ア");
    expect(wide.length).toBeLessThan(MAX_FQL_BYTES);
    expect(parseError(wide)).toBe("the query is 5002 bytes long; Segment allows at most 5 KB (5000 bytes)");
  });

  it(`nests at most ${MAX_FQL_DEPTH} levels`, () => {
    const nested = (depth: number): string => `${"(".repeat(depth)}true${")".repeat(depth)}`;
    expect(run(nested(MAX_FQL_DEPTH))).toBe(true);
    expect(parseError(nested(MAX_FQL_DEPTH + 1))).toBe(`at offset ${MAX_FQL_DEPTH}: nesting is deeper than ${MAX_FQL_DEPTH} levels`);
    expect(run(`${"!".repeat(MAX_FQL_DEPTH)}true`)).toBe(true);
    expect(parseError(`${"!".repeat(MAX_FQL_DEPTH + 1)}true`)).toMatch(/nesting is deeper than 64 levels/);
    expect(parseError(`length(${"[".repeat(MAX_FQL_DEPTH)}`)).toMatch(/nesting is deeper than 64 levels/);
  });

  // What these cost is measured by the bench (bench/sections/fql.mjs), not asserted here.
  it("bounds hostile 5 KB queries by size and depth, and evaluates them right", () => {
    const text = "a".repeat(32 * 1024);
    const event = { properties: { text } };
    const hostile = [
      "(".repeat(MAX_FQL_BYTES),
      "!".repeat(MAX_FQL_BYTES),
      "[".repeat(MAX_FQL_BYTES),
      "\\".repeat(MAX_FQL_BYTES),
      `'${"\\".repeat(MAX_FQL_BYTES - 2)}'`,
      `${"properties.missing = 1 or ".repeat(190)}true`,
      `match(properties.text, '${"*a".repeat(2480)}*b')`,
      `match(properties.text, '${"*a".repeat(2480)}*')`,
      `contains(properties.text, '${"a".repeat(4950)}b')`,
    ];
    for (const source of hostile) {
      expect(source.length, source.slice(0, 20)).toBeLessThanOrEqual(MAX_FQL_BYTES);
    }
    for (const source of hostile.slice(0, 3)) expect(parseError(source), source.slice(0, 20)).toMatch(/nesting is deeper than 64 levels/);
    expect(run(hostile[3]!, event)).toBe(false); // a field named by 2,500 escaped backslashes
    expect(run(hostile[4]!, event)).toBe(false); // a string of 2,499 backslashes as the condition
    expect(run(hostile[5]!, event)).toBe(true);
    expect(run(hostile[6]!, event)).toBe(false);
    expect(run(hostile[7]!, event)).toBe(true);
    expect(run(hostile[8]!, event)).toBe(false);
  });
});

describe("match() cost on hostile texts", () => {
  // The bench times the longest allowed run against a 32 KB value; here, only the bound.
  it("refuses runs of more than 64 characters between stars, and answers the longest allowed one on 32 KB", () => {
    expect(parseFql(`match(properties.x, "*${"a".repeat(65)}*")`).ok).toBe(false);
    expect(run(`match(properties.x, "*${"a".repeat(63)}b*")`, { properties: { x: "a".repeat(32_000) } })).toBe(false);
    expect(run(`match(properties.x, "*${"a".repeat(63)}*")`, { properties: { x: "a".repeat(32_000) } })).toBe(true);
  });
});
