import { isRetentionDays, MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, type Source } from "./source";
import { SourceCache } from "./source-cache";
import type { SourceStore, SourceUpdate } from "./source-store";

/** `scriptAlias: null` removes the alias; `retentionDays: null` keeps the archive without limit. */
export type SourceChanges = SourceUpdate;

export type SourceChangeResult = { source: Source } | { error: "not-found" } | { error: "alias-taken" } | { error: "invalid-retention"; message: string };

export const RETENTION_RULE = `a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}, or null to keep everything`;

/**
 * Changes a source and evicts every cache entry it answered to: its write key, its old alias and
 * its new one (a miss for the new alias may have been cached by a request made before it
 * existed). Shared by the admin API and the console, so both follow the same rules.
 */
export async function changeSource(store: SourceStore, id: string, changes: SourceChanges, now: Date): Promise<SourceChangeResult> {
  const { retentionDays } = changes;
  if (retentionDays !== undefined && retentionDays !== null && !isRetentionDays(retentionDays)) {
    return { error: "invalid-retention", message: `retentionDays must be ${RETENTION_RULE}.` };
  }
  const before = await store.get(id);
  if (!before) return { error: "not-found" };
  const source = await store.update(before.id, changes, now);
  if (!source) return (await store.get(before.id)) ? { error: "alias-taken" } : { error: "not-found" };
  const cache = new SourceCache(store);
  await cache.evict(source.writeKey);
  for (const alias of new Set([before.scriptAlias, source.scriptAlias])) {
    if (alias) await cache.evictScriptAlias(alias);
  }
  return { source };
}
