import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingDb } from "../../test/support/workerd/counting-db";
import { changeSource } from "./change-source";
import { SourceCache } from "./source-cache";
import { SourceStore } from "./source-store";

describe("changeSource: archive retention", () => {
  it("sets and clears a source's retention; the cached source follows at once", async () => {
    const store = new SourceStore(env.DB);
    const source = await store.create("Retained", new Date());
    const cache = new SourceCache(store);
    expect((await cache.findByWriteKey(source.writeKey))?.retentionDays).toBeUndefined();

    const set = await changeSource(store, source.id, { retentionDays: 30 }, new Date());
    expect(set).toEqual({ source: { ...source, retentionDays: 30 } });
    expect(await store.get(source.id)).toMatchObject({ retentionDays: 30 });
    expect((await cache.findByWriteKey(source.writeKey))?.retentionDays).toBe(30);
    // Other changes leave it as it is.
    await changeSource(store, source.id, { name: "Renamed" }, new Date());
    expect(await store.get(source.id)).toMatchObject({ name: "Renamed", retentionDays: 30 });
    expect(await store.listRetained()).toContainEqual({ id: source.id, retentionDays: 30 });

    const cleared = await changeSource(store, source.id, { retentionDays: null }, new Date());
    expect(cleared).toEqual({ source: { ...source, name: "Renamed" } });
    expect((await cache.findByWriteKey(source.writeKey))?.retentionDays).toBeUndefined();
    expect((await store.listRetained()).map((retained) => retained.id)).not.toContain(source.id);
  });

  it("refuses a retention that is not a whole number of days from 1 to 3650, before touching D1", async () => {
    const source = await new SourceStore(env.DB).create("Refused", new Date(), { retentionDays: 7 });
    const { db, statements } = countingDb(env.DB);
    for (const retentionDays of [0, -1, 3651, 1.5, Number.NaN, Infinity]) {
      const result = await changeSource(new SourceStore(db), source.id, { retentionDays }, new Date());
      expect(result, String(retentionDays)).toEqual({ error: "invalid-retention", message: expect.stringContaining("1 to 3650") as string });
    }
    expect(statements()).toBe(0);
    expect(await new SourceStore(env.DB).get(source.id)).toMatchObject({ retentionDays: 7 });
    for (const retentionDays of [1, 3650]) {
      expect(await changeSource(new SourceStore(env.DB), source.id, { retentionDays }, new Date())).toMatchObject({ source: { retentionDays } });
    }
  });
});
