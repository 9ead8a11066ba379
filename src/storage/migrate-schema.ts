/**
 * Versioned schemas for Durable Object SQLite: every DO class lists its schema as steps, and
 * `steps[i]` takes a database from version i to i + 1. The version lives in a one-row table
 * (`schema_version`) rather than `PRAGMA user_version`, which Durable Object SQLite does not
 * let a Worker set (it answers "not authorized").
 *
 * An object written before versioning existed has its tables but no version (0), so it runs
 * every step: the first step of each class is its original `CREATE TABLE IF NOT EXISTS` list and
 * later steps check before they change anything, so an existing object upgrades instead of
 * failing. Each step and its version are written in one transaction: a crash between steps
 * leaves a consistent version to resume from.
 *
 * A step is SQL or, when it must look before it changes anything (a column an older object may
 * already have), a function of the storage.
 */
export type SchemaStep = string | ((sql: SqlStorage) => void);

/**
 * Which steps a database at `recorded` still needs, in order. A version past the steps means
 * the object was written by newer code (a rollback): refuse, rather than run code that does not
 * know its tables.
 */
export function pendingSteps(recorded: number, stepCount: number): number[] {
  if (!Number.isInteger(recorded) || recorded < 0) throw new Error(`schema_version holds ${recorded}, not a version: the object's storage is damaged`);
  if (recorded > stepCount) {
    throw new Error(
      `the object's schema is at version ${recorded}, newer than this code knows (${stepCount}): deploy the newer code again instead of rolling back`,
    );
  }
  return Array.from({ length: stepCount - recorded }, (_, index) => recorded + index);
}

/**
 * Brings the object's schema up to date; answers the version it is at. Synchronous, like the
 * SQLite API: call it from the constructor, before any request can reach the object.
 */
export function migrateSchema(storage: DurableObjectStorage, steps: readonly SchemaStep[]): number {
  const { sql } = storage;
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)");
  const recorded = sql.exec<{ version: number }>("SELECT version FROM schema_version WHERE id = 1").toArray()[0]?.version ?? 0;
  for (const index of pendingSteps(recorded, steps.length)) {
    storage.transactionSync(() => {
      const step = steps[index]!;
      if (typeof step === "string") sql.exec(step);
      else step(sql);
      sql.exec("INSERT OR REPLACE INTO schema_version (id, version) VALUES (1, ?)", index + 1);
    });
  }
  return steps.length;
}

/** Whether `table` has `column`: for steps that add a column an older object may already have. */
export function hasColumn(sql: SqlStorage, table: string, column: string): boolean {
  return sql
    .exec<{ name: string }>(`PRAGMA table_info(${table})`)
    .toArray()
    .some((row) => row.name === column);
}
