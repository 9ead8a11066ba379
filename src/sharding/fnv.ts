/**
 * Which shard (Durable Object) owns a key, for every sharded state: dedupe shards messageIds,
 * identity shards index keys. Callers fix their shard counts: changing one remaps keys to
 * shards that do not hold them.
 */

/** FNV-1a (32-bit, over UTF-16 code units): cheap, stable across runtimes, evenly spread for random-looking ids. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The shard, from 0 to `shardCount - 1`, that owns `key`. */
export function shardOf(key: string, shardCount: number): number {
  return fnv1a(key) % shardCount;
}

/** `<prefix>-07`: the Durable Object name of a shard, its number padded to two digits. */
export function shardName(prefix: string, shard: number): string {
  return `${prefix}-${String(shard).padStart(2, "0")}`;
}
