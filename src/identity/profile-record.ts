import type { ConsentRecord } from "./consent";
import type { HeldIdentifier, Identifier } from "./identifier";
import type { Collection } from "./index-shards";
import type { TraitState } from "./traits";

/**
 * The shapes a ProfileObject takes in and gives out over RPC (workers/profile-object.ts).
 * Plain data, so the pipeline and the Profile API can be written against them without the runtime.
 */

/** An identifier as the profile holds it, with where it came from (the Profile API's external_ids). */
export interface StoredIdentifier extends HeldIdentifier {
  sourceId: string | null;
  firstMessageId: string | null;
}

export interface RecordedEvent {
  messageId: string;
  type: string;
  /** track's `event`, page/screen's `name`, else null. */
  name: string | null;
  sourceId: string;
  timestamp: string;
  /** The accepted event as JSON. */
  body: string;
}

export interface ProfileLink {
  collection: Collection;
  profileId: string;
  identifiers: Identifier[];
  sourceId: string | null;
  createdAt: string;
}

export interface ProfileMetadata {
  created_at: string;
  updated_at: string;
  first_message_id: string | null;
  first_source_id: string | null;
  last_message_id: string | null;
  last_source_id: string | null;
  first_timestamp: string | null;
  last_timestamp: string | null;
}

/** What an absorbed profile hands to the survivor of a merge. */
export interface ProfileSnapshot {
  id: string;
  mergedInto: string | null;
  mergeCount: number;
  identifiers: StoredIdentifier[];
  traits: TraitState;
  /** Events are not in the snapshot: a merge copies them in pages (`eventPage`), however many. */
  links: ProfileLink[];
  metadata: ProfileMetadata | null;
  /** The survivor keeps the newer of the two (consent.ts). */
  consent: ConsentRecord | null;
}

/** One event applied to a profile: its traits (identify for users, group for accounts) and record. */
export interface ProfileUpdate {
  event: RecordedEvent;
  /** Traits to apply; undefined when the call carries none for this collection. */
  traits?: Record<string, unknown>;
  link?: Omit<ProfileLink, "createdAt">;
  /** Consent the event records (a user's profile only: consent.ts). */
  consent?: ConsentRecord;
  now: string;
}

/** Recent events are kept 14 days (Profile API: "Get up to 14 days of a profile's historical events"). */
export const EVENT_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;
