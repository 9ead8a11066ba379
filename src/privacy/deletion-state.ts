import { z } from "zod";
import { migrateSchema, type SchemaStep } from "../storage/migrate-schema";
import { parseStoredJson } from "../storage/stored-json";
import { REGULATION_TYPES, regulationProgressSchema, type RegulationProgress, type RegulationType, type StoreProgress } from "./regulation";

/**
 * A deletion's durable state in its RegulationObject's SQLite: what it covers, which step it is
 * at and each step's cursor, and what it found and removed, so an alarm that dies anywhere is
 * resumed by the next one from the last recorded unit of work.
 *
 * - `covered`: the identifier keys with their hashes (a table, not one JSON value: 5,000 people
 *   with a handful of ids each would pass a row's 2 MB limit).
 * - `subjects`: the userIds as asked, in order (forwarded deletions go by them).
 * - `objects`: archive objects the index named, each erased once, unindexed, then verified;
 *   `planned` is what its rewrite removes, recorded before the write (see archive-erase.ts).
 * - `removals`: what other units removed (a shard's outbox, a dead letter, a profile…), by kind.
 * - `removed_messages`: messageIds of removed events, for the D1 rows that name events.
 * - `profiles`, `profile_keys`, `accounts`: the profiles reached from the covered keys (merged
 *   ones included), their identifiers, and the accounts they link to.
 * - `deliveries`: per destination, the forwarded deletion's cursor into `subjects` and retries.
 */
export const DELETION_SCHEMA: readonly SchemaStep[] = [
  `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS covered (key TEXT PRIMARY KEY, hash TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS subjects (position INTEGER PRIMARY KEY, user_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS objects (
    key TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT 'pending', planned INTEGER, planned_outcome TEXT,
    removed INTEGER NOT NULL DEFAULT 0, outcome TEXT, unindexed INTEGER NOT NULL DEFAULT 0, verified INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS removals (step TEXT NOT NULL, unit TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (step, unit, kind));
  CREATE TABLE IF NOT EXISTS done_units (step TEXT NOT NULL, unit TEXT NOT NULL, PRIMARY KEY (step, unit));
  CREATE TABLE IF NOT EXISTS removed_messages (message_id TEXT PRIMARY KEY);
  CREATE TABLE IF NOT EXISTS profiles (id TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT 'found', existed INTEGER NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS profile_keys (key TEXT PRIMARY KEY);
  CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT 'pending');
  CREATE TABLE IF NOT EXISTS deliveries (
    destination_id TEXT PRIMARY KEY, state TEXT NOT NULL, next INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    first_attempt_at INTEGER, retry_at INTEGER, error TEXT);
  `,
];

/** The steps of a deletion, in order; each regulation type runs a subset (deletion-steps.ts). */
export const DELETION_STEPS = [
  "settle",
  "outbox",
  "archive-index",
  "archive-erase",
  "archive-unindex",
  "dead-letters",
  "debugger",
  "replays",
  "profiles-discover",
  "profiles-release",
  "profiles-erase",
  "accounts",
  "d1",
  "warehouse",
  "destinations",
  "verify",
  "finish",
  "done",
] as const;
export type DeletionStep = (typeof DELETION_STEPS)[number];

export interface DeletionSpec {
  id: string;
  regulationType: RegulationType;
  createdAt: string;
}

const specSchema = z.object({ id: z.string(), regulationType: z.enum(REGULATION_TYPES), createdAt: z.string() });

export class DeletionState {
  readonly sql: SqlStorage;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
  }

  migrate(): void {
    migrateSchema(this.storage, DELETION_SCHEMA);
  }

  transaction<T>(work: () => T): T {
    return this.storage.transactionSync(work);
  }

  /** Records the regulation once; false when it was already recorded (a second start). */
  init(job: {
    spec: DeletionSpec;
    covered: readonly { key: string; hash: string }[];
    subjectIds: readonly string[];
    steps: readonly DeletionStep[];
    progress: RegulationProgress;
    settleUntil: number;
  }): boolean {
    if (this.getMeta("spec") !== undefined) return false;
    const { spec, covered, subjectIds, steps, progress } = job;
    this.transaction(() => {
      this.setMeta("settle_until", String(job.settleUntil));
      for (const { key, hash } of covered) this.sql.exec("INSERT OR IGNORE INTO covered (key, hash) VALUES (?, ?)", key, hash);
      subjectIds.forEach((userId, position) => this.sql.exec("INSERT INTO subjects (position, user_id) VALUES (?, ?)", position, userId));
      this.setMeta("steps", JSON.stringify(steps));
      this.setMeta("step", steps[0]!);
      this.setMeta("progress", JSON.stringify(progress));
      this.setMeta("spec", JSON.stringify(spec));
    });
    return true;
  }

  spec(): DeletionSpec | undefined {
    const raw = this.getMeta("spec");
    return raw === undefined ? undefined : parseStoredJson(specSchema, raw, "regulation meta.spec");
  }

  step(): DeletionStep {
    return (this.getMeta("step") as DeletionStep | undefined) ?? "done";
  }

  /** Moves on to the step after the current one in this regulation's plan. */
  advance(): DeletionStep {
    const steps = parseStoredJson(z.array(z.enum(DELETION_STEPS)), this.getMeta("steps") ?? "[]", "regulation meta.steps");
    const next = steps[steps.indexOf(this.step()) + 1] ?? "done";
    this.setMeta("step", next);
    return next;
  }

  progress(): RegulationProgress {
    return parseStoredJson(regulationProgressSchema, this.getMeta("progress") ?? "{}", "regulation meta.progress");
  }

  saveProgress(progress: RegulationProgress): void {
    this.setMeta("progress", JSON.stringify(progress));
  }

  /** Changes one store's progress (in the caller's transaction, with the work it records). */
  updateStore(store: string, change: Partial<StoreProgress>): void {
    const progress = this.progress();
    const current = progress.stores[store] ?? { status: "pending", removed: {} };
    progress.stores[store] = { ...current, ...change };
    this.saveProgress(progress);
  }

  updateDestination(destinationId: string, change: Partial<StoreProgress>): void {
    const progress = this.progress();
    const current = progress.destinations[destinationId] ?? { status: "pending", removed: {} };
    progress.destinations[destinationId] = { ...current, ...change };
    this.saveProgress(progress);
  }

  coveredKeys(): string[] {
    return this.sql
      .exec<{ key: string }>("SELECT key FROM covered ORDER BY key")
      .toArray()
      .map((row) => row.key);
  }

  coveredHashes(): string[] {
    return this.sql
      .exec<{ hash: string }>("SELECT DISTINCT hash FROM covered ORDER BY hash")
      .toArray()
      .map((row) => row.hash);
  }

  subjects(from: number, limit: number): { position: number; userId: string }[] {
    return this.sql
      .exec<{ position: number; user_id: string }>("SELECT position, user_id FROM subjects WHERE position >= ? ORDER BY position LIMIT ?", from, limit)
      .toArray()
      .map((row) => ({ position: row.position, userId: row.user_id }));
  }

  subjectCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM subjects").one().n;
  }

  /** A unit's removals, recorded once: the first record wins, so a re-run after a crash does not recount. */
  recordRemoval(step: DeletionStep, unit: string, counts: Record<string, number>): void {
    for (const [kind, count] of Object.entries(counts)) {
      this.sql.exec("INSERT OR IGNORE INTO removals (step, unit, kind, count) VALUES (?, ?, ?, ?)", step, unit, kind, count);
    }
  }

  /** What a step's units removed, summed by kind. */
  removalTotals(step: DeletionStep): Record<string, number> {
    const rows = this.sql
      .exec<{ kind: string; total: number }>("SELECT kind, SUM(count) AS total FROM removals WHERE step = ? GROUP BY kind ORDER BY kind", step)
      .toArray();
    return Object.fromEntries(rows.map((row) => [row.kind, row.total]));
  }

  markDone(step: DeletionStep, unit: string): void {
    this.sql.exec("INSERT OR IGNORE INTO done_units (step, unit) VALUES (?, ?)", step, unit);
  }

  isDone(step: DeletionStep, unit: string): boolean {
    return this.sql.exec("SELECT 1 FROM done_units WHERE step = ? AND unit = ?", step, unit).toArray().length > 0;
  }

  addRemovedMessages(messageIds: readonly string[]): void {
    for (const id of messageIds) if (id !== "") this.sql.exec("INSERT OR IGNORE INTO removed_messages (message_id) VALUES (?)", id);
  }

  removedMessages(after: string, limit: number): string[] {
    return this.sql
      .exec<{ message_id: string }>("SELECT message_id FROM removed_messages WHERE message_id > ? ORDER BY message_id LIMIT ?", after, limit)
      .toArray()
      .map((row) => row.message_id);
  }

  getMeta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }

  numberMeta(key: string): number {
    return Number(this.getMeta(key) ?? 0);
  }

  /** Forgets what only a running deletion needs (which messages, which identifiers), once it is over. */
  dropWorkingSet(): void {
    this.transaction(() => {
      for (const table of ["covered", "subjects", "removed_messages", "profile_keys"]) this.sql.exec(`DELETE FROM ${table}`);
    });
  }
}
