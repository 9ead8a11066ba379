import type { CompiledIdentityConfig } from "./identity-config";

/**
 * Identifier priority (docs: "Identity Resolution Settings > Priority"): "By default, Segment
 * explicitly orders user_id and email as rank 1 and 2, respectively. All other identifiers are in
 * alphabetical order beginning from rank 3." Types the admin ordered explicitly come first, in
 * that order; every other type follows alphabetically, so a new type "reshuffles" the ranks of
 * the unordered ones (the doc's android.id example) without touching the explicit ones.
 *
 * Alphabetical is by code unit, not locale: `android.id` < `anonymous_id` < `ga_client_id`, as
 * in the doc's table, on every runtime.
 */
export function comparePriority(config: CompiledIdentityConfig, a: string, b: string): number {
  const rankA = config.priorityIndex.get(a);
  const rankB = config.priorityIndex.get(b);
  if (rankA !== undefined || rankB !== undefined) {
    if (rankA === undefined) return 1;
    if (rankB === undefined) return -1;
    return rankA - rankB;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ranks `types` from 1 (highest priority), as the settings page shows them. */
export function rankTypes(config: CompiledIdentityConfig, types: Iterable<string>): { type: string; priority: number }[] {
  return [...new Set(types)].sort((a, b) => comparePriority(config, a, b)).map((type, index) => ({ type, priority: index + 1 }));
}
