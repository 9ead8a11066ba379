import { shardName, shardOf } from "../sharding/fnv";

/**
 * The identifier → profile index is sharded by identifier so no single Durable Object serves
 * every event of a workspace. Users and accounts are separate collections: their keys are
 * prefixed by collection and live in separate shards. The count is fixed: changing it remaps
 * keys to shards that do not hold them.
 */
export const IDENTITY_SHARD_COUNT = 32;

export type Collection = "users" | "accounts";
export const COLLECTIONS: readonly Collection[] = ["users", "accounts"];

/** `users/user_id:abc`: the key the index stores. */
export function indexKey(collection: Collection, identifierKey: string): string {
  return `${collection}/${identifierKey}`;
}

/** Every shard of a collection (Durable Object names), for readers of the whole index. */
export function identityShardNames(spaceId: string, collection: Collection): string[] {
  return Array.from({ length: IDENTITY_SHARD_COUNT }, (_, shard) => shardName(`${spaceId}-identity-${collection}`, shard));
}

/** The shard (Durable Object name) that owns an index key. */
export function identityShardName(spaceId: string, collection: Collection, key: string): string {
  return shardName(`${spaceId}-identity-${collection}`, shardOf(key, IDENTITY_SHARD_COUNT));
}
