import { DurableObject } from "cloudflare:workers";
import type { AppEnv } from "../src/env";
import { migrateSchema, type SchemaStep } from "../src/storage/migrate-schema";

/** The shard's SQLite schema, one step per version (src/storage/migrate-schema.ts). */
export const IDENTITY_INDEX_SCHEMA: readonly SchemaStep[] = [
  "CREATE TABLE IF NOT EXISTS mapping (key TEXT PRIMARY KEY, profile_id TEXT NOT NULL, mapped_at INTEGER NOT NULL)",
];

/**
 * One shard of the identifier → profile index (src/identity/index-shards.ts). Claims are atomic
 * per shard: a key, once mapped, keeps its owner until a merge repoints it, so two racing events
 * can never map one identifier to two profiles; the loser sees the winner and resolves again.
 */
export class IdentityIndexObject extends DurableObject<AppEnv> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: AppEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrateSchema(ctx.storage, IDENTITY_INDEX_SCHEMA);
  }

  /** The owner of each key, null when unmapped. */
  lookup(keys: string[]): (string | null)[] {
    return keys.map((key) => this.ownerOf(key));
  }

  /** Maps each unmapped key to `profileId`; answers every key's owner afterwards. */
  claim(keys: string[], profileId: string): string[] {
    const now = Date.now();
    return this.ctx.storage.transactionSync(() =>
      keys.map((key) => {
        this.sql.exec("INSERT OR IGNORE INTO mapping (key, profile_id, mapped_at) VALUES (?, ?, ?)", key, profileId, now);
        return this.ownerOf(key)!;
      }),
    );
  }

  /** A page of the profiles the shard maps keys to, in id order after `after` (the warehouse's identity tables read them all). */
  profileIds(after: string | null, limit: number): string[] {
    return this.sql
      .exec<{ profile_id: string }>("SELECT DISTINCT profile_id FROM mapping WHERE profile_id > ? ORDER BY profile_id LIMIT ?", after ?? "", limit)
      .toArray()
      .map((row) => row.profile_id);
  }

  /** Points keys owned by `from` at `to` (after a merge); keys owned by anyone else are left alone. */
  repoint(keys: string[], from: string, to: string): void {
    this.ctx.storage.transactionSync(() => {
      for (const key of keys) this.sql.exec("UPDATE mapping SET profile_id = ? WHERE key = ? AND profile_id = ?", to, key, from);
    });
  }

  /**
   * A deletion: forgets the mappings of `keys` (index keys, `users/<type>:<value>`) that point at
   * one of `profileIds` (the erased profiles); a key since claimed by someone else stays. Answers
   * how many mappings went.
   */
  release(keys: string[], profileIds: string[]): number {
    const owners = new Set(profileIds);
    return this.ctx.storage.transactionSync(() => {
      let released = 0;
      for (const key of keys) {
        const owner = this.ownerOf(key);
        if (owner === null || !owners.has(owner)) continue;
        this.sql.exec("DELETE FROM mapping WHERE key = ?", key);
        released += 1;
      }
      return released;
    });
  }

  private ownerOf(key: string): string | null {
    return this.sql.exec<{ profile_id: string }>("SELECT profile_id FROM mapping WHERE key = ?", key).toArray()[0]?.profile_id ?? null;
  }
}
