/**
 * Deduplication state is sharded by messageId so no single Durable Object sees every event.
 * The count is fixed: changing it remaps ids to other shards and forgets the 24-hour window.
 */
export const DEDUPE_SHARD_COUNT = 32;

/** 24 hours, Segment's documented look-back window for duplicate messageIds. */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** FNV-1a: cheap, stable across runtimes, and evenly spread for random-looking ids. */
export function shardForMessageId(messageId: string, shardCount = DEDUPE_SHARD_COUNT): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < messageId.length; i++) {
    hash ^= messageId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shardCount;
}

/** One workspace's dedupe shards are named after it, so workspaces never share state. */
export function dedupeShardName(spaceId: string, shard: number): string {
  return `${spaceId}-dedupe-${String(shard).padStart(2, "0")}`;
}
