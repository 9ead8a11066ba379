import { z } from "zod";
import { StoredDataError, parseStoredJson } from "../storage/stored-json";
import { DEFAULT_IDENTITY_CONFIG, identityConfigSchema, type IdentityConfig } from "./identity-config";
import type { EventViolation } from "./violations";

/** An `identity_config` row: the rules as the JSON text `saveIdentityConfig` wrote. */
const storedConfigRow = z.object({ config: z.string() });

/** A space's identity rules as saved through the admin API; the defaults until one is saved. */
export async function loadIdentityConfig(db: D1Database, spaceId: string): Promise<IdentityConfig> {
  const row = await db.prepare("SELECT config FROM identity_config WHERE space_id = ?").bind(spaceId).first();
  if (!row) return DEFAULT_IDENTITY_CONFIG;
  // Saved rules were validated when saved; parse again so a hand-edited row cannot break the
  // consumer: rules that no longer read are logged, and the defaults apply until they are fixed.
  try {
    return parseStoredJson(identityConfigSchema, storedConfigRow.parse(row).config, `identity_config.config of ${spaceId}`);
  } catch (error) {
    if (!(error instanceof StoredDataError)) throw error;
    console.error(`${error.message} Using the default identity rules meanwhile.`);
    return DEFAULT_IDENTITY_CONFIG;
  }
}

export async function saveIdentityConfig(db: D1Database, spaceId: string, config: IdentityConfig, now: Date): Promise<void> {
  await db
    .prepare(
      `INSERT INTO identity_config (space_id, config, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (space_id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`,
    )
    .bind(spaceId, JSON.stringify(config), now.toISOString())
    .run();
}

/** A row of `listViolations`' aggregate. */
const violationCount = z.object({
  reason: z.string(),
  type: z.string(),
  count: z.number(),
  lastSeen: z.string(),
  lastMessage: z.string(),
});

export type ViolationCount = z.infer<typeof violationCount>;

/** Violations older than this are deleted when new ones are recorded. */
export const VIOLATION_RETENTION_DAYS = 30;
/** D1 binds at most 100 parameters per statement; a row binds 6. */
const ROWS_PER_STATEMENT = 16;

/**
 * Records a batch's violations, one row per event, reason and type (a redelivered event's rows
 * are ignored), in one D1 batch whatever the number of events.
 */
export async function recordViolations(db: D1Database, spaceId: string, violations: readonly EventViolation[], now: Date): Promise<void> {
  if (violations.length === 0) return;
  const seenAt = now.toISOString();
  const statements: D1PreparedStatement[] = [];
  for (let offset = 0; offset < violations.length; offset += ROWS_PER_STATEMENT) {
    const rows = violations.slice(offset, offset + ROWS_PER_STATEMENT);
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO identity_violations (space_id, message_id, reason, type, message, seen_at) VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}`,
        )
        .bind(...rows.flatMap((violation) => [spaceId, violation.messageId, violation.reason, violation.type ?? "", violation.message, seenAt])),
    );
  }
  const expired = new Date(now.getTime() - VIOLATION_RETENTION_DAYS * 86_400_000).toISOString();
  statements.push(db.prepare("DELETE FROM identity_violations WHERE space_id = ? AND seen_at < ?").bind(spaceId, expired));
  await db.batch(statements);
}

/** Counts by reason and type over the retention window; the newest row gives the last message. */
export async function listViolations(db: D1Database, spaceId: string): Promise<ViolationCount[]> {
  // SQLite takes bare columns of an aggregate with MAX() from the row holding the maximum.
  const { results } = await db
    .prepare(
      `SELECT reason, type, COUNT(*) AS count, MAX(seen_at) AS lastSeen, message AS lastMessage FROM identity_violations
       WHERE space_id = ? GROUP BY reason, type ORDER BY count DESC, reason, type`,
    )
    .bind(spaceId)
    .all();
  return z.array(violationCount).parse(results);
}
