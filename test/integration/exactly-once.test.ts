import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { consumeEventsBatch, type QueuedMessage } from "../../src/pipeline/consume-events";
import { createDedupeGateway, type DedupeShard } from "../../src/dedupe/gateway";
import { DEDUPE_SHARD_COUNT, dedupeShardName, shardForMessageId } from "../../src/dedupe/shards";
import worker from "../../workers/index";
import { countBy, readArchivedEvents, waitForArchived } from "../support/workerd/archive";
import { waitUntil } from "../support/wait-until";
import { acceptedEvent, eventsMessage, uniqueId } from "../support/workerd/events";

const realShard = (name: string): DedupeShard => env.DEDUPE.get(env.DEDUPE.idFromName(name));

async function deliver(messages: { id: string; body: unknown; attempts?: number }[]) {
  const batch = createMessageBatch(
    "sluice-events",
    messages.map((m) => ({ ...m, timestamp: new Date(), attempts: m.attempts ?? 1 })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

async function duplicatesCounted(sourceId: string): Promise<number> {
  const stats = await Promise.all(
    Array.from({ length: DEDUPE_SHARD_COUNT }, (_, shard) => env.DEDUPE.get(env.DEDUPE.idFromName(dedupeShardName(env.SPACE_ID, shard))).stats()),
  );
  return stats
    .flat()
    .filter((row) => row.sourceId === sourceId)
    .reduce((sum, row) => sum + row.duplicates, 0);
}

/**
 * Events of `sourceId` still in the outboxes of `spaceId`'s dedupe shards. Once every commit is
 * done, zero means every flush has landed in R2 and none is left to add anything: the archive is
 * final, so "each event once" can be checked without waiting for a flush that might come.
 */
async function unflushed(spaceId: string, sourceId: string): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: DEDUPE_SHARD_COUNT }, (_, shard) =>
      runInDurableObject(
        env.DEDUPE.get(env.DEDUPE.idFromName(dedupeShardName(spaceId, shard))),
        (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE source_id = ?", sourceId).one().n,
      ),
    ),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

/** Waits until every event of `sourceId` committed so far is in R2 (see `unflushed`). */
function waitForFlushed(spaceId: string, sourceId: string) {
  return waitUntil(
    `the dedupe shards of space ${spaceId} to flush every event of source ${sourceId}`,
    () => unflushed(spaceId, sourceId),
    (n) => n === 0,
  );
}

describe("exactly-once archive", () => {
  it("archives a redelivered message once and does not count the redelivery as a duplicate", async () => {
    const sourceId = uniqueId("src");
    const events = ["a", "b", "c"].map((id) => acceptedEvent(sourceId, `${sourceId}-${id}`));
    const message = { id: uniqueId("qmsg"), body: eventsMessage(events) };

    expect((await deliver([message])).explicitAcks).toEqual([message.id]);
    // The queue delivers at least once: the same message comes back, as after a lost ack.
    expect((await deliver([{ ...message, attempts: 2 }])).explicitAcks).toEqual([message.id]);

    // Both deliveries have committed (deliver() awaits the consumer): once the outboxes are empty
    // for this source, a second copy would already be in R2.
    await waitForFlushed(env.SPACE_ID, sourceId);
    const archived = await readArchivedEvents(sourceId);
    expect(countBy(archived, (e) => e.event.messageId)).toEqual(new Map(events.map((e) => [e.messageId, 1])));
    expect(archived.every(({ key }) => /^archive\/[^/]+\/\d{4}-\d{2}-\d{2}\/\d{2}\/[^/]+\.ndjson\.gz$/.test(key))).toBe(true);
    expect(await duplicatesCounted(sourceId)).toBe(0);
  });

  it("drops the same messageId from another message, and counts it", async () => {
    const sourceId = uniqueId("src");
    const original = acceptedEvent(sourceId, `${sourceId}-dup`, { event: "First" });
    const again = acceptedEvent(sourceId, `${sourceId}-dup`, { event: "Second" });
    const other = acceptedEvent(sourceId, `${sourceId}-other`);

    await deliver([{ id: uniqueId("qmsg"), body: eventsMessage([original]) }]);
    await deliver([{ id: uniqueId("qmsg"), body: eventsMessage([again, other]) }]);

    await waitForFlushed(env.SPACE_ID, sourceId);
    const archived = await readArchivedEvents(sourceId);
    expect(archived.map((e) => e.event.messageId).sort()).toEqual([original.messageId, other.messageId].sort());
    expect(archived.find((e) => e.event.messageId === original.messageId)!.event.event).toBe("First");
    expect(await duplicatesCounted(sourceId)).toBe(1);
  });

  it("loses and duplicates nothing when a shard's answer is lost mid-batch", async () => {
    const sourceId = uniqueId("src");
    const spaceId = uniqueId("space");
    const messages: QueuedMessage[] = Array.from({ length: 6 }, (_, m) => ({
      id: uniqueId("qmsg"),
      attempts: 1,
      body: eventsMessage(Array.from({ length: 10 }, (_, e) => acceptedEvent(sourceId, `${sourceId}-${m}-${e}`))),
    }));
    const allIds = messages.flatMap((m) => (m.body as ReturnType<typeof eventsMessage>).events.map((e) => e.messageId));
    const doomedShard = dedupeShardName(spaceId, shardForMessageId(allIds[0]!));

    // The doomed shard commits, then its answer is lost: the consumer cannot know it worked.
    const faulty = (name: string): DedupeShard => {
      const shard = realShard(name);
      if (name !== doomedShard) return shard;
      return {
        check: (entries) => shard.check(entries),
        commit: async (shardName, entries) => {
          await shard.commit(shardName, entries);
          throw new Error("connection reset after commit");
        },
      };
    };
    const first = await consumeEventsBatch(messages, { queue: "sluice-events", dedupe: createDedupeGateway(faulty, spaceId), random: () => 0.5 });
    const retried = messages.filter((_, i) => first.outcomes[i]!.kind === "retry");
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.length).toBeLessThan(messages.length); // other messages were acknowledged

    const second = await consumeEventsBatch(
      retried.map((m) => ({ ...m, attempts: 2 })),
      { queue: "sluice-events", dedupe: createDedupeGateway(realShard, spaceId), random: () => 0.5 },
    );
    expect(second.outcomes.every((o) => o.kind === "ack")).toBe(true);
    expect(second.duplicates).toBe(0);

    // Every commit is done; with the outboxes empty, the archive is final (see `unflushed`).
    await waitForFlushed(spaceId, sourceId);
    const archived = await readArchivedEvents(sourceId);
    const counts = countBy(archived, (e) => e.event.messageId);
    expect([...counts.keys()].sort()).toEqual([...allIds].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Batched: objects grow with the shards touched and their flushes (one per delivery here,
    // times two should an hour boundary fall between), not with events; objects hold several.
    const objects = new Set(archived.map((e) => e.key)).size;
    const shardsTouched = new Set(allIds.map((id) => shardForMessageId(id))).size;
    expect(objects).toBeLessThanOrEqual(shardsTouched * 2 * 2);
    expect(objects).toBeLessThan(archived.length);
  });

  it("rewrites the same objects when a flush to R2 crashes halfway", async () => {
    const stub = env.DEDUPE.get(env.DEDUPE.idFromName(uniqueId("flush-crash")));
    const sources = [uniqueId("src"), uniqueId("src"), uniqueId("src")];
    const entries = sources.flatMap((sourceId) => Array.from({ length: 4 }, (_, i) => ({ owner: "q1", event: acceptedEvent(sourceId, `${sourceId}-${i}`) })));

    await runInDurableObject(stub, async (instance, state) => {
      await instance.commit("crash-shard", entries);
      await state.storage.deleteAlarm(); // drive the flush by hand

      let puts = 0;
      const flaky = new Proxy(env.ARCHIVE, {
        get(target, property) {
          if (property !== "put") return Reflect.get(target, property) as unknown;
          return async (...args: Parameters<R2Bucket["put"]>) => {
            if (++puts === 2) throw new Error("worker evicted mid-flush");
            return target.put(...args);
          };
        },
      });
      const seam = instance as unknown as { archiveBucket: () => R2Bucket };
      seam.archiveBucket = () => flaky;
      await expect(instance.flushOutbox()).rejects.toThrow("worker evicted mid-flush");

      seam.archiveBucket = () => env.ARCHIVE;
      expect(await instance.flushOutbox()).toBe(entries.length);
      expect(await instance.flushOutbox()).toBe(0);
    });

    for (const sourceId of sources) {
      const archived = await readArchivedEvents(sourceId);
      expect(archived.map((e) => e.event.messageId).sort()).toEqual([0, 1, 2, 3].map((i) => `${sourceId}-${i}`));
      expect(new Set(archived.map((e) => e.key)).size).toBe(1);
    }
  });

  it("sends an unreadable message to the dead-letter queue, which keeps it in R2", async () => {
    const id = uniqueId("poison");
    const result = await deliver([{ id, body: { v: 99, events: "not events" } }]);
    expect(result.explicitAcks).toEqual([id]);

    const kept = await waitUntil(
      `the dead letter of queue message ${id}`,
      async () => (await env.ARCHIVE.list({ prefix: "dead-letter/sluice-events-dlq/" })).objects.filter((o) => o.key.endsWith(`/${id}.json`)),
      (objects) => objects.length > 0,
    );
    expect(kept).toHaveLength(1);
    const record = await (await env.ARCHIVE.get(kept[0]!.key))!.json<Record<string, unknown>>();
    expect(record).toMatchObject({ originalQueue: "sluice-events", messageId: id, body: { v: 99, events: "not events" } });
    expect(record.reason).toMatch(/unreadable events message/);
  });

  it("dead-letters each unreadable event alone, under its own key, and archives its neighbours", async () => {
    const sourceId = uniqueId("src");
    const good = acceptedEvent(sourceId, `${sourceId}-good`);
    const bad = { ...acceptedEvent(sourceId, `${sourceId}-bad`), timestamp: "+012024-01-01T00:00:00.000Z" };
    const worse = { ...acceptedEvent(sourceId, `${sourceId}-worse`), receivedAt: "yesterday" };
    const id = uniqueId("mixed");
    expect((await deliver([{ id, body: eventsMessage([bad, good, worse]) }])).explicitAcks).toEqual([id]);

    const archived = await waitForArchived(sourceId, 1);
    expect(archived.map((e) => e.event.messageId)).toEqual([good.messageId]);
    const kept = await waitUntil(
      `the dead letter of queue message ${id}`,
      async () => (await env.ARCHIVE.list({ prefix: "dead-letter/sluice-events-dlq/" })).objects.filter((o) => o.key.includes(`/${id}-`)),
      (objects) => objects.length === 2,
    );
    const records = await Promise.all(
      kept.map(async (object) => ({
        key: object.key,
        ...(await (await env.ARCHIVE.get(object.key))!.json<{ reason: string; body: { messageId: string } }>()),
      })),
    );
    const byKey = Object.fromEntries(records.map((record) => [record.key.slice(record.key.lastIndexOf("/") + 1), record]));
    expect(byKey[`${id}-0.json`]!.reason).toMatch(/unreadable event: timestamp/);
    expect(byKey[`${id}-0.json`]!.body.messageId).toBe(bad.messageId);
    expect(byKey[`${id}-2.json`]!.reason).toMatch(/unreadable event: receivedAt/);
    expect(byKey[`${id}-2.json`]!.body.messageId).toBe(worse.messageId);
  });
});
