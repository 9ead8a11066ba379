import type { ProfileMetadata, RecordedEvent } from "./profile-record";

/**
 * How a profile's metadata (the Profile API's `metadata`) moves when an event arrives and when a
 * merge's survivor absorbs another profile. Pure, with `now` passed in; ProfileObject stores the
 * result. Every field may be missing in storage (a profile not yet created, or created before a
 * field existed), hence the nullable state.
 */
export type MetadataState = { [Key in keyof ProfileMetadata]: ProfileMetadata[Key] | null };

export const EMPTY_METADATA: MetadataState = {
  created_at: null,
  updated_at: null,
  first_message_id: null,
  first_source_id: null,
  last_message_id: null,
  last_source_id: null,
  first_timestamp: null,
  last_timestamp: null,
};

/**
 * An event's mark: it becomes the first message when strictly earlier than the first (the first
 * one seen keeps a tie), and the last when at or after the last (the one applied later takes a
 * tie, as it is the newer arrival). Either way the profile was updated `now`.
 */
export function recordEventInMetadata(state: MetadataState, event: Pick<RecordedEvent, "messageId" | "sourceId" | "timestamp">, now: string): MetadataState {
  const next = { ...state, updated_at: now };
  const at = Date.parse(event.timestamp);
  if (state.first_timestamp === null || at < Date.parse(state.first_timestamp)) {
    Object.assign(next, { first_timestamp: event.timestamp, first_message_id: event.messageId, first_source_id: event.sourceId });
  }
  if (state.last_timestamp === null || at >= Date.parse(state.last_timestamp)) {
    Object.assign(next, { last_timestamp: event.timestamp, last_message_id: event.messageId, last_source_id: event.sourceId });
  }
  return next;
}

/**
 * The survivor's metadata after absorbing `theirs`: the earlier first message and the later last
 * message of the two (ties keep the survivor's, so absorbing twice changes nothing). created_at
 * stays the survivor's: its segment_id and record are the ones that live on. updated_at is `now`.
 * A mark missing its message or source id keeps the survivor's, as stored profiles may lack them.
 */
export function absorbMetadata(ours: MetadataState, theirs: ProfileMetadata | null, now: string): MetadataState {
  const next = { ...ours, updated_at: now };
  if (!theirs) return next;
  if (theirs.first_timestamp && (ours.first_timestamp === null || Date.parse(theirs.first_timestamp) < Date.parse(ours.first_timestamp))) {
    next.first_timestamp = theirs.first_timestamp;
    next.first_message_id = theirs.first_message_id ?? ours.first_message_id;
    next.first_source_id = theirs.first_source_id ?? ours.first_source_id;
  }
  if (theirs.last_timestamp && (ours.last_timestamp === null || Date.parse(theirs.last_timestamp) > Date.parse(ours.last_timestamp))) {
    next.last_timestamp = theirs.last_timestamp;
    next.last_message_id = theirs.last_message_id ?? ours.last_message_id;
    next.last_source_id = theirs.last_source_id ?? ours.last_source_id;
  }
  return next;
}

/** The metadata the Profile API shows, or null for a profile not created yet. */
export function viewMetadata(state: MetadataState): ProfileMetadata | null {
  if (state.created_at === null) return null;
  return { ...state, created_at: state.created_at, updated_at: state.updated_at ?? state.created_at };
}
