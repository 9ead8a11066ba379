import { describe, expect, it } from "vitest";
import type { Identifier } from "./identifier";
import { compileIdentityConfig } from "./identity-config";
import type { Collection } from "./index-shards";
import { MAX_RESOLUTION_ROUNDS, resolveEventIdentity, type IdentityStore, type ProfileDescription } from "./resolve-event";

/** The index and profiles in memory, with hooks to act as a concurrent consumer would. */
class MemoryStore implements IdentityStore {
  index = new Map<string, string>();
  profiles = new Map<string, ProfileDescription & { absorbed: Set<string> }>();
  /** Runs before each claim: a racing event's claim lands first. */
  beforeClaim?: (keys: string[]) => void;

  lookup(_collection: Collection, keys: string[]) {
    return Promise.resolve(new Map(keys.flatMap((key) => (this.index.has(key) ? [[key, this.index.get(key)!] as const] : []))));
  }
  claim(_collection: Collection, keys: string[], profileId: string) {
    this.beforeClaim?.(keys);
    for (const key of keys) if (!this.index.has(key)) this.index.set(key, profileId);
    return Promise.resolve(new Map(keys.map((key) => [key, this.index.get(key)!] as const)));
  }
  describe(id: string) {
    const profile = this.profiles.get(id);
    return Promise.resolve(profile ?? { exists: false, id, createdAt: "", mergedInto: null, mergePending: false, mergeCount: 0, identifiers: [] });
  }
  create(id: string, _collection: Collection, createdAt: string) {
    if (!this.profiles.has(id)) {
      this.profiles.set(id, { exists: true, id, createdAt, mergedInto: null, mergePending: false, mergeCount: 0, identifiers: [], absorbed: new Set() });
    }
    return Promise.resolve();
  }
  addIdentifiers(id: string, identifiers: Identifier[], at: string) {
    const profile = this.profiles.get(id)!;
    if (profile.mergedInto) return Promise.resolve(false);
    for (const identifier of identifiers) {
      if (!profile.identifiers.some((held) => held.type === identifier.type && held.value === identifier.value)) {
        profile.identifiers.push({ ...identifier, addedAt: at });
      }
    }
    return Promise.resolve(true);
  }
  async mergeProfile(collection: Collection, from: string, into: string) {
    const loser = this.profiles.get(from)!;
    loser.mergedInto ??= into;
    if (loser.mergedInto !== into) return false;
    loser.mergePending = true;
    await this.finishMerge(collection, from, into);
    return true;
  }
  finishMerge(_collection: Collection, from: string, into: string) {
    const loser = this.profiles.get(from)!;
    const survivor = this.profiles.get(into)!;
    if (!survivor.absorbed.has(from)) {
      survivor.absorbed.add(from);
      survivor.identifiers.push(...loser.identifiers);
      survivor.mergeCount += loser.mergeCount + 1;
    }
    for (const held of loser.identifiers) {
      const key = `${held.type}:${held.value}`;
      if (this.index.get(key) === from) this.index.set(key, into);
    }
    loser.mergePending = false;
    return Promise.resolve();
  }

  /** The profile an identifier resolves to, following merges. */
  resolve(key: string): string | undefined {
    let id = this.index.get(key);
    while (id && this.profiles.get(id)?.mergedInto) id = this.profiles.get(id)!.mergedInto!;
    return id;
  }
}

const config = compileIdentityConfig();
let minted = 0;
const input = (store: IdentityStore, identifiers: Identifier[], now = new Date("2026-03-01T00:00:00Z")) => ({
  store,
  collection: "users" as const,
  identifiers,
  config,
  now,
  newProfileId: () => Promise.resolve(`use_${String((minted += 1)).padStart(27, "0")}`),
});

describe("resolveEventIdentity", () => {
  it("creates, then adds to, the profile an identifier already names", async () => {
    const store = new MemoryStore();
    const first = await resolveEventIdentity(input(store, [{ type: "anonymous_id", value: "a1" }]));
    const second = await resolveEventIdentity(
      input(store, [
        { type: "anonymous_id", value: "a1" },
        { type: "user_id", value: "u1" },
      ]),
    );
    expect(second.profileId).toBe(first.profileId);
    expect(store.profiles.get(first.profileId!)!.identifiers.map((held) => held.value)).toEqual(["a1", "u1"]);
  });

  it("writes nothing for an event of a known person that brings no new identifier", async () => {
    const store = new MemoryStore();
    const ids = [
      { type: "anonymous_id", value: "a1" },
      { type: "user_id", value: "u1" },
    ];
    const first = await resolveEventIdentity(input(store, ids));
    let writes = 0;
    store.addIdentifiers = () => Promise.resolve((writes += 1) > 0);
    store.claim = () => Promise.reject(new Error("no claim expected"));
    const again = await resolveEventIdentity(input(store, [ids[1]!, ids[0]!]));
    expect(again.profileId).toBe(first.profileId);
    expect(writes).toBe(0);
  });

  it("a create that loses a claim to a racing event resolves again and merges into the winner", async () => {
    const store = new MemoryStore();
    // The racing event created its profile for the device and claimed it just before ours.
    store.beforeClaim = (keys) => {
      store.beforeClaim = undefined;
      void store.create("use_racer", "users", "2026-02-28T00:00:00.000Z");
      store.index.set(
        keys.find((key) => key.startsWith("ios.id"))!,
        "use_racer",
      );
      void store.addIdentifiers("use_racer", [{ type: "ios.id", value: "d1" }], "2026-02-28T00:00:00.000Z");
    };
    const result = await resolveEventIdentity(
      input(store, [
        { type: "anonymous_id", value: "a1" },
        { type: "ios.id", value: "d1" },
      ]),
    );

    expect(result.profileId).toBe("use_racer");
    expect(store.resolve("anonymous_id:a1")).toBe("use_racer");
    expect(store.resolve("ios.id:d1")).toBe("use_racer");
    expect(
      store.profiles
        .get("use_racer")!
        .identifiers.map((held) => held.value)
        .sort(),
    ).toEqual(["a1", "d1"]);
  });

  it("finishes a merge a crash cut short when a lookup follows the pointer", async () => {
    const store = new MemoryStore();
    const a = (await resolveEventIdentity(input(store, [{ type: "anonymous_id", value: "a1" }]))).profileId!;
    const b = (await resolveEventIdentity(input(store, [{ type: "anonymous_id", value: "a2" }], new Date("2026-03-02T00:00:00Z")))).profileId!;
    // Sealed, then the consumer died: the survivor never absorbed b.
    Object.assign(store.profiles.get(b)!, { mergedInto: a, mergePending: true });

    const result = await resolveEventIdentity(input(store, [{ type: "anonymous_id", value: "a2" }]));
    expect(result.profileId).toBe(a);
    expect(
      store.profiles
        .get(a)!
        .identifiers.map((held) => held.value)
        .sort(),
    ).toEqual(["a1", "a2"]);
    expect(store.index.get("anonymous_id:a2")).toBe(a);
  });

  it("gives up after a bounded number of rounds when it keeps losing, so the queue retries", async () => {
    const store = new MemoryStore();
    let lookups = 0;
    const lookup = store.lookup.bind(store);
    store.lookup = (collection, keys) => ((lookups += 1), lookup(collection, keys));
    // Every profile it settles on is merged away by another consumer before it can record.
    store.addIdentifiers = () => Promise.resolve(false);
    await expect(resolveEventIdentity(input(store, [{ type: "anonymous_id", value: "a1" }]))).rejects.toThrow(/did not settle/);
    expect(lookups).toBe(MAX_RESOLUTION_ROUNDS);
  });

  it("rejects events whose only identifiers are blocked, naming the violations", async () => {
    const result = await resolveEventIdentity(input(new MemoryStore(), [{ type: "anonymous_id", value: "anonymous" }]));
    expect(result.profileId).toBeUndefined();
    expect(result.violations.map((violation) => violation.reason)).toEqual(["ID value blocked", "No matching identifiers on event"]);
  });
});
