import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingDb } from "../../test/support/workerd/counting-db";
import { hashSubjectKey } from "./subject-keys";
import { findSuppressedEvents, suppressSubjects, suppressedAmong, unsuppressSubjects } from "./suppression-store";
import { readSuppressedCounts, recordSuppressedCounts, tallySuppressed } from "./suppressed-counts";

const unique = (prefix: string) => `${prefix}_${crypto.randomUUID().slice(0, 8)}`;

/** Which of `keys` are suppressed now. */
async function suppressedKeys(keys: string[]): Promise<string[]> {
  const hashes = await Promise.all(keys.map(hashSubjectKey));
  const found = await suppressedAmong(env.DB, hashes);
  return keys.filter((_, i) => found.has(hashes[i]!));
}

describe("the suppression list (D1)", () => {
  it("suppresses every covered key, and UNSUPPRESS lifts one person's keys, keeping a key another suppressed person shares", async () => {
    const [u1, u2, u3, a1] = ["u1", "u2", "u3", "a1"].map(unique) as [string, string, string, string];
    const keys = [`user_id:${u1}`, `user_id:${u2}`, `user_id:${u3}`, `anonymous_id:${a1}`];
    // u1 and u2 used the same device (a1); u2 and u3 are in one regulation.
    expect(await suppressSubjects(env.DB, unique("reg"), new Map([[u1, [`user_id:${u1}`, `anonymous_id:${a1}`]]]))).toEqual({ keys: 2, subjects: 1 });
    const second = unique("reg");
    const bySubject = new Map([
      [u2, [`user_id:${u2}`, `anonymous_id:${a1}`]],
      [u3, [`user_id:${u3}`]],
    ]);
    expect(await suppressSubjects(env.DB, second, bySubject)).toEqual({ keys: 3, subjects: 2 });
    // Applying a regulation twice changes nothing.
    expect(await suppressSubjects(env.DB, second, bySubject)).toEqual({ keys: 3, subjects: 2 });
    expect(await suppressedKeys(keys)).toEqual(keys);

    expect(await unsuppressSubjects(env.DB, [u1])).toEqual({ keys: 2 }); // u1's rows; a1 is still held by u2's regulation
    expect(await suppressedKeys(keys)).toEqual([`user_id:${u2}`, `user_id:${u3}`, `anonymous_id:${a1}`]);

    expect(await unsuppressSubjects(env.DB, [u2])).toEqual({ keys: 2 });
    expect(await suppressedKeys(keys)).toEqual([`user_id:${u3}`]);
    expect(await unsuppressSubjects(env.DB, [u2, unique("never-suppressed")])).toEqual({ keys: 0 });
  });

  it("keeps a key two userIds of one regulation share until both are lifted, even when they are lifted in different chunks", async () => {
    const shared = `anonymous_id:${unique("shared")}`;
    const regulation = unique("reg");
    const [left, right] = [unique("left"), unique("right")];
    await suppressSubjects(
      env.DB,
      regulation,
      new Map([
        [left, [`user_id:${left}`, shared]],
        [right, [`user_id:${right}`, shared]],
      ]),
    );
    await unsuppressSubjects(env.DB, [left]);
    expect(await suppressedKeys([shared])).toEqual([shared]);
    await unsuppressSubjects(env.DB, [right]);
    expect(await suppressedKeys([shared])).toEqual([]);

    // 5,000 userIds sharing one key span two JSON chunks of an UNSUPPRESS: the key still goes.
    const many = Array.from({ length: 5_000 }, (_, i) => `${unique("many")}-${i}`);
    const big = unique("reg");
    expect(await suppressSubjects(env.DB, big, new Map(many.map((userId) => [userId, [`user_id:${userId}`, shared]])))).toEqual({
      keys: 5_001,
      subjects: 5_000,
    });
    expect(await suppressedKeys([shared, `user_id:${many[4_999]}`])).toEqual([shared, `user_id:${many[4_999]}`]);
    expect(await unsuppressSubjects(env.DB, many)).toEqual({ keys: 5_001 });
    expect(await suppressedKeys([shared, `user_id:${many[0]}`])).toEqual([]);
  });

  it("writes a regulation of 5,000 userIds in one batch of a few statements, and looks up thousands of hashes in one round trip", async () => {
    const { db, statements, batches } = countingDb(env.DB);
    const bySubject = new Map(Array.from({ length: 5_000 }, (_, i) => [`${unique("bulk")}-${i}`, [`anonymous_id:${unique("a")}`, `email:${i}@example.com`]]));
    for (const [userId, keys] of bySubject) keys.unshift(`user_id:${userId}`);
    await suppressSubjects(db, unique("reg"), bySubject);
    expect(batches()).toBe(1);
    // 15,000 keys: about 1 MB of coverage rows and 0.5 MB of key hashes in 100 KB chunks, where
    // 100-parameter VALUES lists would take 755 statements (D1 allows 1,000 queries an invocation).
    expect(statements()).toBeLessThanOrEqual(20);

    const events = [...bySubject.keys()].slice(0, 3_000).map((userId, i) => ({ type: "track", event: "E", userId: i % 2 === 0 ? userId : unique("free") }));
    const before = { statements: statements(), batches: batches() };
    const flags = await findSuppressedEvents(db, events);
    expect(flags).toEqual(events.map((_, i) => i % 2 === 0));
    expect(batches() - before.batches).toBe(1);
    expect(statements() - before.statements).toBeLessThanOrEqual(3);
  });

  it("finds an event suppressed by any of its keys: an anonymous id alone, or an email in its traits", async () => {
    const [anon, email] = [unique("anon"), `${unique("e")}@example.com`];
    await suppressSubjects(env.DB, unique("reg"), new Map([[unique("u"), [`anonymous_id:${anon}`, `email:${email}`]]]));
    expect(
      await findSuppressedEvents(env.DB, [
        { type: "track", event: "A", anonymousId: anon },
        { type: "identify", anonymousId: unique("other"), traits: { email } },
        { type: "track", event: "B", anonymousId: unique("other") },
        { type: "track", event: "Nobody" },
      ]),
    ).toEqual([true, true, false, false]);
    expect(await findSuppressedEvents(env.DB, [])).toEqual([]);
  });
});

describe("suppressed counts", () => {
  it("adds up per source and UTC day of receipt", async () => {
    const source = unique("src");
    const at = (receivedAt: string) => ({ sourceId: source, receivedAt });
    await recordSuppressedCounts(env.DB, tallySuppressed([at("2026-11-30T23:59:59.000Z"), at("2026-11-30T10:00:00.000Z"), at("2026-12-01T00:00:00.000Z")]));
    await recordSuppressedCounts(env.DB, tallySuppressed([at("2026-12-01T08:00:00.000Z")]));
    expect(await readSuppressedCounts(env.DB, source)).toEqual([
      { day: "2026-12-01", count: 2 },
      { day: "2026-11-30", count: 2 },
    ]);
  });
});
