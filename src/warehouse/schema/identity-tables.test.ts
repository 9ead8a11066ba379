import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { eventTableRows } from "./event-tables";
import { identityGraphRows, identityMergeRows, profileTraitsRow, resolveCanonicalIds, type IdentityProfile } from "./identity-tables";

const uuidTs = new Date("2024-06-01T00:00:00.000Z");

const id = (type: string, value: string, addedAt: string) => ({ type, value, addedAt, sourceId: "src_web", firstMessageId: `msg-${value}` });
const trait = (value: unknown) => ({ value, source_id: "src_web", updated_at: "2024-05-02T14:01:47.000Z" });

// The docs' case study: two anonymous visits, the same email, profile_2 merged into profile_1.
const profile1: IdentityProfile = {
  id: "profile_1",
  mergedInto: null,
  identifiers: [
    id("anonymous_id", "5285bc35-05ef-4d21", "2024-05-02T14:01:00.000Z"),
    id("email", "jane.kim@segment.com", "2024-05-02T14:01:47.000Z"),
    id("anonymous_id", "b50e18a5-1b8d-451c", "2024-06-22T10:47:15.000Z"),
  ],
  traits: { email: trait("jane.kim@segment.com"), removed: trait(null), address: trait({ city: "Paris" }) },
};
const profile2: IdentityProfile = {
  id: "profile_2",
  mergedInto: "profile_1",
  identifiers: [id("anonymous_id", "b50e18a5-1b8d-451c", "2024-06-22T10:47:15.000Z")],
  traits: {},
};

describe("identity tables", () => {
  it("maps every identifier to the canonical profile, merged ones included", () => {
    const rows = identityGraphRows([profile2, profile1], { uuidTs }).map(({ table, row }) => ({ table, ...row }));
    expect(rows).toEqual([
      {
        table: "identity_graph",
        segment_id: "profile_1",
        identifier_type: "anonymous_id",
        identifier_value: "5285bc35-05ef-4d21",
        first_seen_at: new Date("2024-05-02T14:01:00.000Z"),
        source_id: "src_web",
        first_message_id: "msg-5285bc35-05ef-4d21",
        uuid_ts: uuidTs,
      },
      {
        table: "identity_graph",
        segment_id: "profile_1",
        identifier_type: "anonymous_id",
        identifier_value: "b50e18a5-1b8d-451c",
        first_seen_at: new Date("2024-06-22T10:47:15.000Z"),
        source_id: "src_web",
        first_message_id: "msg-b50e18a5-1b8d-451c",
        uuid_ts: uuidTs,
      },
      {
        table: "identity_graph",
        segment_id: "profile_1",
        identifier_type: "email",
        identifier_value: "jane.kim@segment.com",
        first_seen_at: new Date("2024-05-02T14:01:47.000Z"),
        source_id: "src_web",
        first_message_id: "msg-jane.kim@segment.com",
        uuid_ts: uuidTs,
      },
    ]);
  });

  it("lists each profile with the canonical profile it resolves to, following chains", () => {
    const profile0: IdentityProfile = { id: "profile_0", mergedInto: null, identifiers: [], traits: {} };
    const chained = [{ ...profile1, mergedInto: "profile_0" }, profile2, profile0];
    expect(identityMergeRows(chained, { uuidTs }).map(({ row }) => [row.segment_id, row.canonical_segment_id])).toEqual([
      ["profile_0", "profile_0"],
      ["profile_1", "profile_0"],
      ["profile_2", "profile_0"],
    ]);
  });

  it("stops at a merge cycle instead of looping", () => {
    const a: IdentityProfile = { id: "a", mergedInto: "b", identifiers: [], traits: {} };
    const b: IdentityProfile = { id: "b", mergedInto: "a", identifiers: [], traits: {} };
    expect([...resolveCanonicalIds([a, b]).keys()].sort()).toEqual(["a", "b"]);
  });

  it("writes profile traits flattened, hides removed ones, and marks merged profiles", () => {
    expect({ ...profileTraitsRow(profile1, { uuidTs }).row }).toEqual({
      segment_id: "profile_1",
      merged_to: null,
      uuid_ts: uuidTs,
      email: "jane.kim@segment.com",
      address_city: "Paris",
    });
    expect(profileTraitsRow(profile2, { uuidTs }).row.merged_to).toBe("profile_1");
  });

  it("joins an anonymous page view to the signed-in user through the graph", () => {
    const signedIn: IdentityProfile = {
      id: "p-9",
      mergedInto: null,
      identifiers: [id("anonymous_id", "anon-1", "2024-05-01T00:00:00.000Z"), id("user_id", "user-1", "2024-05-01T00:05:00.000Z")],
      traits: {},
    };
    const page = {
      type: "page",
      messageId: "m",
      receivedAt: "2024-05-01T00:00:00.000Z",
      timestamp: "2024-05-01T00:00:00.000Z",
      projectId: "s",
      anonymousId: "anon-1",
      context: {},
    } as AcceptedEvent;
    const [pageRow] = eventTableRows(page, uuidTs);
    const graph = identityGraphRows([signedIn], { uuidTs }).map(({ row }) => row);
    const person = graph.find((row) => row.identifier_type === "anonymous_id" && row.identifier_value === pageRow?.row.anonymous_id)?.segment_id;
    expect(graph.find((row) => row.segment_id === person && row.identifier_type === "user_id")?.identifier_value).toBe("user-1");
  });

  it("does not depend on the order profiles are given in", () => {
    const profiles = fc.uniqueArray(
      fc.record({
        id: fc.constantFrom("p1", "p2", "p3", "p4"),
        mergedInto: fc.option(fc.constantFrom("p1", "p2", "p3", "p4"), { nil: null }),
        identifiers: fc.array(
          fc.record({
            type: fc.constantFrom("email", "anonymous_id"),
            value: fc.constantFrom("x", "y"),
            addedAt: fc.constantFrom("2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
            sourceId: fc.constantFrom(null, "src_a", "src_b"),
            firstMessageId: fc.constantFrom(null, "m1", "m2"),
          }),
          { maxLength: 3 },
        ),
        traits: fc.constant({}),
      }),
      { maxLength: 5, selector: (profile) => profile.id },
    );
    fc.assert(
      fc.property(profiles, (list) => {
        const plain = (rows: ReturnType<typeof identityGraphRows>) => rows.map(({ row }) => ({ ...row }));
        expect(plain(identityGraphRows([...list].reverse(), { uuidTs }))).toEqual(plain(identityGraphRows(list, { uuidTs })));
        expect(plain(identityMergeRows([...list].reverse(), { uuidTs }))).toEqual(plain(identityMergeRows(list, { uuidTs })));
      }),
    );
  });
});
