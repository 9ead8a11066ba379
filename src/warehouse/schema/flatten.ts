import type { WarehouseValue } from "../parquet/types";
import { toColumnName } from "./naming";

/**
 * Properties, traits and context as columns (docs, Warehouse Schemas, "How warehouse tables
 * handle nested objects and arrays"): objects are flattened (`context.app.version` is
 * `context_app_version`, `traits.address.street` is `address_street`), arrays of any kind are
 * stringified (`product_id: ["507f1", "505bd"]` is one string column; Sluice writes it as JSON).
 * "Segment creates and populates a column only when it receives a non-null value", so nulls and
 * empty objects make no column.
 *
 * Two keys can name one column (`fooBar` and `foo_bar`, or keys that differ only in characters
 * go-snakecase drops). The docs do not say which wins; Sluice keeps the value of the first key
 * path in code-unit order (`fooBar` before `foo_bar`: `B` sorts before `_`), whatever order the JSON had, so the result
 * depends only on the data.
 */
export function flattenToColumns(value: Readonly<Record<string, unknown>>, prefix: readonly string[] = []): Map<string, WarehouseValue> {
  const leaves: Leaf[] = [];
  collectLeaves(value, [...prefix], leaves);
  leaves.sort((a, b) => comparePaths(a.path, b.path));
  const columns = new Map<string, WarehouseValue>();
  for (const leaf of leaves) {
    const name = toColumnName(leaf.path);
    // A key of which nothing survives snake-casing (`名前`, `$$$`) has no column to go to.
    if (name !== "" && !columns.has(name)) columns.set(name, leaf.value);
  }
  return columns;
}

interface Leaf {
  path: string[];
  value: WarehouseValue;
}

function collectLeaves(value: Readonly<Record<string, unknown>>, path: string[], into: Leaf[]): void {
  // Object.keys lists own keys only, so `__proto__` and `constructor` from JSON are plain data.
  for (const key of Object.keys(value)) {
    const child = value[key];
    const childPath = [...path, key];
    if (child === null || child === undefined) continue;
    if (Array.isArray(child)) into.push({ path: childPath, value: JSON.stringify(child) });
    else if (typeof child === "object") collectLeaves(child as Record<string, unknown>, childPath, into);
    else if (typeof child === "string" || typeof child === "boolean") into.push({ path: childPath, value: child });
    else if (typeof child === "number" && Number.isFinite(child)) into.push({ path: childPath, value: child });
  }
}

function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const left = a[index] ?? "";
    const right = b[index] ?? "";
    if (left !== right) return left < right ? -1 : 1;
  }
  return a.length - b.length;
}
