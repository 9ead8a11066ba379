import type { Source } from "./source";
import type { SourceStore } from "./source-store";

/**
 * Write-key lookups for the ingest path, so a tracking request does not query D1: first this
 * isolate's memory, then the colo's Cache API, then D1. Entries live briefly, so a disabled
 * source is refused everywhere within CACHE_TTL_SECONDS; the admin API also evicts its entries
 * in the colo that served the change. Unknown keys are cached too, more briefly, so a client
 * with a wrong key cannot turn its retries into D1 load.
 */
const CACHE_TTL_SECONDS = 60;
const MISS_TTL_SECONDS = 10;
const MEMORY_TTL_MS = 15_000;

type Entry = { source: Source | null; expiresAt: number };
const memory = new Map<string, Entry>();
const MEMORY_LIMIT = 1_000;

export class SourceCache {
  constructor(
    private readonly store: SourceStore,
    private readonly cache: Cache | undefined = typeof caches === "undefined" ? undefined : caches.default,
  ) {}

  async findByWriteKey(writeKey: string, now = Date.now()): Promise<Source | null> {
    const remembered = memory.get(writeKey);
    if (remembered && remembered.expiresAt > now) return remembered.source;

    const cacheKey = await this.cacheKeyFor(writeKey);
    const cached = await this.cache?.match(cacheKey);
    if (cached) {
      const source = (await cached.json()) as Source | null;
      this.remember(writeKey, source, now);
      return source;
    }

    const source = await this.store.findByWriteKey(writeKey);
    this.remember(writeKey, source, now);
    const ttl = source ? CACHE_TTL_SECONDS : MISS_TTL_SECONDS;
    await this.cache?.put(
      cacheKey,
      new Response(JSON.stringify(source), { headers: { "Cache-Control": `max-age=${ttl}` } }),
    );
    return source;
  }

  async evict(writeKey: string): Promise<void> {
    memory.delete(writeKey);
    await this.cache?.delete(await this.cacheKeyFor(writeKey));
  }

  private remember(writeKey: string, source: Source | null, now: number): void {
    if (memory.size >= MEMORY_LIMIT) memory.delete(memory.keys().next().value!);
    memory.set(writeKey, { source, expiresAt: now + MEMORY_TTL_MS });
  }

  /** The key is hashed so write keys never appear in cache URLs or logs. */
  private async cacheKeyFor(writeKey: string): Promise<Request> {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(writeKey));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    return new Request(`https://sluice.internal/sources/by-write-key/${hex}`);
  }
}
