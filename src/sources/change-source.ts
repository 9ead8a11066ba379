import type { Source } from "./source";
import { SourceCache } from "./source-cache";
import type { SourceStore } from "./source-store";

export interface SourceChanges {
  name?: string;
  enabled?: boolean;
  /** null removes the alias. */
  scriptAlias?: string | null;
}

export type SourceChangeResult = { source: Source } | { error: "not-found" } | { error: "alias-taken" };

/**
 * Changes a source and evicts every cache entry it answered to: its write key, its old alias and
 * its new one (a miss for the new alias may have been cached by a request made before it
 * existed). Shared by the admin API and the console, so both follow the same rules.
 */
export async function changeSource(store: SourceStore, id: string, changes: SourceChanges, now: Date): Promise<SourceChangeResult> {
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
