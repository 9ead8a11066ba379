import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { archiveKey } from "../../src/archive/archive-key";
import { encodeNdjsonGzip } from "../../src/archive/ndjson";
import type { ReplaySpec } from "../../src/replay/replay-request";
import { ReplayRunner } from "../../src/replay/replay-runner";
import { ReplayStore, type ReplayProgress } from "../../src/replay/replay-store";
import { RegulationStore } from "../../src/privacy/regulation-store";
import type { ReceivedRequest } from "../support/receiver/received";
import { admin } from "../support/workerd/admin";
import { waitUntil } from "../support/wait-until";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";
import { replayDeps } from "../../workers/replay-object";
import { received } from "../support/workerd/received";

/**
 * Replay from the R2 archive into webhook destinations that are real HTTP endpoints (a Node
 * receiver): archive objects are written as the pipeline writes them, the replay runs in its
 * Durable Object on real alarms, and the receiver says what arrived, in which order, how often.
 */
const DAY = "2026-03-14";

interface Archived {
  hour: string;
  events: Record<string, unknown>[];
}

/** A day of archive: `perHour` track events in each hour, timestamps out of order within an hour. */
async function archiveDay(
  sourceId: string,
  perHour: number,
  extra: (hour: number, index: number) => Record<string, unknown> = () => ({}),
): Promise<Archived[]> {
  const objects: Archived[] = [];
  for (let hour = 0; hour < 24; hour += 1) {
    const hh = String(hour).padStart(2, "0");
    const events = Array.from({ length: perHour }, (_, index) => {
      const minute = String((index * 37) % 60).padStart(2, "0"); // not in write order
      return {
        type: "track",
        event: "Order Completed",
        userId: `user-${index % 7}`,
        messageId: `${sourceId}-${hh}-${index}`,
        projectId: sourceId,
        timestamp: `${DAY}T${hh}:${minute}:00.000Z`,
        receivedAt: `${DAY}T${hh}:${minute}:01.000Z`,
        properties: { hour, index },
        context: {},
        ...extra(hour, index),
      };
    });
    // Two objects per hour (two dedupe shards), their timestamps interleaved: the replay merges them.
    const shards = [events.filter((_, index) => index % 2 === 0), events.filter((_, index) => index % 2 === 1)];
    for (const [shard, lines] of shards.entries()) {
      if (lines.length === 0) continue;
      const key = archiveKey(sourceId, `${DAY}/${hh}`, `shard-${shard}-${hh}`);
      // As the pipeline's archive flush writes it, event count included.
      await env.ARCHIVE.put(key, await encodeNdjsonGzip(lines.map((event) => JSON.stringify(event))), { customMetadata: { events: String(lines.length) } });
    }
    objects.push({ hour: hh, events });
  }
  return objects;
}

async function webhook(sourceId: string, hook: string, extra: object = {}): Promise<string> {
  const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
    name: `Replay target ${hook}`,
    type: "webhook",
    sourceIds: [sourceId],
    settings: { url: `${inject("receiverUrl")}${hook}`, sharedSecret: "replay-secret" },
    ...extra,
  });
  expect(created.status).toBe(201);
  return created.body.destination.id;
}

/** Starts a replay through the admin API (201 expected) and answers it as created. */
async function startReplay(sourceId: string, destinationId: string, from: string, to: string, options: object = {}): Promise<{ id: string; status: string }> {
  const started = await admin<{ replay: { id: string; status: string } }>("POST", "/replays", {
    sourceId,
    destinationIds: [destinationId],
    from,
    to,
    ...options,
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return started.body.replay;
}

/** A replay spec for tests that drive the runner by hand (no admin API, no alarm). */
function replaySpecFor(sourceId: string, destinationIds: string[], from: string, to: string, ratePerSecond: number): ReplaySpec {
  return { id: unique("rpl"), sourceId, destinationIds, from, to, ratePerSecond, blocks: { events: [], traits: [] }, createdAt: new Date().toISOString() };
}

const messageIdOf = (request: ReceivedRequest) => String((request.body as { messageId: string }).messageId);
const byTimestamp = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.timestamp).localeCompare(String(b.timestamp));

async function replayUntilDone(id: string, timeoutMs = 25_000): Promise<ReplayProgress> {
  const result = await waitUntil(
    `replay ${id} to end`,
    () => admin<{ replay: ReplayProgress }>("GET", `/replays/${id}`),
    (answer) => answer.body.replay.status !== "running",
    { timeoutMs },
  );
  return result.body.replay;
}

describe("replay from the archive", () => {
  it("sends a day of archived events to a new webhook completely, once each, in timestamp order per hour", async () => {
    const source = await createSource("Replay day");
    const archived = await archiveDay(source.id, 12);
    const hook = `/hooks/${unique("day")}`;
    const destinationId = await webhook(source.id, hook);

    const started = await startReplay(source.id, destinationId, `${DAY}T00:00:00Z`, "2026-03-15T00:00:00Z", { ratePerSecond: 5_000 });
    expect(started.status).toBe("running");
    const done = await replayUntilDone(started.id);

    expect(done).toMatchObject({ status: "finished", total: 288, sent: 288, discarded: 0, failed: 0 });
    const arrived = await received(hook);
    const expected = archived.flatMap((object) => [...object.events].sort(byTimestamp).map((event) => String(event.messageId)));
    expect(arrived.map(messageIdOf)).toEqual(expected);
    expect(arrived.every((request) => typeof request.headers["x-signature"] === "string" && request.status === 200)).toBe(true);

    const listed = await admin<{ replays: { id: string; status: string; sent: number; total: number }[] }>("GET", "/replays");
    expect(listed.body.replays.find((replay) => replay.id === started.id)).toMatchObject({ status: "finished", sent: 288, total: 288 });
  });

  it("selects by time, type and name, leaves out blocked events, and applies the destination's consent and filters", async () => {
    const source = await createSource("Replay selection");
    await archiveDay(source.id, 6, (hour, index) =>
      index === 0
        ? { event: "Spam" }
        : index === 1
          ? { context: { consent: { categoryPreferences: { Advertising: false } } } }
          : index === 2
            ? { event: "Blocked Thing" }
            : {},
    );
    const blocked = await admin("PATCH", `/sources/${source.id}/schema/events`, { type: "track", name: "Blocked Thing", blocked: true });
    expect(blocked.status).toBe(200);
    const hook = `/hooks/${unique("select")}`;
    const destinationId = await webhook(source.id, hook, { consentCategories: ["Advertising"] });
    expect(
      (await admin("POST", `/destinations/${destinationId}/filters`, { title: "No spam", if: 'event = "Spam"', actions: [{ type: "DROP" }] })).status,
    ).toBe(201);

    // Hours 10 to 13 only (4 hours of 6 events): 2 blocked are left out, so 4 × 5 = 20 selected.
    const started = await startReplay(source.id, destinationId, `${DAY}T10:00:00Z`, `${DAY}T14:00:00Z`, {
      eventTypes: ["track"],
      eventNames: ["Order Completed", "Spam", "Blocked Thing"],
      ratePerSecond: 5_000,
    });
    const done = await replayUntilDone(started.id);
    expect(done).toMatchObject({ status: "finished", total: 20, sent: 12, discarded: 8, failed: 0 });
    const arrived = (await received(hook)).map((request) => request.body as { event: string; properties: { hour: number; index: number } });
    expect(arrived).toHaveLength(12);
    expect(
      arrived.every(({ event, properties }) => event === "Order Completed" && properties.hour >= 10 && properties.hour < 14 && properties.index >= 3),
    ).toBe(true);

    const metrics = await admin<{ delivered: number; discarded: Record<string, number> | number }>("GET", `/destinations/${destinationId}/delivery`);
    expect(metrics.body.delivered).toBe(12);
  });

  it("re-applies the current suppression list: a person suppressed since their events were archived is not replayed", async () => {
    const source = await createSource("Replay suppression");
    const [suppressedUser, otherUser] = [unique("suppressed"), unique("other")];
    await archiveDay(source.id, 4, (_, index) => ({ userId: index % 2 === 0 ? suppressedUser : otherUser }));
    const suppressed = await admin<{ regulation: { status: string } }>("POST", "/regulations", {
      regulationType: "SUPPRESS_ONLY",
      subjectType: "USER_ID",
      subjectIds: [suppressedUser],
    });
    expect(suppressed.body.regulation.status).toBe("FINISHED");
    const hook = `/hooks/${unique("suppressed")}`;
    const destinationId = await webhook(source.id, hook);

    const started = await startReplay(source.id, destinationId, `${DAY}T10:00:00Z`, `${DAY}T12:00:00Z`, { ratePerSecond: 5_000 });
    const done = await replayUntilDone(started.id);
    expect(done).toMatchObject({ status: "finished", total: 8, sent: 4, discarded: 4, failed: 0 });
    const arrived = (await received(hook)).map((request) => (request.body as { userId: string }).userId);
    expect(arrived).toEqual([otherUser, otherUser, otherUser, otherUser]);
  });

  it("retries a failing receiver in order and delivers each event exactly once", async () => {
    const source = await createSource("Replay retry");
    const archived = await archiveDay(source.id, 2);
    const hook = `/hooks/${unique("flaky")}?fail=500x2`;
    const destinationId = await webhook(source.id, hook);
    const started = await startReplay(source.id, destinationId, `${DAY}T05:00:00Z`, `${DAY}T06:00:00Z`, { ratePerSecond: 5_000 });
    const done = await replayUntilDone(started.id, 30_000);
    expect(done).toMatchObject({ status: "finished", total: 2, sent: 2, failed: 0 });
    const answers = await received(hook);
    expect(answers.map((request) => request.status)).toEqual([500, 500, 200, 500, 500, 200]);
    const accepted = answers.filter((request) => request.status === 200).map(messageIdOf);
    const expected = archived.slice(5, 6).flatMap((object) => [...object.events].sort(byTimestamp).map((event) => String(event.messageId)));
    expect(accepted).toEqual(expected);
  });

  it("waits what a 429's Retry-After asked before sending the parked events again", async () => {
    const source = await createSource("Replay Retry-After");
    await archiveDay(source.id, 1);
    // The replay's own first backoff here is at most 1 s (DELIVERY_RETRY_FIRST_DELAY_SECONDS): 3 s is the header's.
    const hook = `/hooks/${unique("asks-to-wait")}?fail=429x1&retryAfter=3`;
    const destinationId = await webhook(source.id, hook);
    const started = await startReplay(source.id, destinationId, `${DAY}T03:00:00Z`, `${DAY}T04:00:00Z`);
    expect(await replayUntilDone(started.id, 30_000)).toMatchObject({ status: "finished", total: 1, sent: 1, failed: 0 });
    const answers = await received(hook);
    expect(answers.map((request) => request.status)).toEqual([429, 200]);
    expect(answers[1]!.at - answers[0]!.at, "ms between the 429 and the resend").toBeGreaterThanOrEqual(3_000);
  });

  it("dead-letters at once what a destination asks to wait for past the 4-hour window", async () => {
    const source = await createSource("Replay Retry-After too long");
    await archiveDay(source.id, 1);
    const hook = `/hooks/${unique("asks-too-much")}?fail=429x1&retryAfter=${5 * 3_600}`;
    const destinationId = await webhook(source.id, hook);
    const started = await startReplay(source.id, destinationId, `${DAY}T04:00:00Z`, `${DAY}T05:00:00Z`);
    expect(await replayUntilDone(started.id)).toMatchObject({ status: "finished", total: 1, sent: 0, failed: 1 });
    const letters = await waitUntil(
      "the refused event in the destination's dead letters",
      () => admin<{ deadLetters: { reason: string }[] }>("GET", `/destinations/${destinationId}/dead-letters`),
      (answer) => answer.body.deadLetters.length === 1,
      { timeoutMs: 20_000 },
    );
    expect(letters.body.deadLetters[0]!.reason).toMatch(/asked to wait 18000 s \(Retry-After\), past the 4-hour retry window/);
  });

  it("counts what a destination refuses as failed and keeps it in that destination's dead letters", async () => {
    const source = await createSource("Replay refused");
    await archiveDay(source.id, 3);
    const hook = `/hooks/${unique("refusing")}?fail=400x1`;
    const destinationId = await webhook(source.id, hook);
    const started = await startReplay(source.id, destinationId, `${DAY}T08:00:00Z`, `${DAY}T09:00:00Z`);
    const done = await replayUntilDone(started.id);
    expect(done).toMatchObject({ status: "finished", total: 3, sent: 0, failed: 3 });
    const letters = await waitUntil(
      "the 3 refused events in the destination's dead letters",
      () => admin<{ deadLetters: { from: string; reason: string; events: { messageId: string }[] }[] }>("GET", `/destinations/${destinationId}/dead-letters`),
      (answer) => answer.body.deadLetters.length === 3,
      { timeoutMs: 20_000 },
    );
    expect(letters.body.deadLetters.every((letter) => letter.from === `replay:${started.id}` && letter.reason.includes("answered 400"))).toBe(true);
  });

  it("resumes after a crash mid-replay without re-sending what the destination acknowledged", async () => {
    const source = await createSource("Replay crash");
    const archived = await archiveDay(source.id, 5);
    const hook = `/hooks/${unique("crash")}`;
    const destinationId = await webhook(source.id, hook);
    const spec = replaySpecFor(source.id, [destinationId], `${DAY}T00:00:00.000Z`, "2026-03-15T00:00:00.000Z", 1_000);
    // Driven by hand (no alarm): the first runner dies with its 31st request in flight.
    const stub = env.REPLAYS.get(env.REPLAYS.idFromName(spec.id));
    const crashAfter = 30;
    await runInDurableObject(stub, (_instance, state) => {
      const store = new ReplayStore(state.storage);
      store.init(spec, new Date());
      let requests = 0;
      const dying: typeof fetch = async (input, init) => {
        requests += 1;
        if (requests <= crashAfter) return fetch(input, init);
        await fetch(input, init); // the receiver gets it and answers; the runner never hears back
        return new Promise<Response>(() => {});
      };
      const runner = new ReplayRunner(replayDeps(store, env, { fetcher: dying, report: async () => {} }));
      void (async () => {
        while ((await runner.tick()) !== null);
      })();
    });
    await waitUntil(
      `the request in flight at the crash (#${crashAfter + 1})`,
      () => received(hook),
      (list) => list.length > crashAfter,
    );

    const progress = await runInDurableObject(stub, async (_instance, state) => {
      const store = new ReplayStore(state.storage);
      expect(store.progress()!.sent).toBe(crashAfter);
      const runner = new ReplayRunner(replayDeps(store, env, { report: async () => {} }));
      while ((await runner.tick()) !== null);
      return store.progress()!;
    });

    expect(progress).toMatchObject({ status: "finished", total: 120, sent: 120 });
    const arrived = (await received(hook)).map(messageIdOf);
    const expected = archived.flatMap((object) => [...object.events].sort(byTimestamp).map((event) => String(event.messageId)));
    // The one request in flight at the crash is the only one sent twice.
    expect(arrived).toEqual([...expected.slice(0, crashAfter + 1), ...expected.slice(crashAfter)]);
  });

  it("sends each destination at most its rate per second", async () => {
    const source = await createSource("Replay pace");
    await archiveDay(source.id, 10);
    const firstHook = `/hooks/${unique("first")}`;
    const secondHook = `/hooks/${unique("second")}`;
    const spec = replaySpecFor(
      source.id,
      [await webhook(source.id, firstHook), await webhook(source.id, secondHook)],
      `${DAY}T00:00:00.000Z`,
      `${DAY}T03:00:00.000Z`,
      7,
    );
    const stub = env.REPLAYS.get(env.REPLAYS.idFromName(spec.id));
    const { progress, nextRun, tickStarted } = await runInDurableObject(stub, async (_instance, state) => {
      const store = new ReplayStore(state.storage);
      store.init(spec, new Date());
      const runner = new ReplayRunner(replayDeps(store, env, { report: async () => {} }));
      await runner.tick(); // lists
      await runner.tick(); // counts
      const tickStarted = Date.now();
      const nextRun = await runner.tick(); // sends one window
      return { progress: store.progress()!, nextRun, tickStarted };
    });
    expect(progress.total).toBe(60);
    expect(progress.destinations.map((part) => part.sent)).toEqual([7, 7]);
    expect((await received(firstHook)).length).toBe(7);
    expect(nextRun).toBeGreaterThanOrEqual(tickStarted + 1_000);
  });

  it("sends the hour as the archive holds it after a deletion rewrote an object mid-replay, and the counts still add up", async () => {
    const source = await createSource("Replay rewrite");
    const archived = await archiveDay(source.id, 6);
    const hook = `/hooks/${unique("rewrite")}`;
    const spec = replaySpecFor(source.id, [await webhook(source.id, hook)], `${DAY}T04:00:00.000Z`, `${DAY}T05:00:00.000Z`, 2);
    const hour = [...archived[4]!.events].sort(byTimestamp).map((event) => String(event.messageId));
    const stub = env.REPLAYS.get(env.REPLAYS.idFromName(spec.id));
    await runInDurableObject(stub, async (_instance, state) => {
      const store = new ReplayStore(state.storage);
      store.init(spec, new Date());
      const runner = new ReplayRunner(replayDeps(store, env, { report: async () => {} }));
      for (let tick = 0; tick < 3; tick += 1) await runner.tick(); // list, count, one window of 2
    });
    expect((await received(hook)).map(messageIdOf)).toEqual(hour.slice(0, 2));

    // A deletion rewrites the hour's first shard without one event already sent and one not yet sent.
    const removed = new Set([hour[0], hour[3]]);
    const shardKey = archiveKey(source.id, `${DAY}/04`, "shard-0-04");
    const shard = archived[4]!.events.filter((_, index) => index % 2 === 0);
    expect(shard.filter((event) => removed.has(String(event.messageId)))).toHaveLength(2);
    await env.ARCHIVE.put(
      shardKey,
      await encodeNdjsonGzip(shard.filter((event) => !removed.has(String(event.messageId))).map((event) => JSON.stringify(event))),
    );

    const progress = await runInDurableObject(stub, async (_instance, state) => {
      const store = new ReplayStore(state.storage);
      const runner = new ReplayRunner(replayDeps(store, env, { report: async () => {} }));
      while ((await runner.tick()) !== null);
      return store.progress()!;
    });
    expect((await received(hook)).map(messageIdOf)).toEqual(hour.filter((id) => id !== hour[3]));
    expect(progress).toMatchObject({ status: "finished", total: 5, sent: 5, discarded: 0, failed: 0 });
  });

  it("does not send a person deleted while their hour is already in memory, and the counts still add up", async () => {
    const source = await createSource("Replay deletion in memory");
    const archived = await archiveDay(source.id, 6);
    const hook = `/hooks/${unique("erased")}`;
    const spec = replaySpecFor(source.id, [await webhook(source.id, hook)], `${DAY}T04:00:00.000Z`, `${DAY}T05:00:00.000Z`, 2);
    const hour = [...archived[4]!.events].sort(byTimestamp);
    // Someone whose events come after the first window: read with the hour, not yet sent.
    const gone = String(hour[3]!.userId);
    expect(hour.slice(0, 2).some((event) => event.userId === gone)).toBe(false);
    const progress = await runInDurableObject(env.REPLAYS.get(env.REPLAYS.idFromName(spec.id)), async (_instance, state) => {
      const store = new ReplayStore(state.storage);
      store.init(spec, new Date());
      const runner = new ReplayRunner(replayDeps(store, env, { report: async () => {} }));
      for (let tick = 0; tick < 3; tick += 1) await runner.tick(); // list, count, one window of 2: the hour is in memory
      // Their deletion starts; it has not rewritten this archive (it may not even have reached it).
      const regulation = await new RegulationStore(env.DB).create({
        regulationType: "DELETE_INTERNAL",
        subjectIds: [gone],
        covered: [`user_id:${gone}`],
        now: new Date(),
      });
      await new RegulationStore(env.DB).saveProgress(regulation.id, "RUNNING", regulation.progress, new Date());
      while ((await runner.tick()) !== null);
      return store.progress()!;
    });
    const expected = hour.filter((event) => event.userId !== gone).map((event) => String(event.messageId));
    expect((await received(hook)).map(messageIdOf)).toEqual(expected);
    expect(progress).toMatchObject({ status: "finished", total: expected.length, sent: expected.length, discarded: 0, failed: 0 });
  });

  it("counts whole hours from the archive writer's event counts, reading only hours the range cuts", async () => {
    const source = await createSource("Replay counts");
    await archiveDay(source.id, 4);
    // From 02:30: cuts hour 02; hours 03 to 05 are whole.
    const spec = replaySpecFor(source.id, [await webhook(source.id, `/hooks/${unique("counts")}`)], `${DAY}T02:30:00.000Z`, `${DAY}T06:00:00.000Z`, 100);
    const stub = env.REPLAYS.get(env.REPLAYS.idFromName(spec.id));
    const { reads, total } = await runInDurableObject(stub, async (_instance, state) => {
      const store = new ReplayStore(state.storage);
      store.init(spec, new Date());
      const reads: string[] = [];
      const deps = replayDeps(store, env, { report: async () => {} });
      const runner = new ReplayRunner({ ...deps, readLines: (key) => (reads.push(key), deps.readLines(key)) });
      await runner.tick(); // lists
      await runner.tick(); // counts
      return { reads, total: store.progress()!.total };
    });
    // Hour 02 (minutes 00, 37, 14, 51 received at :01) keeps 37 and 51: 2 + 3 whole hours × 4.
    expect(total).toBe(14);
    expect(reads.every((key) => key.includes(`${DAY}/02/`))).toBe(true);
    expect(reads).toHaveLength(2);
  });

  it("sends no empty batch when a batching destination's filters drop a whole chunk", async () => {
    const source = await createSource("Replay all filtered");
    await archiveDay(source.id, 4);
    const hook = `/hooks/${unique("empty")}`;
    const destinationId = await webhook(source.id, hook, { settings: { url: `${inject("receiverUrl")}${hook}`, batch: true } });
    expect((await admin("POST", `/destinations/${destinationId}/filters`, { title: "Nothing", if: "all", actions: [{ type: "DROP" }] })).status).toBe(201);
    const started = await startReplay(source.id, destinationId, `${DAY}T00:00:00Z`, `${DAY}T02:00:00Z`);
    expect(await replayUntilDone(started.id)).toMatchObject({ status: "finished", total: 8, sent: 0, discarded: 8 });
    expect(await received(hook)).toEqual([]);
  });

  it("cancels a running replay: what was sent stays sent, nothing more goes out", async () => {
    const source = await createSource("Replay cancel");
    await archiveDay(source.id, 10);
    const hook = `/hooks/${unique("cancel")}`;
    const destinationId = await webhook(source.id, hook);
    const started = await startReplay(source.id, destinationId, `${DAY}T00:00:00Z`, "2026-03-15T00:00:00Z", { ratePerSecond: 5 });
    await waitUntil(
      "the replay's first 5 requests",
      () => received(hook),
      (list) => list.length >= 5,
    );
    const cancelled = await admin<{ replay: ReplayProgress }>("POST", `/replays/${started.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.replay).toMatchObject({ status: "failed", error: "cancelled by an admin", total: 240 });
    const sentAtCancel = cancelled.body.replay.sent;

    // "Nothing more goes out" without waiting out rate windows: a replay only moves when its
    // alarm runs the runner, and the runner checks for a cancel before every request. So the
    // cancel must leave no alarm, and a run started now (what a stray alarm would do, through the
    // same handler) must send nothing and schedule nothing.
    const stub = env.REPLAYS.get(env.REPLAYS.idFromName(started.id));
    const alarms = await runInDurableObject(stub, async (instance, state) => {
      const before = await state.storage.getAlarm();
      await instance.alarm();
      return { before, after: await state.storage.getAlarm() };
    });
    expect(alarms, "alarms left by the cancel, and by a run after it").toEqual({ before: null, after: null });
    // A request in flight at the cancel still lands and is counted as sent: once the receiver and
    // the replay agree, that is at most one request past what the cancel answered.
    const settled = await waitUntil(
      "the receiver and the cancelled replay to agree on what was sent",
      async () => ({ received: (await received(hook)).length, progress: (await stub.progress())! }),
      ({ received, progress }) => received === progress.sent,
    );
    expect(settled.progress).toMatchObject({ status: "failed" });
    expect(settled.received).toBeGreaterThanOrEqual(sentAtCancel);
    expect(settled.received, "requests sent after the cancel (one may have been in flight)").toBeLessThanOrEqual(sentAtCancel + 1);
    expect((await admin("POST", "/replays/rpl_missing/cancel")).status).toBe(404);
  });

  it("wakes a running replay that lost its alarm when someone looks at it", async () => {
    const source = await createSource("Replay wake");
    await archiveDay(source.id, 2);
    const hook = `/hooks/${unique("wake")}`;
    const spec = replaySpecFor(source.id, [await webhook(source.id, hook)], `${DAY}T00:00:00.000Z`, `${DAY}T01:00:00.000Z`, 100);
    const stub = env.REPLAYS.get(env.REPLAYS.idFromName(spec.id));
    await runInDurableObject(stub, (_instance, state) => void new ReplayStore(state.storage).init(spec, new Date())); // stored, no alarm
    expect((await stub.progress())?.status).toBe("running");
    await waitUntil(
      "both events of the woken replay",
      () => received(hook),
      (list) => list.length === 2,
    );
    const done = await waitUntil(
      "the woken replay to finish",
      async () => await stub.progress(),
      (progress) => progress?.status === "finished",
    );
    expect(done).toMatchObject({ status: "finished", sent: 2, total: 2 });
  });

  it("keeps live traffic flowing to a destination while a slow replay into it runs", async () => {
    const source = await createSource("Replay alongside live");
    await archiveDay(source.id, 10);
    const hook = `/hooks/${unique("busy")}`;
    const destinationId = await webhook(source.id, hook);
    const started = await startReplay(source.id, destinationId, `${DAY}T00:00:00Z`, "2026-03-15T00:00:00Z", { ratePerSecond: 5 }); // 240 events: most of a minute
    await waitUntil(
      "the replay's first 5 requests",
      () => received(hook),
      (list) => list.length >= 5,
    );
    const live = unique("live");
    await sendBatch(source.writeKey, [{ type: "track", event: "Live", userId: "u1", messageId: live }]);
    const arrived = await waitUntil(
      "the live event, during the replay",
      () => received(hook),
      (list) => list.some((request) => request.body.messageId === live),
      { timeoutMs: 15_000 },
    );
    expect(arrived.some((request) => request.body.messageId === live)).toBe(true);
    const replay = (await admin<{ replay: ReplayProgress }>("GET", `/replays/${started.id}`)).body.replay;
    expect(replay.status, "the live event arrived while the replay was still sending").toBe("running");
    await admin("POST", `/replays/${started.id}/cancel`);
  });

  it("refuses what it cannot replay with a clear error", async () => {
    const source = await createSource("Replay errors");
    const other = await createSource("Replay other");
    const elsewhere = await webhook(other.id, `/hooks/${unique("elsewhere")}`);
    const base = { sourceId: source.id, from: `${DAY}T00:00:00Z`, to: `${DAY}T01:00:00Z` };

    const unknown = await admin<{ error: string }>("POST", "/replays", { ...base, destinationIds: ["nope"] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("No destination with id nope");
    const unconnected = await admin<{ error: string }>("POST", "/replays", { ...base, destinationIds: [elsewhere] });
    expect(unconnected.status).toBe(400);
    expect(JSON.stringify(unconnected.body)).toContain("not connected to source");
    const backwards = await admin("POST", "/replays", { ...base, destinationIds: [elsewhere], from: `${DAY}T02:00:00Z` });
    expect(backwards.status).toBe(400);
    expect((await admin("POST", "/replays", { ...base, sourceId: "missing", destinationIds: [elsewhere] })).status).toBe(404);
    expect((await admin("GET", "/replays/rpl_missing")).status).toBe(404);
  });
});

describe("replay into an Actions destination", () => {
  it("runs every matching subscription of Segment's Webhook (Actions) per archived event, each event counted once", async () => {
    const source = await createSource("Replay into Actions");
    const archived = await archiveDay(source.id, 2, (_, index) => (index === 1 ? { event: "Product Viewed" } : {}));
    const all = `/hooks/${unique("actions-all")}`;
    const orders = `/hooks/${unique("actions-orders")}`;
    const send = (hook: string) => ({ url: `${inject("receiverUrl")}${hook}`, method: "POST", data: { messageId: { "@path": "$.messageId" } } });
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Replay Actions target",
      type: "actions:webhook",
      sourceIds: [source.id],
      subscriptions: [
        { name: "Every track", subscribe: 'type = "track"', partnerAction: "send", mapping: send(all) },
        { name: "Orders", subscribe: 'event = "Order Completed"', partnerAction: "send", mapping: send(orders) },
      ],
    });
    expect(created.status).toBe(201);

    const started = await startReplay(source.id, created.body.destination.id, `${DAY}T00:00:00Z`, "2026-03-15T00:00:00Z", { ratePerSecond: 5_000 });
    const done = await replayUntilDone(started.id);

    // 48 archived events (24 orders, 24 product views): each counted once, whatever number of subscriptions took it.
    expect(done).toMatchObject({ status: "finished", total: 48, sent: 48, discarded: 0, failed: 0 });
    const events = archived.flatMap((object) => object.events);
    const ids = (list: Record<string, unknown>[]) => list.map((event) => String(event.messageId)).sort();
    expect((await received(all)).map(messageIdOf).sort()).toEqual(ids(events));
    expect((await received(orders)).map(messageIdOf).sort()).toEqual(ids(events.filter((event) => event.event === "Order Completed")));
  });
});
