import { z } from "zod";
import type { ConsentRecord } from "../identity/consent";
import type { ProfileLink, ProfileMetadata, RecordedEvent, StoredIdentifier } from "../identity/profile-record";
import { verboseTraits, visibleTraits, type TraitState } from "../identity/traits";
import { parseStoredJson } from "../storage/stored-json";

const storedEvent = z.record(z.string(), z.unknown());

/**
 * The Profile API's response bodies, as pure functions of what a ProfileObject holds (shapes
 * from Segment's Profile API doc: `{traits, cursor}`, `{data, cursor}`, `{metadata}`, `{data}`).
 */
export interface Cursor {
  url: string;
  has_more: boolean;
  next: string;
}

/** Traits sorted by name, paged by the name to start at (`next`). */
export function traitsPage(
  state: TraitState,
  options: { include?: string[]; verbose: boolean; limit: number; next?: string; url: string },
): { traits: Record<string, unknown>; cursor: Cursor } {
  const all = options.verbose ? verboseTraits(state) : visibleTraits(state);
  const names = Object.keys(all)
    .filter((name) => !options.include || options.include.includes(name))
    .sort()
    .filter((name) => options.next === undefined || name >= options.next);
  const page = names.slice(0, options.limit);
  const following = names[options.limit];
  return {
    traits: Object.fromEntries(page.map((name) => [name, all[name]])),
    cursor: { url: options.url, has_more: following !== undefined, next: following ?? "" },
  };
}

export function externalIdsPage(
  identifiers: readonly StoredIdentifier[],
  collection: string,
  options: { include?: string[]; limit: number; offset: number; url: string },
): { data: unknown[]; cursor: Cursor } {
  const matching = identifiers.filter((identifier) => !options.include || options.include.includes(identifier.type));
  const page = matching.slice(options.offset, options.offset + options.limit);
  const hasMore = matching.length > options.offset + options.limit;
  return {
    data: page.map((identifier) => ({
      source_id: identifier.sourceId,
      collection,
      id: identifier.value,
      type: identifier.type,
      created_at: identifier.addedAt,
      encoding: "none",
      first_message_id: identifier.firstMessageId,
    })),
    cursor: { url: options.url, has_more: hasMore, next: hasMore ? encodeOffset(options.offset + options.limit) : "" },
  };
}

/** Events as the Profile API lists them: the event in snake_case envelope fields, with `related`. */
export function eventsPage(
  rows: readonly RecordedEvent[],
  context: { collection: string; segmentId: string; externalIds: { collection: string; type: string; id: string; encoding: string }[] },
  options: { limit: number; offset: number; url: string },
): { data: unknown[]; cursor: Cursor } {
  const hasMore = rows.length > options.limit;
  return {
    data: rows.slice(0, options.limit).map((row) => {
      const event = parseStoredJson(storedEvent, row.body, `profile event ${row.messageId}`);
      const { messageId: _m, projectId: _p, timestamp: _t, type: _type, ...fields } = event;
      return {
        external_ids: context.externalIds,
        ...fields,
        type: row.type,
        message_id: row.messageId,
        source_id: row.sourceId,
        timestamp: row.timestamp,
        related: { [context.collection]: context.segmentId },
      };
    }),
    cursor: { url: options.url, has_more: hasMore, next: hasMore ? encodeOffset(options.offset + options.limit) : "" },
  };
}

export function metadataBody(
  metadata: ProfileMetadata,
  segmentId: string,
): {
  metadata: Pick<ProfileMetadata, "created_at" | "updated_at" | "first_message_id" | "first_source_id" | "last_message_id" | "last_source_id"> & {
    segment_id: string;
    expires_at: null;
  };
} {
  return {
    metadata: {
      segment_id: segmentId,
      created_at: metadata.created_at,
      updated_at: metadata.updated_at,
      expires_at: null,
      first_message_id: metadata.first_message_id,
      first_source_id: metadata.first_source_id,
      last_message_id: metadata.last_message_id,
      last_source_id: metadata.last_source_id,
    },
  };
}

/**
 * `consent`: the newest preferences recorded (src/identity/consent.ts), or null. Segment documents
 * no Profile API resource for consent, so this one is Sluice's; its field names follow the
 * consent object's (`categoryPreferences`).
 */
export function consentBody(consent: ConsentRecord | null): { consent: { categoryPreferences: Record<string, boolean>; updatedAt: string } | null } {
  return { consent: consent && { categoryPreferences: consent.categoryPreferences, updatedAt: consent.updatedAt } };
}

export function linksBody(links: readonly ProfileLink[]): { data: unknown[] } {
  return {
    data: links.map((link) => ({
      to_collection: link.collection,
      external_ids: link.identifiers.map((identifier) => ({
        id: identifier.value,
        type: identifier.type,
        source_id: link.sourceId,
        collection: link.collection,
        created_at: link.createdAt,
        encoding: "none",
      })),
    })),
  };
}

/** List cursors are opaque to clients: a base64url offset. */
export function encodeOffset(offset: number): string {
  return btoa(`o:${offset}`).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

export function decodeOffset(cursor: string): number | undefined {
  try {
    const match = /^o:(\d{1,9})$/.exec(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
