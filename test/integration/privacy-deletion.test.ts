import { createMessageBatch, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import type { DebuggerEntry } from "../../src/debugger/entry";
import { shardForMessageId } from "../../src/dedupe/shards";
import { coveredFrom, namesCoveredPerson } from "../../src/privacy/covered";
import { entryHoldsCoveredPerson } from "../../src/privacy/debugger-erase";
import type { DeletionStep } from "../../src/privacy/deletion-state";
import type { Regulation, RegulationType } from "../../src/privacy/regulation";
import { startRegulationJob } from "../../src/privacy/regulation-job";
import { RegulationStore } from "../../src/privacy/regulation-store";
import { ReplayRegistry } from "../../src/replay/replay-registry";
import type { ReplaySpec } from "../../src/replay/replay-request";
import { ReplayStore } from "../../src/replay/replay-store";
import type { AcceptedEvent } from "../../src/spec/accepted-event";
import { app } from "../../workers/app";
import worker from "../../workers/index";
import { waitUntil } from "../support/wait-until";
import { admin } from "../support/workerd/admin";
import { waitForArchived } from "../support/workerd/archive";
import { acceptedEvent, eventsMessage } from "../support/workerd/events";
import { createSource, getProfile, profilePath, segmentIdOf, unique, waitForEvent } from "../support/workerd/profiles";
import { interceptBucket } from "../support/workerd/bucket-seam";
import { rawArchive, startRegulation, waitForRegulation } from "../support/workerd/privacy";

/** Through the EVENTS consumer, as the queue would deliver it: dedupe, archive, identity, debugger, fan-out. */
async function deliver(events: AcceptedEvent[]): Promise<void> {
  const batch = createMessageBatch("sluice-events", [{ id: unique("qmsg"), timestamp: new Date(), attempts: 1, body: eventsMessage(events) }]);
  await worker.queue(batch, env);
}

/** MessageIds that all land on one dedupe shard, so one delivery's events share one archive object per hour. */
function idsOnOneShard(prefix: string, count: number): string[] {
  const target = shardForMessageId(`${prefix}-0`);
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i += 1) if (shardForMessageId(`${prefix}-${i}`) === target) ids.push(`${prefix}-${i}`);
  return ids;
}

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

async function deadLetters(): Promise<Map<string, string>> {
  const letters = new Map<string, string>();
  for (const { key } of (await env.ARCHIVE.list({ prefix: "dead-letter/" })).objects) letters.set(key, await (await env.ARCHIVE.get(key))!.text());
  return letters;
}

const debuggerEntries = async (sourceId: string) => (await admin<{ events: DebuggerEntry[] }>("GET", `/sources/${sourceId}/debugger`)).body.events;

describe("deleting a person everywhere", () => {
  it("removes them from the archive, dead letters, profiles and their merges, the index, D1 and the debugger, and says so in a verified receipt", async () => {
    const source = await createSource("Deletion");
    // Refuses every event: each one becomes a dead letter of this destination.
    await admin("POST", "/destinations", {
      name: "Refuses everything",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}/hooks/${unique("refuses")}?fail=400x99` },
    });
    const [userId, anon1, anon2, groupId, other, otherAnon] = [
      unique("gone"),
      unique("gone-a1"),
      unique("gone-a2"),
      unique("company"),
      unique("stays"),
      unique("stays-a"),
    ];
    const email = `${unique("gone")}@example.com`;
    const ids = idsOnOneShard(unique("m"), 12);
    const at = (hours: number) => ({ receivedAt: hoursAgo(hours), timestamp: hoursAgo(hours) });
    const theirs = (n: number, hours: number, fields: Partial<AcceptedEvent>) =>
      acceptedEvent(source.id, ids[n]!, { userId: undefined, ...at(hours), ...fields });
    const others = (n: number, hours: number, fields: Partial<AcceptedEvent> = {}) =>
      acceptedEvent(source.id, ids[n]!, { userId: other, anonymousId: otherAnon, properties: { n }, ...at(hours), ...fields });

    // Three hours of archive; three profiles of theirs, merged into one; an account they joined.
    await deliver([theirs(0, 3, { anonymousId: anon1, event: "Browsed" }), others(1, 3)]);
    await waitForEvent(`anonymous_id:${anon1}`, ids[0]!);
    const firstProfile = await segmentIdOf(`anonymous_id:${anon1}`);
    await deliver([theirs(2, 2, { userId, event: "Signed In" }), others(3, 2, { type: "identify", traits: { plan: "pro" } })]);
    await waitForEvent(`user_id:${userId}`, ids[2]!);
    const secondProfile = await segmentIdOf(`user_id:${userId}`);
    await deliver([theirs(4, 1, { type: "identify", userId, anonymousId: anon1, traits: { email } }), theirs(5, 1, { anonymousId: anon2 })]);
    await waitForEvent(`email:${email}`, ids[4]!);
    await waitForEvent(`anonymous_id:${anon2}`, ids[5]!);
    const thirdProfile = await segmentIdOf(`anonymous_id:${anon2}`);
    await deliver([
      theirs(6, 1, { type: "identify", userId, anonymousId: anon2 }),
      theirs(7, 1, { type: "group", userId, groupId, traits: { name: "Acme" } }),
      // A blocked anonymousId: identity records a violation naming this event.
      theirs(8, 1, { userId, anonymousId: "anonymous", event: "Clicked" }),
      others(9, 1),
    ]);
    await waitForEvent(`user_id:${userId}`, ids[8]!);
    await waitForEvent(`group_id:${groupId}`, ids[7]!, "accounts");
    const profiles = [firstProfile, secondProfile, thirdProfile];
    expect(new Set(profiles).size).toBe(3);
    expect(await segmentIdOf(`anonymous_id:${anon2}`)).toBe(await segmentIdOf(`user_id:${userId}`));
    expect(await segmentIdOf(`anonymous_id:${anon1}`)).toBe(await segmentIdOf(`user_id:${userId}`));
    // Unreadable events (a timestamp no date can hold) go to the EVENTS dead letters as they are.
    const unreadable = "+012024-01-01T00:00:00.000Z";
    // One message each: the EVENTS dead letter is keyed by the queue message.
    await deliver([theirs(10, 0, { userId, event: "Broken", timestamp: unreadable })]);
    await deliver([others(11, 0, { timestamp: unreadable })]);

    const theirIds = [0, 2, 4, 5, 6, 7, 8].map((n) => ids[n]!);
    const archivedCount = 10;
    await waitForArchived(source.id, archivedCount);
    await waitUntil(
      "every archived event dead-lettered by the refusing destination, and both unreadable ones",
      deadLetters,
      (letters) => [...ids.slice(0, 12)].every((id) => [...letters.values()].some((text) => text.includes(`"messageId":"${id}"`))),
      { timeoutMs: 30_000, describe: (letters) => `${letters.size} letters` },
    );
    await waitUntil(
      "the debugger to show every accepted event",
      () => debuggerEntries(source.id),
      (entries) => entries.length >= archivedCount,
    );

    const covered = [`user_id:${userId}`, `anonymous_id:${anon1}`, `anonymous_id:${anon2}`, `email:${email}`];
    const coveredSet = coveredFrom(covered);
    const isTheirs = (line: string) => namesCoveredPerson(JSON.parse(line), coveredSet);
    const before = await rawArchive(`archive/${source.id}/`);
    const lettersBefore = await deadLetters();
    const theirLetters = [...lettersBefore].filter(([, text]) => [userId, anon1, anon2].some((value) => text.includes(value)));
    const debuggerBefore = (await debuggerEntries(source.id)).filter((entry) => entryHoldsCoveredPerson(entry, coveredSet));
    const violations = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM identity_violations WHERE message_id IN (SELECT value FROM json_each(?))")
        .bind(JSON.stringify(theirIds))
        .first<{ n: number }>())!.n;
    const violationsBefore = await violations();
    expect(violationsBefore).toBeGreaterThan(0);
    expect(theirLetters).toHaveLength(8); // 7 refused deliveries and one unreadable event
    expect(debuggerBefore.length).toBeGreaterThanOrEqual(7);

    const regulation = await startRegulation("DELETE_INTERNAL", [userId], covered);
    const done = await waitForRegulation(regulation.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe("FINISHED");

    // The archive: none of theirs, everyone else's lines exactly as they were.
    const after = await rawArchive(`archive/${source.id}/`);
    const touched = [...before].filter(([, lines]) => lines.some(isTheirs));
    // Three hours: objects shared with someone else (rewritten) and objects of theirs alone (deleted).
    expect(touched.filter(([, lines]) => !lines.every(isTheirs)).length).toBeGreaterThan(0);
    expect(touched.filter(([, lines]) => lines.every(isTheirs)).length).toBeGreaterThan(0);
    expect(new Set(touched.map(([key]) => key.split("/").slice(2, 4).join("/"))).size).toBe(3);
    for (const [key, lines] of before) {
      const kept = lines.filter((line) => !isTheirs(line));
      if (kept.length === 0) expect(after.has(key), key).toBe(false);
      else expect(after.get(key), key).toEqual(kept);
    }
    const exportAnswer = await app.request(`/api/v1/archive?sourceId=${source.id}`, { headers: { Authorization: "Bearer test_admin_token" } }, env);
    const exported = new TextDecoder().decode(await exportAnswer.arrayBuffer());
    const exportedLines = exported.split("\n").filter(Boolean);
    expect(exportedLines).toHaveLength(archivedCount - theirIds.length);
    expect(exportedLines.some(isTheirs)).toBe(false);
    for (const value of [userId, anon1, anon2, email]) expect(exported).not.toContain(value);

    // Dead letters: theirs gone, everyone else's as they were.
    const lettersAfter = await deadLetters();
    for (const [key, text] of lettersBefore) {
      if (theirLetters.some(([theirKey]) => theirKey === key)) expect(lettersAfter.has(key), key).toBe(false);
      else expect(lettersAfter.get(key), key).toBe(text);
    }

    // Profiles: no identifier of theirs finds anything, nor do the old segment_ids; the account stays without them.
    for (const identifier of covered) expect((await getProfile(profilePath(identifier, "traits"))).status, identifier).toBe(404);
    for (const segmentId of profiles) {
      expect((await getProfile(`/v1/spaces/${env.SPACE_ID}/collections/users/profiles/${segmentId}/traits`)).status, segmentId).toBe(404);
    }
    const account = await getProfile<{ data: { message_id: string }[] }>(profilePath(`group_id:${groupId}`, "events", "", "accounts"));
    expect(account.status).toBe(200);
    expect(account.body.data).toEqual([]);
    const links = await getProfile<{ data: unknown[] }>(profilePath(`group_id:${groupId}`, "links", "", "accounts"));
    expect(links.body.data).toEqual([]);
    expect((await getProfile(profilePath(`user_id:${other}`, "traits"))).status).toBe(200);

    // The debugger, and D1.
    const debuggerAfter = await debuggerEntries(source.id);
    expect(debuggerAfter.filter((entry) => entryHoldsCoveredPerson(entry, coveredSet))).toEqual([]);
    expect(debuggerAfter.some((entry) => (entry.event as { userId?: string } | null)?.userId === other)).toBe(true);
    expect(await violations()).toBe(0);

    // The receipt says what went from where, and the verification found nothing left.
    const theirArchived = [...before.values()].flat().filter(isTheirs).length;
    expect(theirArchived).toBe(theirIds.length);
    const onlyTheirs = touched.filter(([, lines]) => lines.every(isTheirs)).length;
    expect(done.progress.stores).toEqual({
      outbox: { status: "done", removed: { events: 0 } },
      archive: { status: "done", removed: { events: theirIds.length, objects: touched.length, objectsDeleted: onlyTheirs } },
      deadLetters: { status: "done", removed: { letters: 8, events: 8 } },
      debugger: { status: "done", removed: { entries: debuggerBefore.length } },
      replays: { status: "done", removed: { parkedEvents: 0 } },
      profiles: { status: "done", removed: { profiles: 3, accountEvents: 1, accountLinks: 1 } },
      identityIndex: { status: "done", removed: { mappings: 4 } },
      d1: { status: "done", removed: { identityViolations: violationsBefore, subjectExports: 0 } },
    });
    expect(done.progress.verification).toMatchObject({
      objectsChecked: touched.length,
      eventsChecked: touched.flatMap(([, lines]) => lines).filter((line) => !isTheirs(line)).length,
      occurrences: 0,
      profilesStillFound: 0,
    });
  }, 120_000);
});

describe("deleting a person from replays", () => {
  it("forgets their parked events in a replay that ended without sending them, and leaves a running one to its runner", async () => {
    const [person, other] = [unique("gone"), unique("stays")];
    const parked = [acceptedEvent("src", unique("m"), { userId: person }), acceptedEvent("src", unique("m"), { userId: other })];
    const replay = async (cancelled: boolean) => {
      const spec: ReplaySpec = {
        id: unique("rpl"),
        sourceId: "src",
        destinationIds: ["ds_parked"],
        from: hoursAgo(2),
        to: hoursAgo(1),
        ratePerSecond: 10,
        blocks: { events: [], traits: [] },
        createdAt: new Date().toISOString(),
      };
      await new ReplayRegistry(env.DB).add(spec);
      const stub = env.REPLAYS.get(env.REPLAYS.idFromName(spec.id));
      await runInDurableObject(stub, (_instance, state) => {
        const store = new ReplayStore(state.storage);
        store.init(spec, new Date());
        store.savePart(store.parts()[0]!, { addPending: parked as unknown as Record<string, unknown>[] });
        if (cancelled) store.cancel(new Date());
      });
      return async () =>
        runInDurableObject(stub, (_instance, state) => new ReplayStore(state.storage).pending("ds_parked").map(({ event }) => event.messageId));
    };
    const cancelledPending = await replay(true);
    const runningPending = await replay(false);

    const regulation = await startRegulation("DELETE_INTERNAL", [person], [`user_id:${person}`]);
    const done = await waitForRegulation(regulation.id);

    expect(done.status).toBe("FINISHED");
    // The object says the same, and starting it again changes nothing.
    const object = env.REGULATIONS.get(env.REGULATIONS.idFromName(regulation.id));
    expect(await object.status()).toEqual({ step: "done", progress: done.progress });
    await startRegulationJob(env, regulation);
    expect(await new RegulationStore(env.DB).get(regulation.id)).toMatchObject({ status: "FINISHED", progress: done.progress });
    expect(done.progress.stores.replays).toEqual({ status: "done", removed: { parkedEvents: 1 } });
    expect(await cancelledPending()).toEqual([parked[1]!.messageId]);
    expect(await runningPending()).toEqual(parked.map((event) => event.messageId));
  }, 60_000);
});

/** Writes events to the archive (and its index) through a dedupe shard's real flush, all at once. */
async function archiveThroughFlush(events: AcceptedEvent[]): Promise<void> {
  const stub = env.DEDUPE.get(env.DEDUPE.idFromName(unique("privacy-flush")));
  await runInDurableObject(stub, async (instance, state) => {
    await instance.commit(
      unique("privacy-shard"),
      events.map((event) => ({ owner: "q", event })),
    );
    await state.storage.deleteAlarm();
    while ((await instance.flushOutbox()) > 0);
  });
}

/**
 * A regulation whose object's R2 bucket is `bucket(step)` from its first alarm on (the seam set
 * before the job starts), run to its end.
 */
async function runWithBucket(
  regulationType: RegulationType,
  subjectIds: string[],
  covered: string[],
  bucket: (step: DeletionStep) => R2Bucket,
): Promise<Regulation> {
  const regulation = await new RegulationStore(env.DB).create({ regulationType, subjectIds, covered, now: new Date() });
  await runInDurableObject(env.REGULATIONS.get(env.REGULATIONS.idFromName(regulation.id)), (instance) => {
    (instance as unknown as { archiveBucket: (step: DeletionStep) => R2Bucket }).archiveBucket = bucket;
  });
  await startRegulationJob(env, regulation);
  return waitForRegulation(regulation.id);
}

const withoutTime = (regulation: Regulation) => ({
  ...regulation.progress,
  verification: { ...regulation.progress.verification, at: "" },
  warehouse: { ...regulation.progress.warehouse, requestedAt: "" },
});

describe("deleting from an archive of any size", () => {
  /** Four hours of one source: three shared with someone else, one of the person's alone. */
  function hoursOf(sourceId: string, person: string): AcceptedEvent[] {
    const events: AcceptedEvent[] = [];
    for (let hour = 1; hour <= 4; hour += 1) {
      const at = { receivedAt: hoursAgo(hour), timestamp: hoursAgo(hour) };
      events.push(acceptedEvent(sourceId, `${sourceId}-${hour}-a`, { userId: person, ...at }));
      events.push(acceptedEvent(sourceId, `${sourceId}-${hour}-b`, { userId: undefined, anonymousId: `${person}-anon`, ...at }));
      if (hour < 4) for (const n of [1, 2, 3]) events.push(acceptedEvent(sourceId, `${sourceId}-${hour}-o${n}`, { userId: `someone-${n}`, ...at }));
    }
    return events;
  }

  it("finishes with the same receipt after crashing midway through rewriting the archive", async () => {
    const [calm, crashing] = [unique("src"), unique("src")];
    const [first, second] = [unique("calm"), unique("crash")];
    await archiveThroughFlush([...hoursOf(calm, first), ...hoursOf(crashing, second)]);
    const before = await rawArchive(`archive/${crashing}/`);

    const expected = await runWithBucket("DELETE_ARCHIVE_ONLY", [first], [`user_id:${first}`, `anonymous_id:${first}-anon`], () => env.ARCHIVE);
    let puts = 0;
    let crashed = false;
    // The second rewrite lands in R2, then the object dies before it records it.
    const crashingBucket = interceptBucket(env.ARCHIVE, {
      put: async (put, ...args) => {
        const written = await put(...args);
        if (++puts === 2) {
          crashed = true;
          throw new Error("evicted right after a rewrite");
        }
        return written;
      },
    });
    const done = await runWithBucket("DELETE_ARCHIVE_ONLY", [second], [`user_id:${second}`, `anonymous_id:${second}-anon`], (step) =>
      step === "archive-erase" ? crashingBucket : env.ARCHIVE,
    );

    expect(crashed).toBe(true);
    expect(done.status).toBe("FINISHED");
    expect(withoutTime(done)).toEqual(withoutTime(expected));
    expect(done.progress.stores.archive!.removed).toEqual({ events: 8, objects: 4, objectsDeleted: 1 });
    expect(done.progress.verification).toMatchObject({ objectsChecked: 4, eventsChecked: 9, occurrences: 0 });
    const after = await rawArchive(`archive/${crashing}/`);
    for (const [key, lines] of before) {
      const kept = lines.filter((line) => !line.includes(second));
      if (kept.length === 0) expect(after.has(key)).toBe(false);
      else expect(after.get(key)).toEqual(kept);
    }
  }, 60_000);

  it("reads each archive object once for 1,000 people, however many of them it holds", async () => {
    const sourceId = unique("src");
    const people = Array.from({ length: 1_000 }, (_, i) => `${sourceId}-person-${i}`);
    const at = (hour: number) => ({ receivedAt: hoursAgo(hour + 1), timestamp: hoursAgo(hour + 1) });
    // Four shards' flushes, each over four hours: 16 objects, each holding about 125 of the people and 25 others' events.
    const shards = Array.from({ length: 4 }, () => [] as AcceptedEvent[]);
    people.forEach((person, i) => {
      const hour = Math.floor(i / 4) % 4;
      for (const [n, h] of [hour, (hour + 1) % 4].entries()) {
        shards[i % 4]!.push(acceptedEvent(sourceId, `${person}-${n}`, { userId: person, anonymousId: `${person}-anon`, ...at(h) }));
      }
    });
    const others = Array.from({ length: 400 }, (_, j) =>
      acceptedEvent(sourceId, `${sourceId}-other-${j}`, { userId: `${sourceId}-other-${j % 50}`, ...at((j >> 2) % 4) }),
    );
    others.forEach((event, j) => shards[j % 4]!.push(event));
    for (const shard of shards) await archiveThroughFlush(shard);
    const before = await rawArchive(`archive/${sourceId}/`);
    expect(before.size).toBe(16);

    const reads = new Map<string, number>();
    const counting = interceptBucket(env.ARCHIVE, {
      get: (get, ...args) => {
        reads.set(args[0], (reads.get(args[0]) ?? 0) + 1);
        return get(...args);
      },
    });
    const covered = people.flatMap((person) => [`user_id:${person}`, `anonymous_id:${person}-anon`]);
    const done = await runWithBucket("DELETE_ARCHIVE_ONLY", people, covered, (step) => (step === "archive-erase" ? counting : env.ARCHIVE));

    expect(done.status).toBe("FINISHED");
    expect([...reads.keys()].sort()).toEqual([...before.keys()].sort());
    expect(new Set(reads.values())).toEqual(new Set([1]));
    expect(done.progress.stores.archive!.removed).toEqual({ events: 2_000, objects: 16, objectsDeleted: 0 });
    expect(done.progress.verification).toMatchObject({ objectsChecked: 16, eventsChecked: 400, occurrences: 0 });
    const after = await rawArchive(`archive/${sourceId}/`);
    expect([...after.values()].flat().sort()).toEqual(others.map((event) => JSON.stringify(event)).sort());
  }, 90_000);
});
