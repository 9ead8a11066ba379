import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import type { DebuggerEntry } from "../../src/debugger/entry";
import type { Regulation } from "../../src/privacy/regulation";
import { readSuppressedCounts } from "../../src/privacy/suppressed-counts";
import worker from "../../workers/index";
import { waitUntil } from "../support/wait-until";
import { admin } from "../support/workerd/admin";
import { readArchivedEvents } from "../support/workerd/archive";
import { acceptedEvent, eventsMessage, uniqueId } from "../support/workerd/events";
import { createSource, profileEventIds, sendBatch, unique, waitForEvent } from "../support/workerd/profiles";
import { received } from "../support/workerd/received";

/**
 * Suppression end to end in workerd: regulations through the admin API, events through the
 * Tracking API and the real queues, consumers, Durable Objects, D1, R2 and a real webhook
 * receiver. A suppressed person's events must leave no trace but a count; anyone else's flow.
 */

interface Schema {
  events: { type: string; name: string }[];
}

const regulate = (regulationType: string, subjectIds: string[]) =>
  admin<{ regulation: Regulation; error?: string; field?: string }>("POST", "/regulations", { regulationType, subjectType: "USER_ID", subjectIds });

const suppressedCount = async (sourceId: string) => (await readSuppressedCounts(env.DB, sourceId)).reduce((sum, { count }) => sum + count, 0);

/** Waits until `messageIds` are archived, delivered to `hook`, in the debugger and (by name) in the schema: every place an event shows. */
async function waitForEverywhere(sourceId: string, hook: string, messageIds: string[], eventName: string): Promise<void> {
  const has = (ids: string[]) => messageIds.every((id) => ids.includes(id));
  await waitUntil(
    `${messageIds.join(", ")} archived`,
    () => readArchivedEvents(sourceId),
    (events) => has(events.map(({ event }) => event.messageId)),
    { timeoutMs: 20_000 },
  );
  await waitUntil(
    `${messageIds.join(", ")} delivered`,
    () => received(hook),
    (requests) => has(requests.map((request) => String(request.body.messageId))),
    { timeoutMs: 20_000 },
  );
  await waitUntil(
    `${messageIds.join(", ")} in the debugger`,
    async () => (await admin<{ events: DebuggerEntry[] }>("GET", `/sources/${sourceId}/debugger`)).body.events,
    (entries) => has(entries.map((entry) => entry.messageId ?? "")),
  );
  await waitUntil(
    `${eventName} in the schema`,
    async () => (await admin<Schema>("GET", `/sources/${sourceId}/schema`)).body.events,
    (events) => events.some((event) => event.name === eventName),
  );
}

/** Every messageId that shows anywhere: archive, webhook, debugger. */
async function seenAnywhere(sourceId: string, hook: string): Promise<Set<string>> {
  const [archived, delivered, debugged] = await Promise.all([
    readArchivedEvents(sourceId),
    received(hook),
    admin<{ events: DebuggerEntry[] }>("GET", `/sources/${sourceId}/debugger`),
  ]);
  return new Set([
    ...archived.map(({ event }) => event.messageId),
    ...delivered.map((request) => String(request.body.messageId)),
    ...debugged.body.events.map((entry) => entry.messageId ?? ""),
  ]);
}

describe("suppression through the pipeline", () => {
  it("drops a suppressed person's events by userId and by an anonymous id of their profile, lets others flow, and lets them flow again after UNSUPPRESS", async () => {
    const source = await createSource("Suppression source");
    const hook = `/hooks/${unique("suppression")}`;
    const destination = await admin("POST", "/destinations", {
      name: "Suppression hook",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}${hook}` },
    });
    expect(destination.status).toBe(201);
    const [userId, anonymousId, other] = [unique("user"), unique("anon"), unique("other")];

    // The person signs in: their profile holds the anonymous id from before.
    const signedIn = unique("m");
    await sendBatch(source.writeKey, [{ type: "identify", userId, anonymousId, traits: { plan: "pro" }, messageId: signedIn }]);
    await waitForEvent(`user_id:${userId}`, signedIn);

    const created = await regulate("SUPPRESS_ONLY", [userId]);
    expect(created.status).toBe(201);
    expect(created.body.regulation).toMatchObject({
      regulationType: "SUPPRESS_ONLY",
      status: "FINISHED",
      subjectIds: [userId],
      progress: { stores: { suppression: { status: "done", added: { keys: 2, subjects: 1 } } } },
    });
    const shown = await admin<{ regulation: Regulation }>("GET", `/regulations/${created.body.regulation.id}`);
    expect(shown.body.regulation).toMatchObject({ status: "FINISHED", regulationType: "SUPPRESS_ONLY", subjectIds: [userId] });
    expect(shown.body.regulation.covered.sort()).toEqual([`anonymous_id:${anonymousId}`, `user_id:${userId}`]);

    // One request, so one queue message and one consumer batch: the suppressed person's events
    // (by userId, by the anonymous id alone, by both) beside another user's.
    const gone = { byUser: unique("gone"), byAnon: unique("gone"), byBoth: unique("gone") };
    const free = unique("free");
    await sendBatch(source.writeKey, [
      { type: "track", event: "Secret Viewed", userId, messageId: gone.byUser },
      { type: "track", event: "Secret Viewed", anonymousId, messageId: gone.byAnon },
      { type: "page", name: "Secret", userId, anonymousId, messageId: gone.byBoth },
      { type: "track", event: "Free Viewed", userId: other, messageId: free },
    ]);
    await waitForEverywhere(source.id, hook, [free], "Free Viewed");
    await waitForEvent(`user_id:${other}`, free);
    await waitUntil(
      "3 suppressed events counted",
      () => suppressedCount(source.id),
      (count) => count === 3,
    );

    const seen = await seenAnywhere(source.id, hook);
    for (const id of Object.values(gone)) expect(seen.has(id), id).toBe(false);
    const schema = (await admin<Schema>("GET", `/sources/${source.id}/schema`)).body.events;
    expect(schema.map((event) => event.name)).not.toContain("Secret Viewed");
    expect(schema.some((event) => event.type === "page")).toBe(false);
    expect((await profileEventIds(`user_id:${userId}`)).ids).toEqual([signedIn]);

    // UNSUPPRESS: the same person's events flow again, by userId and by the anonymous id.
    const lifted = await regulate("UNSUPPRESS", [userId]);
    expect(lifted.body.regulation).toMatchObject({ status: "FINISHED", progress: { stores: { suppression: { status: "done", removed: { keys: 2 } } } } });
    const back = { byUser: unique("back"), byAnon: unique("back") };
    await sendBatch(source.writeKey, [
      { type: "track", event: "Back Viewed", userId, messageId: back.byUser },
      { type: "track", event: "Back Viewed", anonymousId, messageId: back.byAnon },
    ]);
    await waitForEverywhere(source.id, hook, Object.values(back), "Back Viewed");
    await waitForEvent(`user_id:${userId}`, back.byAnon);
    expect(await suppressedCount(source.id)).toBe(3);
  });

  it("acks a batch whose messages hold only suppressed events, archiving only the others", async () => {
    const sourceId = uniqueId("src");
    const [suppressedUser, freeUser, kept] = [unique("user"), unique("user"), uniqueId("kept")];
    expect((await regulate("SUPPRESS_ONLY", [suppressedUser])).status).toBe(201);
    const messages = [
      { id: uniqueId("qmsg"), body: eventsMessage([acceptedEvent(sourceId, uniqueId("gone"), { userId: suppressedUser })]) },
      {
        id: uniqueId("qmsg"),
        body: eventsMessage([acceptedEvent(sourceId, uniqueId("gone"), { userId: suppressedUser }), acceptedEvent(sourceId, kept, { userId: freeUser })]),
      },
    ];
    const batch = createMessageBatch(
      "sluice-events",
      messages.map((message) => ({ ...message, timestamp: new Date(), attempts: 1 })),
    );
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks.sort()).toEqual(messages.map((message) => message.id).sort());
    expect(result.retryMessages).toEqual([]);
    expect(await suppressedCount(sourceId)).toBe(2);
    const archived = await waitUntil(
      "the kept event archived",
      () => readArchivedEvents(sourceId),
      (events) => events.length > 0,
    );
    expect(archived.map(({ event }) => event.messageId)).toEqual([kept]);
  });

  it("suppresses first and hands a deleting regulation to the deletion job, which holds it RUNNING", async () => {
    const userId = unique("user");
    const created = await regulate("SUPPRESS_WITH_DELETE", [userId]);
    expect(created.status).toBe(201);
    expect(created.body.regulation).toMatchObject({
      status: "RUNNING",
      covered: [`user_id:${userId}`],
      progress: { stores: { suppression: { status: "done", added: { keys: 1, subjects: 1 } } } },
    });
    expect((await admin<{ regulation: Regulation }>("GET", `/regulations/${created.body.regulation.id}`)).body.regulation).toMatchObject({
      status: "RUNNING",
      progress: { stores: { suppression: { status: "done" } } },
    });

    const deleteOnly = await regulate("DELETE_ONLY", [unique("user")]);
    expect(deleteOnly.body.regulation).toMatchObject({ status: "RUNNING", progress: { stores: { suppression: { status: "skipped" } } } });
  });

  it("refuses more than 5,000 userIds, an unknown type and userIds whose keys outgrow a row, naming the field; 404 for an unknown id", async () => {
    const tooMany = await regulate(
      "SUPPRESS_ONLY",
      Array.from({ length: 5_001 }, (_, i) => `u${i}`),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ field: "subjectIds" });
    expect(tooMany.body.error).toContain("at most 5000 userIds");

    const badType = await regulate("FORGET_EVERYTHING", ["u1"]);
    expect(badType.status).toBe(400);
    expect(badType.body).toMatchObject({ field: "regulationType" });
    expect(badType.body.error).toContain("SUPPRESS_WITH_DELETE");

    const badSubject = await admin<{ field: string }>("POST", "/regulations", { regulationType: "SUPPRESS_ONLY", subjectType: "EMAIL", subjectIds: ["u1"] });
    expect(badSubject).toMatchObject({ status: 400, body: { field: "subjectType" } });
    expect((await admin("GET", "/regulations/reg_nope")).status).toBe(404);

    // 5,000 userIds of 300 characters: with their keys, past what one D1 row holds.
    const huge = await regulate(
      "SUPPRESS_ONLY",
      Array.from({ length: 5_000 }, (_, i) => `${i}-${"x".repeat(300)}`),
    );
    expect(huge.status).toBe(400);
    expect(huge.body).toMatchObject({ field: "subjectIds" });
    expect(huge.body.error).toContain("split subjectIds into smaller requests");
  });

  it("lists regulations newest first, a page at a time", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await regulate("SUPPRESS_ONLY", [unique("user")])).body.regulation.id);
    type Page = { regulations: { id: string; subjectCount: number; status: string; createdAt: string }[]; next?: string };
    const listed: Page["regulations"] = [];
    let query = "?limit=2";
    for (let page = 0; page < 100; page += 1) {
      const answer = await admin<Page>("GET", `/regulations${query}`);
      expect(answer.status).toBe(200);
      expect(answer.body.regulations.length).toBeLessThanOrEqual(2);
      listed.push(...answer.body.regulations);
      if (!answer.body.next) break;
      query = `?limit=2&after=${encodeURIComponent(answer.body.next)}`;
    }
    expect(new Set(listed.map((r) => r.id)).size).toBe(listed.length);
    // Every page continues where the last ended: all three, newest first (ties within a millisecond by id).
    const mine = listed.filter((r) => ids.includes(r.id));
    expect(mine.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(mine.map((r) => r.createdAt)).toEqual(
      mine
        .map((r) => r.createdAt)
        .sort()
        .reverse(),
    );
    expect(mine.every((r) => r.subjectCount === 1 && r.status === "FINISHED")).toBe(true);
    expect((await admin<{ field: string }>("GET", "/regulations?after=nonsense")).body).toMatchObject({ field: "after" });
  });
});
