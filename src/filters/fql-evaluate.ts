import type { FqlComparison, FqlExpression, FqlFunction } from "./fql";
import { compileGlob, matchesGlob } from "./glob";
import { isPlainObject } from "../spec/validate-event";

/**
 * Evaluates a parsed FQL query against an event. Fails closed: where Segment "can't infer your
 * intent, Segment logs an internal error and drops the event" (destination filters docs), the
 * answer is "error" and the caller drops the event too.
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

function compare(operator: FqlComparison, left: unknown, right: unknown): boolean | Failed {
  switch (operator) {
    case "=":
      return isEqual(left, right);
    case "!=":
      return !isEqual(left, right);
    case "in":
      if (right === null) return false;
      return Array.isArray(right) ? right.some((item) => isEqual(left, item)) : FAILED;
    default:
      // Segment documents numbers; strings are compared too, as its `received_at >= '2023-…'` example needs.
      if (typeof left === "number" && typeof right === "number") return holds(operator, left < right, left === right);
      if (typeof left === "string" && typeof right === "string") return holds(operator, left < right, left === right);
      return false;
  }
}

function holds(operator: "<" | "<=" | ">" | ">=", less: boolean, equal: boolean): boolean {
  switch (operator) {
    case "<":
      return less;
    case "<=":
      return less || equal;
    case ">":
      return !less && !equal;
    case ">=":
      return !less;
  }
}

/** Same type and same value; lists and objects compared deeply, iteratively so a deep event cannot overflow the stack. */
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
      if (keys.length !== Object.keys(b).length || !keys.every((key) => Object.hasOwn(b, key))) return false;
      for (const key of keys) pending.push([a[key], b[key]]);
    } else {
      return false;
    }
  }
  return true;
}

/**
 * "Functions handle null with sensible defaults": `contains( null, string )` and `match( null,
 * string )` are false, `length( null )` is 0, `lowercase( null )` is null. Any other type outside
 * a function's documented signature is an error, as Segment says of intent it cannot infer.
 */
function callFunction(name: FqlFunction, args: unknown[]): unknown {
  const [value, second] = args;
  switch (name) {
    case "contains":
    case "match": {
      if (value === null || second === null) return false;
      if (typeof value !== "string" || typeof second !== "string") return FAILED;
      if (name === "contains") return value.includes(second);
      const glob = cachedGlob(second);
      return glob ? matchesGlob(glob, value) : FAILED;
    }
    case "length":
      // "the number of bytes (not necessarily characters) in a string"
      if (value === null) return 0;
      if (typeof value === "string") return UTF8.encode(value).length;
      return Array.isArray(value) ? value.length : FAILED;
    case "typeof":
      return typeOf(value);
    default:
      if (value === null) return null;
      return typeof value === "string" ? changeCase(name, value) : FAILED;
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
