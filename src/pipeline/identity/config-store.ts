import { DEFAULT_IDENTITY_CONFIG, parseIdentityConfig, type IdentityConfig } from "../../identity/identity-config";
import type { Violation } from "../../identity/violations";

/** A space's identity rules as saved through the admin API; the defaults until one is saved. */
export async function loadIdentityConfig(db: D1Database, spaceId: string): Promise<IdentityConfig> {
  const row = await db.prepare("SELECT config FROM identity_config WHERE space_id = ?").bind(spaceId).first<{ config: string }>();
  if (!row) return DEFAULT_IDENTITY_CONFIG;
  // Saved rules were validated when saved; parse again so a hand-edited row cannot break the consumer.
  const parsed = parseIdentityConfig(JSON.parse(row.config));
  if (parsed.ok) return parsed.config;
  console.error(`identity rules of space ${spaceId} are invalid (${parsed.errors.join(" ")}); using the defaults`);
  return DEFAULT_IDENTITY_CONFIG;
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

export interface ViolationCount {
  reason: string;
  type: string;
  count: number;
  lastSeen: string;
  lastMessage: string;
}

/** Counts a batch's violations by reason and type: one upsert per distinct pair. */
export function countViolations(violations: readonly Violation[], now: Date): ViolationCount[] {
  const counts = new Map<string, ViolationCount>();
  for (const violation of violations) {
    const type = violation.type ?? "";
    const key = `${violation.reason}\u0000${type}`;
    const current = counts.get(key);
    if (current) {
      current.count += 1;
      current.lastMessage = violation.message;
    } else {
      counts.set(key, { reason: violation.reason, type, count: 1, lastSeen: now.toISOString(), lastMessage: violation.message });
    }
  }
  return [...counts.values()];
}

export async function recordViolations(db: D1Database, spaceId: string, counts: readonly ViolationCount[]): Promise<void> {
  if (counts.length === 0) return;
  await db.batch(
    counts.map((count) =>
      db
        .prepare(
          `INSERT INTO identity_violations (space_id, reason, type, count, last_seen, last_message) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (space_id, reason, type) DO UPDATE SET count = count + excluded.count,
             last_seen = excluded.last_seen, last_message = excluded.last_message`,
        )
        .bind(spaceId, count.reason, count.type, count.count, count.lastSeen, count.lastMessage),
    ),
  );
}

export async function listViolations(db: D1Database, spaceId: string): Promise<ViolationCount[]> {
  const { results } = await db
    .prepare(
      `SELECT reason, type, count, last_seen AS lastSeen, last_message AS lastMessage FROM identity_violations
       WHERE space_id = ? ORDER BY count DESC, reason, type`,
    )
    .bind(spaceId)
    .all<ViolationCount>();
  return results;
}
