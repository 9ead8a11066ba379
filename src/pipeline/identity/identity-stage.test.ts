import { describe, expect, it } from "vitest";
import type { AcceptedEvent } from "../../spec/accepted-event";
import { compileIdentityConfig } from "../../identity/identity-config";
import { resolveEvents } from "./identity-stage";
import type { DurableIdentityStore } from "../../identity/durable-store";

const event = (messageId: string, anonymousId: string): AcceptedEvent => ({
  type: "track",
  event: "Viewed",
  anonymousId,
  messageId,
  projectId: "src",
  receivedAt: "2026-03-01T00:00:00.000Z",
  timestamp: "2026-03-01T00:00:00.000Z",
  context: {},
});

/** An empty graph where every event creates a profile; `failOn` makes one event's lookup fail. */
function recordingStore(failOn: string): { store: DurableIdentityStore; applied: string[]; appliedTo: string[]; lookups: () => number } {
  const applied: string[] = [];
  const appliedTo: string[] = [];
  let lookups = 0;
  const store: DurableIdentityStore = {
    lookup: (_collection, keys) => {
      lookups += 1;
      return keys.includes(`anonymous_id:${failOn}`) ? Promise.reject(new Error("shard down")) : Promise.resolve(new Map());
    },
    claim: (_collection, keys, profileId) => Promise.resolve(new Map(keys.map((key) => [key, profileId]))),
    describe: (id) => Promise.resolve({ exists: false, id, createdAt: "", mergedInto: null, mergePending: false, mergeCount: 0, identifiers: [] }),
    create: () => Promise.resolve(),
    addIdentifiers: () => Promise.resolve(true),
    mergeProfile: () => Promise.resolve(true),
    finishMerge: () => Promise.resolve(),
    apply: (id, update) => {
      applied.push(update.event.messageId);
      appliedTo.push(id);
      return Promise.resolve({ mergedInto: null });
    },
  };
  return { store, applied, appliedTo, lookups: () => lookups };
}

describe("resolveEvents", () => {
  it("leaves the rest of a failed event's group for the retry; other people go on", async () => {
    const { store, applied } = recordingStore("broken");
    const events = [event("a1", "anon-a"), event("b1", "anon-b"), event("a2", "anon-a"), event("a3", "anon-a")];
    // a2 also carries the broken identifier, linking it to a1 and a3 through anon-a.
    events[2] = { ...events[2]!, context: { externalIds: [{ id: "broken", type: "anonymous_id", collection: "users", encoding: "none" }] } };
    const { failed, violations } = await resolveEvents(events, { store, config: compileIdentityConfig(), now: () => new Date("2026-03-01T00:00:00Z") });
    expect([...failed].sort()).toEqual([2, 3]);
    expect(applied.sort()).toEqual(["a1", "b1"]);
    expect(violations).toEqual([]);
  });

  it("looks up a person once per batch while their events bring nothing new", async () => {
    const { store, applied, appliedTo, lookups } = recordingStore("none");
    const events = [event("p1", "anon-a"), event("p2", "anon-a"), event("p3", "anon-a")];
    events.push({ ...event("i1", "anon-a"), type: "identify", userId: "user-a" });
    const { failed } = await resolveEvents(events, { store, config: compileIdentityConfig(), now: () => new Date() });
    expect(failed.size).toBe(0);
    expect(applied).toEqual(["p1", "p2", "p3", "i1"]);
    expect(new Set(appliedTo.slice(0, 3)).size).toBe(1);
    // p1 creates the profile; p2 and p3 are known; i1 brings a new user_id, so it resolves again
    // (against this store's empty index, which is why it lands elsewhere).
    expect(lookups()).toBe(2);
  });

  it("tags each violation with its event's messageId", async () => {
    const { store } = recordingStore("none");
    const { violations, failed } = await resolveEvents([event("m1", "null")], { store, config: compileIdentityConfig(), now: () => new Date() });
    expect(failed.size).toBe(0);
    expect(violations).toEqual([
      expect.objectContaining({ reason: "ID value blocked", type: "anonymous_id", messageId: "m1" }),
      expect.objectContaining({ reason: "No matching identifiers on event", messageId: "m1" }),
    ]);
  });
});
