import type { FqlComparison, FqlExpression, FqlFunction } from "./fql";
import { compileGlob, matchesGlob } from "./glob";
import { isPlainObject } from "../spec/validate-event";

/**
 * Evaluates a parsed FQL query against an event as Segment's evaluator does: @segment/tsub, the
 * one analytics-next runs for destination filters (fql-tsub.test.ts compares the two on generated
 * filters and events, and lists where we differ on purpose). Fails closed where nothing can be
 * evaluated: where Segment "can't infer your intent, Segment logs an internal error and drops the
 * event" (destination filters docs), the answer is "error" and the caller drops the event too.
 */

const UTF8 = new TextEncoder();

/** Patterns are almost always literals in a saved filter: compile each once, not per event. */
const GLOB_CACHE_SIZE = 256;
const globCache = new Map<string, ReturnType<typeof compileGlob>>();

function cachedGlob(pattern: string): ReturnType<typeof compileGlob> {
  if (globCache.has(pattern)) return globCache.get(pattern);
  const compiled = compileGlob(pattern);
  if (globCache.size >= GLOB_CACHE_SIZE) globCache.delete(globCache.keys().next().value!);
  globCache.set(pattern, compiled);
  return compiled;
}

const FAILED = Symbol("FQL evaluation error");
type Failed = typeof FAILED;

/** Whether `event` matches; "error" when Segment would drop the event instead of guessing. */
export function evaluateFql(expression: FqlExpression, event: Record<string, unknown>): boolean | "error" {
  const result = evaluateTruth(expression, event);
  return result === FAILED ? "error" : result;
}

/**
 * Boolean contexts (`and`, `or`, `!`, the whole query) count only `true` as true, as Segment's
 * browser evaluator does (tsub), so a missing field or a string is false. Evaluation stops at
 * the first operand that settles an `and` or `or`, left to right.
 */
function evaluateTruth(expression: FqlExpression, event: Record<string, unknown>): boolean | Failed {
  switch (expression.kind) {
    case "and":
    case "or": {
      const settles = expression.kind === "or";
      for (const operand of expression.operands) {
        const result = evaluateTruth(operand, event);
        if (result === FAILED || result === settles) return result;
      }
      return !settles;
    }
    case "not": {
      const result = evaluateTruth(expression.operand, event);
      return result === FAILED ? FAILED : !result;
    }
    default: {
      const value = evaluateValue(expression, event);
      return value === FAILED ? FAILED : value === true;
    }
  }
}

function evaluateValue(expression: FqlExpression, event: Record<string, unknown>): unknown {
  switch (expression.kind) {
    case "literal":
      return expression.value;
    case "field":
      return readEventField(event, expression.path);
    case "list": {
      const items = expression.items.map((item) => evaluateValue(item, event));
      return items.includes(FAILED) ? FAILED : items;
    }
    case "and":
    case "or":
    case "not":
      return evaluateTruth(expression, event);
    case "compare": {
      const left = evaluateValue(expression.left, event);
      const right = evaluateValue(expression.right, event);
      if (left === FAILED || right === FAILED) return FAILED;
      return compare(expression.operator, left, right);
    }
    case "call": {
      const args = expression.args.map((arg) => evaluateValue(arg, event));
      return args.includes(FAILED) ? FAILED : callFunction(expression.name, args);
    }
  }
}

/** Missing fields are null. Own keys only, so `constructor` or `__proto__` never reach the prototype. */
function readEventField(event: Record<string, unknown>, path: readonly string[]): unknown {
  let current: unknown = event;
  for (const key of path) {
    const index = Number(key);
    if (Array.isArray(current) && Number.isInteger(index) && index >= 0 && String(index) === key) {
      current = current[index];
    } else if (isPlainObject(current) && Object.hasOwn(current, key)) {
      current = current[key];
    } else {
      return null;
    }
  }
  return current ?? null;
}

/**
 * As Segment's evaluator (tsub, which says "FQL is 100% type strict"): `=` needs the same type
 * and value, `<` `<=` `>` `>=` hold only between two numbers (never strings), and `in` finds a
 * value in a list. Anything but a list for `in`, a missing one included, cannot be evaluated (tsub
 * throws there too), so a filter such as `userId in properties.blocklist` never lets an event
 * through because the list was left out.
 */
function compare(operator: FqlComparison, left: unknown, right: unknown): boolean | Failed {
  switch (operator) {
    case "=":
      return isEqual(left, right);
    case "!=":
      return !isEqual(left, right);
    case "in":
      return Array.isArray(right) ? right.some((item) => isEqual(left, item)) : FAILED;
    default:
      // NaN (the length of a number, say) compares false with everything, as in tsub.
      return typeof left === "number" && typeof right === "number" && holds(operator, left, right);
  }
}

function holds(operator: "<" | "<=" | ">" | ">=", left: number, right: number): boolean {
  switch (operator) {
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
  }
}

/**
 * Same type and value; NaN equals nothing. Lists and objects are equal when their JSON is: tsub
 * compares `JSON.stringify` of both ("Even in Go, this MUST be the same byte order"), so key
 * order matters. Walked iteratively, so a deep event cannot overflow the stack.
 */
function isEqual(left: unknown, right: unknown): boolean {
  const pending: [unknown, unknown][] = [[left, right]];
  for (let pair = pending.pop(); pair; pair = pending.pop()) {
    const [a, b] = pair;
    if (a === b) continue;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return false;
      a.forEach((item, i) => pending.push([item, b[i]]));
    } else if (isPlainObject(a) && isPlainObject(b)) {
      const keys = Object.keys(a);
      const otherKeys = Object.keys(b);
      if (keys.length !== otherKeys.length || keys.some((key, i) => key !== otherKeys[i])) return false;
      for (const key of keys) pending.push([a[key], b[key]]);
    } else {
      return false;
    }
  }
  return true;
}

/**
 * "Functions handle null with sensible defaults" (FQL docs), and other types as tsub does:
 * `contains()` and `match()` of anything but two strings are false, `length()` of null is 0 and
 * of anything but a string or list NaN (not a number: every comparison with it is false, `!=`
 * true), the case functions of anything but a string null. Only a malformed glob pattern from the
 * event cannot be evaluated (a literal one is refused when the filter is saved).
 */
function callFunction(name: FqlFunction, args: unknown[]): unknown {
  const [value, second] = args;
  switch (name) {
    case "contains":
    case "match": {
      if (typeof value !== "string" || typeof second !== "string") return false;
      if (name === "contains") return value.includes(second);
      const glob = cachedGlob(second);
      return glob ? matchesGlob(glob, value) : FAILED;
    }
    case "length":
      // "the number of bytes (not necessarily characters) in a string"
      if (value === null) return 0;
      if (typeof value === "string") return UTF8.encode(value).length;
      return Array.isArray(value) ? value.length : NaN;
    case "typeof":
      return typeOf(value);
    default:
      return typeof value === "string" ? changeCase(name, value) : null;
  }
}

/** "Returns the type of the given value: "string", "number", "list", "bool", or "null"." */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "boolean") return "bool";
  return typeof value === "string" || typeof value === "number" ? typeof value : "object";
}

function changeCase(name: "lowercase" | "uppercase" | "snakecase" | "kebabcase" | "titlecase", value: string): string {
  switch (name) {
    case "lowercase":
      return value.toLowerCase();
    case "uppercase":
      return value.toUpperCase();
    case "snakecase":
      return value.replaceAll(" ", "_");
    case "kebabcase":
      return value.replaceAll(" ", "-");
    case "titlecase":
      // The docs' example: `titlecase("test string")` returns `Test String`.
      return value
        .split(" ")
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join(" ");
  }
}
