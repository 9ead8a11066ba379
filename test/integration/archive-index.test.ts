import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readNdjsonGzipLines } from "../../src/archive/ndjson";
import { hashSubjectKey } from "../../src/privacy/subject-keys";
import type { DedupeObject } from "../../workers/dedupe-object";
import { interceptBucket } from "../support/workerd/bucket-seam";
import { acceptedEvent, uniqueId } from "../support/workerd/events";

/** The seams a test swaps on a DedupeObject instance. */
type Seams = { archiveBucket: () => R2Bucket; indexDatabase: () => D1Database };

async function indexedHashes(objectKey: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT key_hash FROM archive_index WHERE object_key = ? ORDER BY key_hash")
    .bind(objectKey)
    .all<{ key_hash: string }>();
  return results.map((row) => row.key_hash);
}

async function objectLines(prefix: string): Promise<Map<string, string[]>> {
  const objects = new Map<string, string[]>();
  for (const { key } of (await env.ARCHIVE.list({ prefix })).objects) {
    const lines: string[] = [];
    for await (const line of readNdjsonGzipLines((await env.ARCHIVE.get(key))!.body as ReadableStream<Uint8Array>)) lines.push(line);
    objects.set(key, lines);
  }
  return objects;
}

const hashes = async (keys: string[]) => (await Promise.all(keys.map(hashSubjectKey))).sort();

describe("the archive's person index", () => {
  it("is written by the flush in one D1 batch before the objects, and a flush crashed after it writes the same rows again", async () => {
    const sourceId = uniqueId("src");
    const earlier = new Date(Date.now() - 3_600_000).toISOString();
    const entries = [
      acceptedEvent(sourceId, `${sourceId}-1`, { userId: "ann", anonymousId: "anon-ann" }),
      acceptedEvent(sourceId, `${sourceId}-2`, { userId: "bob" }),
      acceptedEvent(sourceId, `${sourceId}-3`, { userId: "ann", receivedAt: earlier, timestamp: earlier }),
    ].map((event) => ({ owner: "q1", event }));
    const stub = env.DEDUPE.get(env.DEDUPE.idFromName(uniqueId("index-flush")));

    const batches = await runInDurableObject(stub, async (instance, state) => {
      await instance.commit("index-shard", entries);
      await state.storage.deleteAlarm(); // the flush is driven by hand
      let batches = 0;
      const seams = instance as unknown as Seams;
      seams.indexDatabase = () =>
        new Proxy(env.DB, {
          get(target, property) {
            const value = Reflect.get(target, property) as unknown;
            if (property === "batch") return (statements: D1PreparedStatement[]) => ((batches += 1), target.batch(statements));
            return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          },
        });
      seams.archiveBucket = () =>
        interceptBucket(env.ARCHIVE, {
          put: () => Promise.reject(new Error("evicted before the first put")),
        });
      await expect(instance.flushOutbox()).rejects.toThrow("evicted before the first put");
      expect(batches).toBe(1);
      // Indexed, not written: the index may name an object that does not exist yet.
      expect((await env.ARCHIVE.list({ prefix: `archive/${sourceId}/` })).objects).toEqual([]);

      seams.archiveBucket = () => env.ARCHIVE;
      expect(await instance.flushOutbox()).toBe(3);
      return batches;
    });
    expect(batches).toBe(2);

    const objects = await objectLines(`archive/${sourceId}/`);
    expect(objects.size).toBe(2);
    for (const [key, lines] of objects) {
      const people = lines.flatMap((line) => {
        const event = JSON.parse(line) as { userId: string; anonymousId?: string };
        return [`user_id:${event.userId}`, ...(event.anonymousId ? [`anonymous_id:${event.anonymousId}`] : [])];
      });
      expect(await indexedHashes(key)).toEqual(await hashes([...new Set(people)]));
    }
  });

  it("lets a deletion purge an outbox of its people's events before they reach R2, and waits for a flush already under way", async () => {
    const sourceId = uniqueId("src");
    const event = (n: number, userId: string) => ({ owner: "q1", event: acceptedEvent(sourceId, `${sourceId}-${n}`, { userId }) });
    const stub = env.DEDUPE.get(env.DEDUPE.idFromName(uniqueId("purge")));

    const { purged, order } = await runInDurableObject(stub, async (instance: DedupeObject, state) => {
      // In flight: a flush holds gone's first event in memory, its write held back.
      await instance.commit("purge-shard", [event(1, "gone"), event(2, "stays")]);
      await state.storage.deleteAlarm();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const order: string[] = [];
      (instance as unknown as Seams).archiveBucket = () =>
        interceptBucket(env.ARCHIVE, {
          put: async (put, ...args) => {
            await held;
            return put(...args);
          },
        });
      const flushing = instance.flushOutbox().then(() => order.push("flush landed"));
      // Committed, not flushed: what the purge takes out.
      await instance.commit("purge-shard", [event(3, "gone"), event(4, "stays"), event(5, "gone")]);
      await state.storage.deleteAlarm();
      const purging = instance.purge(["user_id:gone", "email:gone@example.com"]).then((result) => (order.push("purge answered"), result));
      await new Promise((resolve) => setTimeout(resolve, 0));
      order.push("write released");
      release();
      const [, purged] = await Promise.all([flushing, purging]);
      (instance as unknown as Seams).archiveBucket = () => env.ARCHIVE;
      expect(await instance.flushOutbox()).toBe(1);
      return { purged, order };
    });

    expect(order).toEqual(["write released", "flush landed", "purge answered"]);
    expect(purged).toEqual({ removed: 2, messageIds: [`${sourceId}-3`, `${sourceId}-5`] });
    const objects = [...(await objectLines(`archive/${sourceId}/`)).entries()];
    const archived = objects.flatMap(([, lines]) => lines.map((line) => (JSON.parse(line) as { messageId: string }).messageId)).sort();
    expect(archived).toEqual([`${sourceId}-1`, `${sourceId}-2`, `${sourceId}-4`]);
    // The flush that was under way wrote gone's first event, and indexed it first: the archive step finds it.
    const holding = objects.find(([, lines]) => lines.some((line) => line.includes(`${sourceId}-1`)))![0];
    expect(await indexedHashes(holding)).toContain(await hashSubjectKey("user_id:gone"));
  });
});
