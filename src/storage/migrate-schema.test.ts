import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEDUPE_SCHEMA } from "../../workers/dedupe-object";
import { PROFILE_SCHEMA } from "../../workers/profile-object";
import { hasColumn, migrateSchema, pendingSteps } from "./migrate-schema";

describe("pendingSteps", () => {
  it("runs the steps past the recorded version, in order", () => {
    expect(pendingSteps(0, 3)).toEqual([0, 1, 2]);
    expect(pendingSteps(2, 3)).toEqual([2]);
    expect(pendingSteps(3, 3)).toEqual([]);
  });

  it("refuses a schema newer than the code, and a version that is not one", () => {
    expect(() => pendingSteps(4, 3)).toThrow(/version 4, newer than this code knows \(3\)/);
    expect(() => pendingSteps(-1, 3)).toThrow(/not a version/);
  });
});

/** A fresh dedupe shard's storage, emptied: what the test puts in is all it holds. */
async function inBlankObject<T>(run: (storage: DurableObjectStorage) => T): Promise<T> {
  const stub = env.DEDUPE.get(env.DEDUPE.idFromName(`migrate-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance, state) => {
    const { sql } = state.storage;
    const tables = sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray();
    for (const { name } of tables) sql.exec(`DROP TABLE ${name}`);
    return run(state.storage);
  });
}

describe("migrateSchema in a Durable Object's SQLite", () => {
  it("creates a new object's schema once and records its version", async () => {
    await inBlankObject((storage) => {
      const steps = ["CREATE TABLE IF NOT EXISTS things (id TEXT PRIMARY KEY)", "ALTER TABLE things ADD COLUMN size INTEGER"];
      expect(migrateSchema(storage, steps)).toBe(2);
      expect(migrateSchema(storage, steps)).toBe(2); // the ALTER would fail if it ran again
      expect(hasColumn(storage.sql, "things", "size")).toBe(true);
      expect(storage.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version).toBe(2);
    });
  });

  it("upgrades a shard written before versioning (tables and the v2 column, no version) and keeps its rows", async () => {
    await inBlankObject((storage) => {
      const { sql } = storage;
      // What the shard looked like under the previous code: its tables, the `blocked` column it
      // added by hand, a seen row, and no schema_version table.
      sql.exec("CREATE TABLE seen (message_id TEXT PRIMARY KEY, owner TEXT NOT NULL, source_id TEXT NOT NULL, seen_at INTEGER NOT NULL)");
      sql.exec("ALTER TABLE seen ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0");
      sql.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      sql.exec("INSERT INTO seen VALUES ('m1', 'o1', 's1', 1, 1)");
      expect(migrateSchema(storage, DEDUPE_SCHEMA)).toBe(DEDUPE_SCHEMA.length);
      expect(sql.exec("SELECT message_id, blocked FROM seen").toArray()).toEqual([{ message_id: "m1", blocked: 1 }]);
      expect(sql.exec("SELECT COUNT(*) AS n FROM outbox").one()).toEqual({ n: 0 }); // the missing table was created
    });
  });

  it("upgrades a v1 shard without the column by adding it", async () => {
    await inBlankObject((storage) => {
      migrateSchema(storage, DEDUPE_SCHEMA.slice(0, 1));
      expect(hasColumn(storage.sql, "seen", "blocked")).toBe(false);
      migrateSchema(storage, DEDUPE_SCHEMA);
      expect(hasColumn(storage.sql, "seen", "blocked")).toBe(true);
    });
  });

  it("upgrades a profile written before consent records: its rows stay, the consent table is added", async () => {
    await inBlankObject((storage) => {
      migrateSchema(storage, PROFILE_SCHEMA.slice(0, 1));
      storage.sql.exec("INSERT INTO meta (key, value) VALUES ('id', 'use_1')");
      expect(migrateSchema(storage, PROFILE_SCHEMA)).toBe(PROFILE_SCHEMA.length);
      expect(storage.sql.exec("SELECT value FROM meta WHERE key = 'id'").toArray()).toEqual([{ value: "use_1" }]);
      expect(storage.sql.exec("SELECT COUNT(*) AS n FROM consent").one()).toEqual({ n: 0 });
    });
  });

  it("keeps the version of the last step that succeeded when a later one fails", async () => {
    await inBlankObject((storage) => {
      const steps = ["CREATE TABLE IF NOT EXISTS things (id TEXT PRIMARY KEY)", "ALTER TABLE nowhere ADD COLUMN size INTEGER"];
      expect(() => migrateSchema(storage, steps)).toThrow();
      expect(storage.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version).toBe(1);
    });
  });

  it("cannot use PRAGMA user_version instead: Durable Object SQLite refuses it", async () => {
    await inBlankObject((storage) => {
      expect(() => storage.sql.exec("PRAGMA user_version = 1")).toThrow(/not authorized/);
    });
  });
});
