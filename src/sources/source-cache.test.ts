import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingDb } from "../../test/support/workerd/counting-db";
import { app } from "../../workers/app";
import { SourceCache } from "./source-cache";
import { SourceStore } from "./source-store";

describe("SourceCache", () => {
  it("asks D1 once per write key, remembers unknown keys too, and fills the colo cache through waitUntil", async () => {
    const source = await new SourceStore(env.DB).create("Cached", new Date());
    const { db, statements } = countingDb(env.DB);
    const deferred: Promise<unknown>[] = [];
    const cache = await caches.open(`source-cache-test-${crypto.randomUUID()}`);
    const sources = new SourceCache(new SourceStore(db), cache, (work) => deferred.push(work));

    expect(await sources.findByWriteKey(source.writeKey)).toMatchObject({ id: source.id });
    expect(await sources.findByWriteKey(source.writeKey)).toMatchObject({ id: source.id });
    expect(await sources.findByWriteKey("no-such-key")).toBeNull();
    expect(await sources.findByWriteKey("no-such-key")).toBeNull();
    expect(statements()).toBe(2);

    expect(deferred).toHaveLength(2);
    await Promise.all(deferred);
    // Another isolate (no memory of it) finds the entry in the colo's cache, not in D1.
    const fresh = await new SourceCache(new SourceStore(db), cache).findByWriteKey(source.writeKey, Date.now() + 60_000 - 1);
    expect(fresh).toMatchObject({ id: source.id });
    expect(statements()).toBe(2);
  });

  it("keeps D1 off the ingest path: many requests with one write key cost at most one look-up", async () => {
    const source = await new SourceStore(env.DB).create("Hot path", new Date());
    const { db, statements } = countingDb(env.DB);
    const send = () =>
      app.request(
        "/v1/track",
        {
          method: "POST",
          headers: { Authorization: `Basic ${btoa(`${source.writeKey}:`)}`, "Content-Type": "application/json" },
          body: JSON.stringify({ event: "Viewed", anonymousId: "a1" }),
        },
        { ...env, DB: db },
      );
    for (let i = 0; i < 10; i += 1) expect((await send()).status).toBe(200);
    expect(statements()).toBe(1);
  });
});
