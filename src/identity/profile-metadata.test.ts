import { describe, expect, it } from "vitest";
import { absorbMetadata, EMPTY_METADATA, recordEventInMetadata, viewMetadata, type MetadataState } from "./profile-metadata";
import type { ProfileMetadata } from "./profile-record";

const created: MetadataState = { ...EMPTY_METADATA, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" };
const event = (messageId: string, timestamp: string, sourceId = "s1") => ({ messageId, sourceId, timestamp });

describe("recordEventInMetadata", () => {
  it("marks the first event as both first and last, and the profile updated now", () => {
    const next = recordEventInMetadata(created, event("m1", "2026-01-02T00:00:00.000Z"), "2026-01-05T00:00:00.000Z");
    expect(next).toMatchObject({
      first_message_id: "m1",
      last_message_id: "m1",
      first_source_id: "s1",
      updated_at: "2026-01-05T00:00:00.000Z",
      created_at: created.created_at,
    });
  });

  it("moves first only for an earlier event and last for one at or after the last, whatever the arrival order", () => {
    let state = recordEventInMetadata(created, event("middle", "2026-01-02T00:00:00.000Z"), "n1");
    state = recordEventInMetadata(state, event("early", "2026-01-01T12:00:00.000Z", "s2"), "n2");
    state = recordEventInMetadata(state, event("late", "2026-01-03T00:00:00.000Z"), "n3");
    expect([state.first_message_id, state.first_source_id, state.last_message_id]).toEqual(["early", "s2", "late"]);
    const tie = recordEventInMetadata(state, event("same-time", "2026-01-03T00:00:00.000Z"), "n4");
    expect([tie.first_message_id, tie.last_message_id]).toEqual(["early", "same-time"]);
  });

  it("does not change the state it was given", () => {
    recordEventInMetadata(created, event("m1", "2026-01-02T00:00:00.000Z"), "now");
    expect(created.first_message_id).toBeNull();
  });
});

describe("absorbMetadata", () => {
  const ours = {
    ...created,
    first_timestamp: "2026-01-02T00:00:00.000Z",
    first_message_id: "o-first",
    first_source_id: "s1",
    last_timestamp: "2026-01-04T00:00:00.000Z",
    last_message_id: "o-last",
    last_source_id: "s1",
  };
  const theirs: ProfileMetadata = {
    created_at: "2025-12-01T00:00:00.000Z",
    updated_at: "2025-12-01T00:00:00.000Z",
    first_timestamp: "2026-01-01T00:00:00.000Z",
    first_message_id: "t-first",
    first_source_id: "s2",
    last_timestamp: "2026-01-03T00:00:00.000Z",
    last_message_id: "t-last",
    last_source_id: "s2",
  };

  it("takes the earlier first and the later last of the two; created_at stays the survivor's", () => {
    const next = absorbMetadata(ours, theirs, "2026-02-01T00:00:00.000Z");
    expect(next).toMatchObject({
      first_message_id: "t-first",
      first_source_id: "s2",
      last_message_id: "o-last",
      created_at: created.created_at,
      updated_at: "2026-02-01T00:00:00.000Z",
    });
    expect(absorbMetadata(next, theirs, "later")).toEqual({ ...next, updated_at: "later" });
  });

  it("takes their marks when the survivor has none, and only touches updated_at when they have no metadata", () => {
    expect(absorbMetadata(created, theirs, "now")).toMatchObject({ first_message_id: "t-first", last_message_id: "t-last" });
    expect(absorbMetadata(ours, null, "now")).toEqual({ ...ours, updated_at: "now" });
  });

  it("keeps the survivor's ids where theirs lack them", () => {
    const partial = { ...theirs, first_message_id: null, first_source_id: null };
    expect(absorbMetadata(ours, partial, "now")).toMatchObject({ first_timestamp: theirs.first_timestamp, first_message_id: "o-first", first_source_id: "s1" });
  });
});

describe("viewMetadata", () => {
  it("is null before the profile is created, and falls back to created_at for updated_at", () => {
    expect(viewMetadata(EMPTY_METADATA)).toBeNull();
    expect(viewMetadata({ ...created, updated_at: null })?.updated_at).toBe(created.created_at);
  });
});
