import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { consentRecordSchema, newerConsent, type ConsentRecord } from "../src/identity/consent";
import type { Identifier } from "../src/identity/identifier";
import type { Collection } from "../src/identity/index-shards";
import {
  EVENT_RETENTION_MS,
  type ProfileLink,
  type ProfileSnapshot,
  type ProfileUpdate,
  type RecordedEvent,
  type StoredIdentifier,
} from "../src/identity/profile-record";
import { absorbMetadata, EMPTY_METADATA, recordEventInMetadata, viewMetadata, type MetadataState } from "../src/identity/profile-metadata";
import type { EventQuery, ProfileView } from "../src/identity/profile-view";
import type { ProfileDescription } from "../src/identity/resolve-event";
import { applyTraits, mergeTraitStates, traitStateSchema, type TraitState } from "../src/identity/traits";
import { parseStoredJson } from "../src/storage/stored-json";
import type { AppEnv } from "../src/env";
import { migrateSchema, type SchemaStep } from "../src/storage/migrate-schema";
import { coveredFrom, namesCoveredPerson } from "../src/privacy/covered";
import type { ErasureScope } from "../src/privacy/deletion-deps";

type Meta = Record<string, string>;

const storedIdentifiers = z.array(z.object({ type: z.string(), value: z.string() }));

/** The profile's SQLite schema, one step per version (src/storage/migrate-schema.ts). */
export const PROFILE_SCHEMA: readonly SchemaStep[] = [
  `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS identifiers (
    type TEXT NOT NULL, value TEXT NOT NULL, added_at TEXT NOT NULL, source_id TEXT, first_message_id TEXT,
    seq INTEGER NOT NULL, PRIMARY KEY (type, value));
  CREATE TABLE IF NOT EXISTS events (
    message_id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT, source_id TEXT NOT NULL,
    timestamp TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS events_by_time ON events (timestamp);
  CREATE TABLE IF NOT EXISTS links (
    collection TEXT NOT NULL, profile_id TEXT NOT NULL, identifiers TEXT NOT NULL, source_id TEXT,
    created_at TEXT NOT NULL, PRIMARY KEY (collection, profile_id));
  CREATE TABLE IF NOT EXISTS absorbed (from_id TEXT PRIMARY KEY, at TEXT NOT NULL);
  `,
  // Consent preferences (src/identity/consent.ts): one row, the newest record.
  `CREATE TABLE IF NOT EXISTS consent (id INTEGER PRIMARY KEY CHECK (id = 1), record TEXT NOT NULL);`,
];

/**
 * One profile (named by its segment_id): identifiers, traits, 14 days of events, metadata, links,
 * consent preferences, and, once merged into another profile, a forwarding pointer. Each method parses, calls the pure
 * rules (src/identity), persists in one transaction; every write is idempotent so the pipeline
 * may repeat it after a crash.
 */
export class ProfileObject extends DurableObject<AppEnv> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: AppEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrateSchema(ctx.storage, PROFILE_SCHEMA);
  }

  create(id: string, collection: Collection, createdAt: string): void {
    this.ctx.storage.transactionSync(() => {
      this.setMetaOnce("id", id);
      this.setMetaOnce("collection", collection);
      this.setMetaOnce("created_at", createdAt);
      this.setMetaOnce("updated_at", createdAt);
      this.setMetaOnce("merge_count", "0");
    });
  }

  describe(): ProfileDescription {
    const meta = this.meta();
    return {
      exists: meta.created_at !== undefined,
      id: meta.id ?? "",
      createdAt: meta.created_at ?? "",
      mergedInto: meta.merged_into ?? null,
      mergePending: meta.merged_into !== undefined && meta.merge_done === undefined,
      mergeCount: Number(meta.merge_count ?? 0),
      identifiers: this.identifiers().map(({ type, value, addedAt }) => ({ type, value, addedAt })),
    };
  }

  /** Records identifiers the index maps here; false when this profile was merged away. */
  addIdentifiers(identifiers: Identifier[], at: string): boolean {
    return this.ctx.storage.transactionSync(() => {
      if (this.meta().merged_into) return false;
      for (const identifier of identifiers) this.insertIdentifier({ ...identifier, addedAt: at, sourceId: null, firstMessageId: null });
      return true;
    });
  }

  /** Applies one event: traits, the event record, metadata, a link. Idempotent by messageId. */
  apply(update: ProfileUpdate): { mergedInto: string | null } {
    return this.ctx.storage.transactionSync(() => {
      const meta = this.meta();
      if (meta.merged_into) return { mergedInto: meta.merged_into };
      const { event } = update;
      const seen = this.sql.exec("SELECT 1 FROM events WHERE message_id = ?", event.messageId).toArray().length > 0;
      if (!seen) {
        this.insertEvent(event);
        if (update.traits) {
          const traits = applyTraits(this.traits(), update.traits, { timestamp: event.timestamp, sourceId: event.sourceId });
          this.setMeta("traits", JSON.stringify(traits));
        }
        this.sql.exec("UPDATE identifiers SET source_id = ?, first_message_id = ? WHERE first_message_id IS NULL", event.sourceId, event.messageId);
        this.saveMetadata(meta, recordEventInMetadata(metadataState(meta), event, update.now));
        if (update.consent) this.saveConsent(update.consent);
      }
      if (update.link) this.insertLink({ ...update.link, createdAt: update.now });
      this.pruneEvents(update.now);
      return { mergedInto: null };
    });
  }

  snapshot(): ProfileSnapshot {
    const meta = this.meta();
    return {
      id: meta.id ?? "",
      mergedInto: meta.merged_into ?? null,
      mergeCount: Number(meta.merge_count ?? 0),
      identifiers: this.identifiers(),
      traits: this.traits(),
      links: this.links(),
      metadata: viewMetadata(metadataState(meta)),
      consent: this.consent(),
    };
  }

  /** Events in messageId order after `after`, for a merge to copy in bounded pages. */
  eventPage(after: string | null, limit: number): RecordedEvent[] {
    return this.sql
      .exec<EventRow>("SELECT * FROM events WHERE message_id > ? ORDER BY message_id LIMIT ?", after ?? "", limit)
      .toArray()
      .map(toRecordedEvent);
  }

  /**
   * Takes in a page of a merged profile's events (idempotent by messageId), before `absorb`. A
   * profile merged away itself takes nothing and names where it went.
   */
  absorbEvents(events: RecordedEvent[]): { forwardTo: string | null } {
    return this.ctx.storage.transactionSync(() => {
      const mergedInto = this.meta().merged_into;
      if (mergedInto) return { forwardTo: mergedInto };
      for (const event of events) this.insertEvent(event);
      return { forwardTo: null };
    });
  }

  /**
   * Takes in a merged profile's data once (by its id), after its events (`absorbEvents`). A profile merged away itself takes nothing
   * and names where it went, so the caller hands the data on to the live survivor.
   */
  absorb(from: ProfileSnapshot, at: string): { forwardTo: string | null } {
    return this.ctx.storage.transactionSync(() => {
      const meta = this.meta();
      if (meta.merged_into) return { forwardTo: meta.merged_into };
      if (this.sql.exec("SELECT 1 FROM absorbed WHERE from_id = ?", from.id).toArray().length > 0) return { forwardTo: null };
      this.sql.exec("INSERT INTO absorbed (from_id, at) VALUES (?, ?)", from.id, at);
      for (const identifier of from.identifiers) this.insertIdentifier(identifier);
      for (const link of from.links) this.insertLink(link);
      this.setMeta("traits", JSON.stringify(mergeTraitStates(this.traits(), from.traits)));
      this.setMeta("merge_count", String(Number(meta.merge_count ?? 0) + from.mergeCount + 1));
      this.saveMetadata(meta, absorbMetadata(metadataState(meta), from.metadata, at));
      // A snapshot from code older than consent records has none.
      if (from.consent) this.saveConsent(from.consent);
      return { forwardTo: null };
    });
  }

  /**
   * Seals this profile as merged into `id`: from now on it takes no identifiers or events (they
   * are forwarded), so the snapshot the survivor absorbs is final. Answers the profile it is
   * merged into, which is another one when a concurrent merge sealed it first.
   */
  markMergedInto(id: string): string {
    this.setMetaOnce("merged_into", id);
    return this.meta().merged_into!;
  }

  /** The survivor holds this profile's data; lookups no longer need to finish the merge. */
  confirmMerged(): void {
    this.setMetaOnce("merge_done", new Date().toISOString());
  }

  /**
   * What a deletion must know before erasing this profile: where it was merged, which profiles it
   * absorbed (they still hold their own copy), its identifiers, and the accounts it links to.
   */
  erasureScope(): ErasureScope {
    const meta = this.meta();
    return {
      exists: meta.created_at !== undefined,
      collection: (meta.collection as Collection | undefined) ?? null,
      mergedInto: meta.merged_into ?? null,
      absorbed: this.sql
        .exec<{ from_id: string }>("SELECT from_id FROM absorbed ORDER BY from_id")
        .toArray()
        .map((row) => row.from_id),
      identifierKeys: this.identifiers().map(({ type, value }) => `${type}:${value}`),
      accountIds: this.links()
        .filter((link) => link.collection === "accounts")
        .map((link) => link.profileId),
    };
  }

  /**
   * A deletion: drops everything this profile holds (rows, not tables, so a later read answers
   * "no such profile" instead of failing). Answers whether there was anything.
   */
  erase(): boolean {
    return this.ctx.storage.transactionSync(() => {
      const existed = this.meta().created_at !== undefined;
      for (const table of ["meta", "identifiers", "events", "links", "absorbed"]) this.sql.exec(`DELETE FROM ${table}`);
      return existed;
    });
  }

  /**
   * A deletion, on an account a deleted person belonged to: drops the events that name them (their
   * group calls) and the links to their erased profiles; the account itself stays. Answers what
   * went, and where the account was merged (its data moved on, so the caller goes there too).
   */
  forget(keys: string[], profileIds: string[]): { events: number; links: number; mergedInto: string | null } {
    const covered = coveredFrom(keys);
    const erased = new Set(profileIds);
    return this.ctx.storage.transactionSync(() => {
      const events = this.sql
        .exec<{ message_id: string; body: string }>("SELECT message_id, body FROM events")
        .toArray()
        .filter((row) => namesCoveredPerson(JSON.parse(row.body), covered));
      for (const row of events) this.sql.exec("DELETE FROM events WHERE message_id = ?", row.message_id);
      const links = this.links().filter(
        (link) => erased.has(link.profileId) || link.identifiers.some(({ type, value }) => covered.keys.has(`${type}:${value}`)),
      );
      for (const link of links) this.sql.exec("DELETE FROM links WHERE collection = ? AND profile_id = ?", link.collection, link.profileId);
      return { events: events.length, links: links.length, mergedInto: this.meta().merged_into ?? null };
    });
  }

  view(): ProfileView {
    const meta = this.meta();
    return {
      exists: meta.created_at !== undefined,
      id: meta.id ?? "",
      collection: (meta.collection as Collection | undefined) ?? null,
      mergedInto: meta.merged_into ?? null,
      mergePending: meta.merged_into !== undefined && meta.merge_done === undefined,
      traits: this.traits(),
      identifiers: this.identifiers(),
      links: this.links(),
      metadata: viewMetadata(metadataState(meta)),
      consent: this.consent(),
    };
  }

  /** A page of recent events, `limit + 1` rows so the caller knows whether more follow. */
  readEvents(query: EventQuery): RecordedEvent[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.start) {
      where.push("timestamp >= ?");
      params.push(query.start);
    }
    if (query.end) {
      where.push("timestamp < ?");
      params.push(query.end);
    }
    if (query.exclude.length > 0) {
      where.push(`COALESCE(name, type) NOT IN (${query.exclude.map(() => "?").join(", ")})`);
      params.push(...query.exclude);
    }
    const order = query.sort === "asc" ? "ASC" : "DESC";
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY timestamp ${order}, message_id ${order} LIMIT ? OFFSET ?`;
    return this.sql
      .exec<EventRow>(sql, ...params, query.limit + 1, query.offset)
      .toArray()
      .map(toRecordedEvent);
  }

  /** Writes the metadata fields that changed (each is a row of `meta`). */
  private saveMetadata(meta: Meta, next: MetadataState): void {
    for (const [key, value] of Object.entries(next)) {
      if (value !== null && value !== meta[key]) this.setMeta(key, value);
    }
  }

  /** Keeps the newer of the stored consent and `incoming` (consent.ts); writes only a change. */
  private saveConsent(incoming: ConsentRecord): void {
    const current = this.consent();
    const kept = newerConsent(current, incoming);
    if (kept !== current) {
      this.sql.exec("INSERT INTO consent (id, record) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record", JSON.stringify(kept));
    }
  }

  private insertIdentifier(identifier: StoredIdentifier): void {
    this.sql.exec(
      `INSERT OR IGNORE INTO identifiers (type, value, added_at, source_id, first_message_id, seq)
       VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM identifiers))`,
      identifier.type,
      identifier.value,
      identifier.addedAt,
      identifier.sourceId,
      identifier.firstMessageId,
    );
  }

  private insertEvent(event: RecordedEvent): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO events (message_id, type, name, source_id, timestamp, body) VALUES (?, ?, ?, ?, ?, ?)",
      event.messageId,
      event.type,
      event.name,
      event.sourceId,
      event.timestamp,
      event.body,
    );
  }

  private insertLink(link: ProfileLink): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO links (collection, profile_id, identifiers, source_id, created_at) VALUES (?, ?, ?, ?, ?)",
      link.collection,
      link.profileId,
      JSON.stringify(link.identifiers),
      link.sourceId,
      link.createdAt,
    );
  }

  private pruneEvents(now: string): void {
    this.sql.exec("DELETE FROM events WHERE timestamp < ?", new Date(Date.parse(now) - EVENT_RETENTION_MS).toISOString());
  }

  private identifiers(): StoredIdentifier[] {
    return this.sql
      .exec<{ type: string; value: string; added_at: string; source_id: string | null; first_message_id: string | null }>(
        "SELECT type, value, added_at, source_id, first_message_id FROM identifiers ORDER BY seq",
      )
      .toArray()
      .map((row) => ({ type: row.type, value: row.value, addedAt: row.added_at, sourceId: row.source_id, firstMessageId: row.first_message_id }));
  }

  private links(): ProfileLink[] {
    return this.sql
      .exec<{ collection: Collection; profile_id: string; identifiers: string; source_id: string | null; created_at: string }>(
        "SELECT * FROM links ORDER BY created_at, profile_id",
      )
      .toArray()
      .map((row) => ({
        collection: row.collection,
        profileId: row.profile_id,
        identifiers: parseStoredJson(storedIdentifiers, row.identifiers, `links.identifiers of ${row.collection}/${row.profile_id}`),
        sourceId: row.source_id,
        createdAt: row.created_at,
      }));
  }

  private consent(): ConsentRecord | null {
    const raw = this.sql.exec<{ record: string }>("SELECT record FROM consent WHERE id = 1").toArray()[0]?.record;
    return raw ? parseStoredJson(consentRecordSchema, raw, "consent.record") : null;
  }

  private traits(): TraitState {
    const raw = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'traits'").toArray()[0]?.value;
    return raw ? parseStoredJson(traitStateSchema, raw, "meta.traits") : {};
  }

  private meta(): Meta {
    const rows = this.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta WHERE key != 'traits'").toArray();
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  }

  /**
   * An upsert, not INSERT OR REPLACE: a replace deletes the row and its key's index entry and
   * inserts both again (2 rows written, each billed), an update in place writes 1. Every event
   * changes about three metadata fields of its profile.
   */
  private setMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  private setMetaOnce(key: string, value: string): void {
    this.sql.exec("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", key, value);
  }
}

type EventRow = {
  message_id: string;
  type: string;
  name: string | null;
  source_id: string;
  timestamp: string;
  body: string;
};

/** The metadata fields among the `meta` rows. */
function metadataState(meta: Meta): MetadataState {
  return Object.fromEntries(Object.keys(EMPTY_METADATA).map((key) => [key, meta[key] ?? null])) as MetadataState;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return { messageId: row.message_id, type: row.type, name: row.name, sourceId: row.source_id, timestamp: row.timestamp, body: row.body };
}
