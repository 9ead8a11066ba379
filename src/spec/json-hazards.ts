/**
 * JSON that parses fine but would hurt the code that handles it afterwards:
 * - nesting deeper than a limit: workerd's queues, Durable Object RPC and recursive validators
 *   overflow their stacks a few thousand levels down (a 20 KB `[[[…]]]` does it), and an
 *   overflow in the EVENTS consumer fails the whole queue batch, neighbours included;
 * - a `__proto__` key: JSON.parse makes it an own property, but the first object spread, zod
 *   parse or assignment that copies it sets the copy's prototype instead (zod drops it), so the
 *   key would silently vanish or change what other keys read.
 * Refusing both where JSON comes in keeps every later stage simple. Iterative, so a hostile
 * 100,000-level body is measured without recursion.
 */

export type JsonHazard = { kind: "depth"; path: string[]; maxDepth: number } | { kind: "proto"; path: string[] };

/** Containers (objects and arrays) may nest this deep, the outermost counting as 1. */
export const MAX_JSON_DEPTH = 100;

interface Pending {
  value: unknown;
  depth: number;
  parent: Pending | undefined;
  key: string;
}

/**
 * The first hazard in `value` (depth-first), or undefined when it has none. With `depthOnly`,
 * `__proto__` keys are not looked for (for code that only needs to know it can walk the value).
 */
export function findJsonHazard(value: unknown, maxDepth: number = MAX_JSON_DEPTH, depthOnly = false): JsonHazard | undefined {
  const stack: Pending[] = [{ value, depth: 1, parent: undefined, key: "" }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const current = item.value;
    if (typeof current !== "object" || current === null) continue;
    if (item.depth > maxDepth) return { kind: "depth", path: pathOf(item), maxDepth };
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) {
        stack.push({ value: current[index], depth: item.depth + 1, parent: item, key: String(index) });
      }
      continue;
    }
    const keys = Object.keys(current);
    if (!depthOnly && Object.hasOwn(current, "__proto__")) return { kind: "proto", path: [...pathOf(item), "__proto__"] };
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index]!;
      stack.push({ value: (current as Record<string, unknown>)[key], depth: item.depth + 1, parent: item, key });
    }
  }
  return undefined;
}

/** What to tell the client: the field (dotted path) and what to do about it. */
export function describeJsonHazard(hazard: JsonHazard): { field: string; message: string } {
  if (hazard.kind === "proto") {
    const field = hazard.path.join(".");
    return {
      field,
      message: `${field}: the key __proto__ is refused: JavaScript code would take it for the object's prototype, not data. Rename it.`,
    };
  }
  // The path to the offending level is as long as the limit: name where it starts.
  const field = hazard.path.slice(0, 2).join(".");
  const where = field === "" ? "The JSON" : field;
  return {
    field,
    message: `${where} nests objects or arrays more than ${hazard.maxDepth} levels deep: flatten it.`,
  };
}

function pathOf(item: Pending): string[] {
  const path: string[] = [];
  for (let at: Pending | undefined = item; at?.parent !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}
