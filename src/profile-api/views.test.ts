import { describe, expect, it } from "vitest";
import { decodeOffset, encodeOffset, eventsPage, externalIdsPage, metadataBody, traitsPage } from "./views";

const url = "/v1/spaces/s/collections/users/profiles/use_x/traits";
const state = {
  b: { value: 2, source_id: "src", updated_at: "2026-01-02T00:00:00.000Z" },
  a: { value: 1, source_id: "src", updated_at: "2026-01-01T00:00:00.000Z" },
  gone: { value: null, source_id: "src", updated_at: "2026-01-03T00:00:00.000Z" },
  c: { value: "", source_id: null, updated_at: "2026-01-01T00:00:00.000Z" },
};

describe("Profile API views", () => {
  it("pages traits by name, hides removed ones, and follows `next`", () => {
    expect(traitsPage(state, { verbose: false, limit: 2, url })).toEqual({
      traits: { a: 1, b: 2 },
      cursor: { url, has_more: true, next: "c" },
    });
    expect(traitsPage(state, { verbose: false, limit: 2, next: "c", url }).traits).toEqual({ c: "" });
    expect(traitsPage(state, { verbose: true, include: ["b", "gone"], limit: 10, url }).traits).toEqual({ b: state.b });
  });

  it("pages external ids with opaque cursors", () => {
    const ids = ["a", "b", "c"].map((value) => ({ type: "anonymous_id", value, addedAt: "t", sourceId: "src", firstMessageId: "m" }));
    const first = externalIdsPage(ids, "users", { limit: 2, offset: 0, url });
    expect(first.data).toHaveLength(2);
    expect(first.data[0]).toEqual({
      source_id: "src",
      collection: "users",
      id: "a",
      type: "anonymous_id",
      created_at: "t",
      encoding: "none",
      first_message_id: "m",
    });
    expect(decodeOffset(first.cursor.next)).toBe(2);
    expect(externalIdsPage(ids, "users", { limit: 2, offset: 2, url }).cursor).toEqual({ url, has_more: false, next: "" });
    expect(decodeOffset("not a cursor")).toBeUndefined();
    expect(decodeOffset(encodeOffset(12345))).toBe(12345);
  });

  it("lists events in Segment's envelope and metadata with the segment_id", () => {
    const body = JSON.stringify({ type: "track", event: "Bought", messageId: "m1", projectId: "src", timestamp: "t", properties: { total: 3 } });
    const rows = [{ messageId: "m1", type: "track", name: "Bought", sourceId: "src", timestamp: "2026-01-01T00:00:00.000Z", body }];
    const page = eventsPage(rows, { collection: "users", segmentId: "use_x", externalIds: [] }, { limit: 1, offset: 0, url });
    expect(page.data).toEqual([
      {
        external_ids: [],
        event: "Bought",
        properties: { total: 3 },
        type: "track",
        message_id: "m1",
        source_id: "src",
        timestamp: "2026-01-01T00:00:00.000Z",
        related: { users: "use_x" },
      },
    ]);
    expect(page.cursor.has_more).toBe(false);
    const metadata = {
      created_at: "c",
      updated_at: "u",
      first_message_id: "f",
      first_source_id: "fs",
      last_message_id: "l",
      last_source_id: "ls",
      first_timestamp: null,
      last_timestamp: null,
    };
    expect(metadataBody(metadata, "use_x").metadata).toMatchObject({ segment_id: "use_x", created_at: "c", expires_at: null, last_source_id: "ls" });
  });
});
