import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { mergeProfileCall, profileCallOf, type ProfileRowState } from "./users-accounts";

const uuidTs = new Date("2024-06-01T00:00:00.000Z");

function call(
  type: "identify" | "group",
  messageId: string,
  timestamp: string,
  traits: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): AcceptedEvent {
  return { type, messageId, timestamp, receivedAt: timestamp, projectId: "src", context: {}, userId: "u-1", traits, ...extra };
}

const rowOf = (state: ProfileRowState | undefined) => ({ ...state?.row });

/** Folds one call into a user's row as a sync does: only an identify with a userId is a user's. */
function mergeUserRow(previous: ProfileRowState | undefined, identify: AcceptedEvent, options: { uuidTs: Date }): ProfileRowState | undefined {
  const profileCall = profileCallOf(identify);
  return profileCall?.kind === "user" ? mergeProfileCall(previous, profileCall, options) : previous;
}

/** The same for an account's row: only a group call with a groupId. */
function mergeAccountRow(previous: ProfileRowState | undefined, group: AcceptedEvent, options: { uuidTs: Date }): ProfileRowState | undefined {
  const profileCall = profileCallOf(group);
  return profileCall?.kind === "account" ? mergeProfileCall(previous, profileCall, options) : previous;
}

describe("mergeUserRow", () => {
  it("holds the latest value of each trait, id = userId, and the latest received_at", () => {
    let state = mergeUserRow(undefined, call("identify", "m1", "2024-05-01T10:00:00.000Z", { email: "old@x.test", plan: "Free" }), { uuidTs });
    state = mergeUserRow(state, call("identify", "m2", "2024-05-02T10:00:00.000Z", { plan: "Pro", address: { city: "Paris" } }), { uuidTs });
    expect(rowOf(state)).toEqual({
      id: "u-1",
      received_at: new Date("2024-05-02T10:00:00.000Z"),
      uuid_ts: uuidTs,
      email: "old@x.test",
      plan: "Pro",
      address_city: "Paris",
    });
  });

  it("lets an older identify that arrives late fill gaps but not overwrite newer traits", () => {
    let state = mergeUserRow(undefined, call("identify", "m2", "2024-05-02T10:00:00.000Z", { plan: "Pro" }), { uuidTs });
    state = mergeUserRow(state, call("identify", "m1", "2024-05-01T10:00:00.000Z", { plan: "Free", email: "a@x.test", id: "spoof" }), { uuidTs });
    expect(rowOf(state)).toMatchObject({ id: "u-1", plan: "Pro", email: "a@x.test", received_at: new Date("2024-05-02T10:00:00.000Z") });
  });

  it("ignores null traits and calls without a userId or of another type", () => {
    const state = mergeUserRow(undefined, call("identify", "m1", "2024-05-01T10:00:00.000Z", { plan: "Pro" }), { uuidTs });
    expect(rowOf(mergeUserRow(state, call("identify", "m2", "2024-05-02T10:00:00.000Z", { plan: null }), { uuidTs }))).toMatchObject({ plan: "Pro" });
    expect(mergeUserRow(state, call("identify", "m3", "2024-05-03T10:00:00.000Z", { plan: "X" }, { userId: null }), { uuidTs })).toBe(state);
    expect(mergeUserRow(undefined, call("group", "m4", "2024-05-03T10:00:00.000Z", { plan: "X" }, { groupId: "g" }), { uuidTs })).toBeUndefined();
  });

  it("refuses to fold one user's identify into another user's row", () => {
    const state = mergeUserRow(undefined, call("identify", "m1", "2024-05-01T10:00:00.000Z", {}), { uuidTs });
    expect(() => mergeUserRow(state, call("identify", "m2", "2024-05-01T10:00:00.000Z", {}, { userId: "u-2" }), { uuidTs })).toThrow(/u-2/);
  });

  it("gives the same row whatever order the identifies are merged in", () => {
    const identify = fc.record({
      // Few distinct times, so ties on timestamp and received_at happen and the tie-breaks are exercised.
      timestamp: fc.constantFrom("2024-05-01T10:00:00.000Z", "2024-05-01T11:00:00.000Z", "2024-05-02T09:00:00.000Z"),
      receivedAt: fc.constantFrom("2024-05-01T10:00:00.000Z", "2024-05-03T00:00:00.000Z"),
      traits: fc.dictionary(fc.constantFrom("plan", "email", "seats", "fooBar", "foo_bar"), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
    });
    fc.assert(
      fc.property(
        fc
          .array(identify, { minLength: 1, maxLength: 8 })
          .chain((calls) => fc.tuple(fc.constant(calls), fc.shuffledSubarray(calls, { minLength: calls.length }))),
        ([calls, shuffled]) => {
          const events = new Map(calls.map((c, index) => [c, { ...call("identify", `m${index}`, c.timestamp, c.traits), receivedAt: c.receivedAt }]));
          const fold = (list: typeof calls) =>
            list.reduce<ProfileRowState | undefined>((state, c) => mergeUserRow(state, events.get(c) as AcceptedEvent, { uuidTs }), undefined);
          expect(rowOf(fold(shuffled))).toEqual(rowOf(fold(calls)));
        },
      ),
    );
  });
});

describe("mergeAccountRow", () => {
  it("holds one row per groupId with the latest group traits", () => {
    let state = mergeAccountRow(undefined, call("group", "m1", "2024-05-01T10:00:00.000Z", { name: "Initech", employees: 10 }, { groupId: "g-1" }), { uuidTs });
    state = mergeAccountRow(state, call("group", "m2", "2024-05-02T10:00:00.000Z", { employees: 12 }, { groupId: "g-1" }), { uuidTs });
    expect(rowOf(state)).toEqual({ id: "g-1", received_at: new Date("2024-05-02T10:00:00.000Z"), uuid_ts: uuidTs, name: "Initech", employees: 12 });
    expect(mergeAccountRow(state, call("identify", "m3", "2024-05-03T10:00:00.000Z", { name: "x" }), { uuidTs })).toBe(state);
  });
});
