import type { Source } from "./source";
import type { SourceStore } from "./source-store";

/**
 * Write-key (and script-alias) lookups for the edge, so a request does not query D1: first this
 * isolate's memory, then the colo's Cache API, then D1. Entries live briefly, so a disabled
 * source is refused everywhere within CACHE_TTL_SECONDS; the admin API also evicts its entries
 * in the colo that served the change. Unknown keys are cached too, more briefly, so a client
 * with a wrong key cannot turn its retries into D1 load. Aliases and write keys are separate
 * kinds of key, so an alias can never be mistaken for a write key (or the reverse).
 */
const CACHE_TTL_SECONDS = 60;
const MISS_TTL_SECONDS = 10;
const MEMORY_TTL_MS = 15_000;

type Kind = "by-write-key" | "by-script-alias";
type Entry = { source: Source | null; expiresAt: number };
const memory = new Map<string, Entry>();
const MEMORY_LIMIT = 1_000;

export class SourceCache {
  /**
   * `defer` (the request's `waitUntil`) lets a miss answer as soon as D1 has: filling the colo's
   * cache then finishes after the response. Without it the fill is awaited.
   */
  constructor(
    private readonly store: SourceStore,
    private readonly cache: Cache | undefined = typeof caches === "undefined" ? undefined : caches.default,
    private readonly defer?: (work: Promise<unknown>) => void,
  ) {}

  findByWriteKey(writeKey: string, now = Date.now()): Promise<Source | null> {
    return this.find("by-write-key", writeKey, () => this.store.findByWriteKey(writeKey), now);
  }

  findByScriptAlias(alias: string, now = Date.now()): Promise<Source | null> {
    return this.find("by-script-alias", alias, () => this.store.findByScriptAlias(alias), now);
  }

  async evict(writeKey: string): Promise<void> {
    await this.evictKey("by-write-key", writeKey);
  }

  async evictScriptAlias(alias: string): Promise<void> {
    await this.evictKey("by-script-alias", alias);
  }

  private async find(kind: Kind, key: string, load: () => Promise<Source | null>, now: number): Promise<Source | null> {
    const memoryKey = `${kind}:${key}`;
    const remembered = memory.get(memoryKey);
    if (remembered && remembered.expiresAt > now) return remembered.source;

    const cacheKey = await this.cacheKeyFor(kind, key);
    const cached = await this.cache?.match(cacheKey);
    if (cached) {
      const source = await cached.json<Source | null>();
      this.remember(memoryKey, source, now);
      return source;
    }

    const source = await load();
    this.remember(memoryKey, source, now);
    const ttl = source ? CACHE_TTL_SECONDS : MISS_TTL_SECONDS;
    const fill = this.cache?.put(cacheKey, new Response(JSON.stringify(source), { headers: { "Cache-Control": `max-age=${ttl}` } }));
    if (fill && this.defer) this.defer(fill.catch((error: unknown) => console.error("could not cache a source look-up", error)));
    else await fill;
    return source;
  }

  private async evictKey(kind: Kind, key: string): Promise<void> {
    memory.delete(`${kind}:${key}`);
    await this.cache?.delete(await this.cacheKeyFor(kind, key));
  }

  private remember(memoryKey: string, source: Source | null, now: number): void {
    if (memory.size >= MEMORY_LIMIT) memory.delete(memory.keys().next().value!);
    memory.set(memoryKey, { source, expiresAt: now + MEMORY_TTL_MS });
  }

  /** The key is hashed so write keys never appear in cache URLs or logs. */
  private async cacheKeyFor(kind: Kind, key: string): Promise<Request> {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    return new Request(`https://sluice.internal/sources/${kind}/${hex}`);
  }
}
