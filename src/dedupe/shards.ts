import { shardName, shardOf } from "../sharding/fnv";

/**
 * Deduplication state is sharded by messageId so no single Durable Object sees every event.
 * The count is fixed: changing it remaps ids to other shards and forgets the 24-hour window.
 */
export const DEDUPE_SHARD_COUNT = 32;

/** 24 hours, Segment's documented look-back window for duplicate messageIds. */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The shard that deduplicates a messageId. */
export function shardForMessageId(messageId: string): number {
  return shardOf(messageId, DEDUPE_SHARD_COUNT);
}

/** One workspace's dedupe shards are named after it, so workspaces never share state. */
export function dedupeShardName(spaceId: string, shard: number): string {
  return shardName(`${spaceId}-dedupe`, shard);
}
