import { createMessageBatch, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveKey } from "../../src/archive/archive-key";
import { encodeNdjsonGzip } from "../../src/archive/ndjson";
import { app } from "../../workers/app";
import { admin } from "../support/workerd/admin";
import { createSource } from "../support/workerd/profiles";
import { waitUntil } from "../support/wait-until";
import { interceptBucket } from "../support/workerd/bucket-seam";
import { SyncRunner, type SyncDeps } from "../../src/warehouse/sync/sync-runner";
import { SyncState } from "../../src/warehouse/sync/sync-state";
import { WarehouseSyncStore } from "../../src/warehouse/store/warehouse-syncs";
import { WarehouseSourceStore } from "../../src/warehouse/store/warehouse-sources";
import { slugFromName } from "../../src/warehouse/store/source-slug";
import worker from "../../workers/index";
import { waitForArchived } from "../support/workerd/archive";
import { acceptedEvent, eventsMessage, uniqueId } from "../support/workerd/events";
import { startRegulation, waitForRegulation } from "../support/workerd/privacy";

/**
 * The warehouse sync in workerd: archive objects written as the pipeline writes them, a sync
 * started through the admin API and run by its Durable Object's alarms, the Parquet files it
 * leaves in R2 and lists in D1. (DuckDB reads the files in test/e2e/warehouse.test.ts.)
 */
const DAY = "2026-03-14";

interface Sync {
  id: string;
  status: string;
  hoursTotal: number;
  hoursSynced: number;
  rowsWritten: number;
  filesWritten: number;
  error?: string;
}
interface WarehouseFile {
  key: string;
  table: string;
  rows: number;
  bytes: number;
}

function event(sourceId: string, hour: string, index: number, fields: Record<string, unknown>): Record<string, unknown> {
  const at = `${DAY}T${hour}:${String(index % 60).padStart(2, "0")}:00.000Z`;
  return { messageId: `${sourceId}-${hour}-${index}`, projectId: sourceId, timestamp: at, receivedAt: at, context: { library: { name: "test" } }, ...fields };
}

async function archive(sourceId: string, hour: string, name: string, events: Record<string, unknown>[]): Promise<string> {
  const key = archiveKey(sourceId, `${DAY}/${hour}`, name);
  await env.ARCHIVE.put(key, await encodeNdjsonGzip(events.map((value) => JSON.stringify(value))), { customMetadata: { events: String(events.length) } });
  return key;
}

async function sync(sourceId: string, full = false): Promise<Sync> {
  const started = await admin<{ sync: Sync }>("POST", "/warehouse/syncs", { sourceId, ...(full ? { full } : {}) });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const done = await waitUntil(
    `warehouse sync ${started.body.sync.id}`,
    async () => (await admin<{ sync: Sync }>("GET", `/warehouse/syncs/${started.body.sync.id}`)).body.sync,
    (sync) => sync.status !== "running",
    { timeoutMs: 30_000 },
  );
  expect(done.error).toBeUndefined();
  expect(done.status).toBe("succeeded");
  return done;
}

async function files(sourceId: string): Promise<WarehouseFile[]> {
  const listed = await admin<{ files: WarehouseFile[] }>("GET", `/warehouse/files?sourceId=${sourceId}`);
  expect(listed.status).toBe(200);
  return listed.body.files.filter((file) => !file.key.startsWith("warehouse/profiles/"));
}

const rowsPerTable = (list: WarehouseFile[]) => Object.fromEntries(list.map((file) => [file.key.replace(/^warehouse\/[^/]+\//, ""), file.rows]));

async function bytesOf(key: string): Promise<Uint8Array> {
  const object = await env.ARCHIVE.get(key);
  expect(object, key).not.toBeNull();
  return new Uint8Array(await object!.arrayBuffer());
}

describe("warehouse sync", () => {
  it("writes each archive hour as Segment's tables, rewrites only what changed, and removes what the archive lost", async () => {
    const source = await createSource("Web Shop");
    const id = source.id;
    const nine = [
      event(id, "09", 1, { type: "page", anonymousId: "anon-1", name: "Home", properties: { path: "/" } }),
      event(id, "09", 2, { type: "identify", userId: "ada", anonymousId: "anon-1", traits: { email: "ada@example.com", plan: "free" } }),
      event(id, "09", 3, { type: "track", userId: "ada", event: "Order Completed", properties: { revenue: 12.5, items: 2, gift: true } }),
      event(id, "09", 4, { type: "track", userId: "bob", event: "Signed Up", properties: { method: "email" } }),
    ];
    const ten = [
      event(id, "10", 5, { type: "identify", userId: "ada", traits: { plan: "pro" } }),
      event(id, "10", 6, { type: "group", userId: "ada", groupId: "acme", traits: { name: "Acme" } }),
      event(id, "10", 7, { type: "track", userId: "bob", event: "Order Completed", properties: { revenue: 3, items: 1, coupon: "X" } }),
    ];
    await archive(id, "09", "a", nine.slice(0, 2));
    const nineB = await archive(id, "09", "b", nine.slice(2));
    const tenKey = await archive(id, "10", "a", ten);

    const first = await sync(id);
    expect(first).toMatchObject({ hoursTotal: 2, hoursSynced: 2, rowsWritten: 10 });
    const slug = (await admin<{ source: { slug: string } }>("GET", `/warehouse/sources/${id}`)).body.source.slug;
    expect(slug).toMatch(/^web_shop(_\d+)?$/);
    const listed = await files(id);
    expect(rowsPerTable(listed)).toEqual({
      "accounts/dt=2026-03-14/accounts.parquet": 1,
      "groups/dt=2026-03-14/10-000.parquet": 1,
      "identifies/dt=2026-03-14/09-000.parquet": 1,
      "identifies/dt=2026-03-14/10-000.parquet": 1,
      "order_completed/dt=2026-03-14/09-000.parquet": 1,
      "order_completed/dt=2026-03-14/10-000.parquet": 1,
      "pages/dt=2026-03-14/09-000.parquet": 1,
      "signed_up/dt=2026-03-14/09-000.parquet": 1,
      "tracks/dt=2026-03-14/09-000.parquet": 2,
      "tracks/dt=2026-03-14/10-000.parquet": 1,
      "users/dt=2026-03-14/users.parquet": 1,
    });
    for (const file of listed) expect((await bytesOf(file.key)).byteLength, file.key).toBe(file.bytes);
    const before = new Map(await Promise.all(listed.map(async (file) => [file.key, await bytesOf(file.key)] as const)));

    // Nothing changed: nothing to write. Forced: every hour written again, to the same bytes.
    expect(await sync(id)).toMatchObject({ hoursTotal: 0, rowsWritten: 0 });
    expect(await sync(id, true)).toMatchObject({ hoursTotal: 2, rowsWritten: 10 });
    expect(await files(id)).toEqual(listed);
    for (const [key, bytes] of before) expect(await bytesOf(key), key).toEqual(bytes);

    // The archive rewrote an object without bob (a deletion) and lost hour 10 (retention).
    await archive(id, "09", "b", nine.slice(2, 3));
    await env.ARCHIVE.delete(tenKey);
    expect(nineB).toContain("/09/");
    expect(await sync(id)).toMatchObject({ hoursTotal: 2, hoursSynced: 2 });
    expect(rowsPerTable(await files(id))).toEqual({
      "identifies/dt=2026-03-14/09-000.parquet": 1,
      "order_completed/dt=2026-03-14/09-000.parquet": 1,
      "pages/dt=2026-03-14/09-000.parquet": 1,
      "tracks/dt=2026-03-14/09-000.parquet": 1,
      "users/dt=2026-03-14/users.parquet": 1,
    });
    for (const gone of [
      `warehouse/${slug}/signed_up/dt=2026-03-14/09-000.parquet`,
      `warehouse/${slug}/tracks/dt=2026-03-14/10-000.parquet`,
      `warehouse/${slug}/accounts/dt=2026-03-14/accounts.parquet`,
    ])
      expect(await env.ARCHIVE.head(gone), gone).toBeNull();
  });

  it("applies selective sync at the next sync, and serves only the warehouse's own files", async () => {
    const source = await createSource("Selective");
    const id = source.id;
    const archived = await archive(id, "11", "a", [
      event(id, "11", 1, { type: "track", userId: "u", event: "Order Completed", properties: { revenue: 1, secret: "s" } }),
      event(id, "11", 2, { type: "track", userId: "u", event: "Viewed", properties: { secret: "t", kept: 1 } }),
    ]);
    await sync(id);
    const changed = await admin<{ source: { excludedEvents: string[] } }>("PUT", `/warehouse/sources/${id}`, {
      excludedEvents: ["order_completed"],
      excludedProperties: { viewed: ["secret"] },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.source.excludedEvents).toEqual(["order_completed"]);
    await sync(id);
    const listed = await files(id);
    expect(listed.map((file) => file.table).sort()).toEqual(["tracks", "viewed"]);

    const viewed = listed.find((file) => file.table === "viewed")!;
    const download = await app.request(`/api/v1/warehouse/files/${viewed.key}`, { headers: { Authorization: "Bearer test_admin_token" } }, env);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(await bytesOf(viewed.key));
    const text = new TextDecoder().decode(await bytesOf(viewed.key));
    expect(text).toContain("kept");
    expect(text).not.toContain("secret");

    for (const key of [archived, `warehouse/nothing/tracks/x.parquet`, "warehouse/../archive", "warehouse/%E0%A4%A"]) {
      const refused = await app.request(`/api/v1/warehouse/files/${key}`, { headers: { Authorization: "Bearer test_admin_token" } }, env);
      expect(refused.status, key).toBe(404);
    }
  });

  it("resumes where it stopped, after a failure or a lost isolate, with every row once", async () => {
    const source = await createSource("Resumed");
    const id = source.id;
    for (const hour of ["01", "02", "03", "04"])
      await archive(
        id,
        hour,
        "a",
        [1, 2, 3].map((index) => event(id, hour, index, { type: "track", userId: `u${index}`, event: "Played", properties: { index } })),
      );
    const stub = env.WAREHOUSE_SYNCS.get(env.WAREHOUSE_SYNCS.idFromName(id));
    const deps = (state: SyncState, bucket: R2Bucket = env.ARCHIVE): SyncDeps => ({
      bucket,
      db: env.DB,
      state,
      writeIdentityTables: () => Promise.resolve(),
      now: () => new Date(),
      tickBudgetMs: 0, // one hour per tick
    });
    const begin = (syncId: string) => {
      const sync = { id: syncId, sourceId: id, trigger: "manual" as const, full: false, createdAt: new Date().toISOString() };
      return new WarehouseSyncStore(env.DB).add(sync).then(() => sync);
    };

    // A sync whose third hour's write fails: two hours stay written, the sync says why it failed.
    let puts = 0;
    const failing = interceptBucket(env.ARCHIVE, { put: (real, ...args) => (++puts === 5 ? Promise.reject(new Error("R2 is down")) : real(...args)) });
    const failed = await runInDurableObject(stub, async (_instance, state) => {
      const syncState = new SyncState(state.storage);
      syncState.begin(await begin("resume-1"));
      const runner = new SyncRunner(deps(syncState, failing));
      while (await runner.tick());
      return new WarehouseSyncStore(env.DB).get("resume-1");
    });
    expect(failed).toMatchObject({ status: "failed", error: "R2 is down", hoursTotal: 4, hoursSynced: 2 });
    expect((await files(id)).map((file) => file.key.replace(/^warehouse\/[^/]+\//, ""))).toEqual([
      "played/dt=2026-03-14/01-000.parquet",
      "played/dt=2026-03-14/02-000.parquet",
      "tracks/dt=2026-03-14/01-000.parquet",
      "tracks/dt=2026-03-14/02-000.parquet",
    ]);

    // The next sync does only the two hours left; one runner per tick, as after a lost isolate.
    const resumed = await runInDurableObject(stub, async (_instance, state) => {
      new SyncState(state.storage).begin(await begin("resume-2"));
      while (await new SyncRunner(deps(new SyncState(state.storage))).tick());
      return new WarehouseSyncStore(env.DB).get("resume-2");
    });
    expect(resumed).toMatchObject({ status: "succeeded", hoursTotal: 2, hoursSynced: 2, rowsWritten: 12 });
    const listed = await files(id);
    expect(listed.filter((file) => file.table === "tracks").map((file) => file.rows)).toEqual([3, 3, 3, 3]);
    expect(listed.filter((file) => file.table === "played")).toHaveLength(4);

    // A full sync failing inside an hour it had written before: that hour is no longer taken as
    // written, so the next ordinary sync writes it again rather than skip it as unchanged.
    puts = 0;
    const rewrite = await runInDurableObject(stub, async (_instance, state) => {
      const syncState = new SyncState(state.storage);
      syncState.begin({ ...(await begin("resume-3")), full: true });
      const runner = new SyncRunner(deps(syncState, failing));
      while (await runner.tick());
      return new WarehouseSyncStore(env.DB).get("resume-3");
    });
    expect(rewrite).toMatchObject({ status: "failed", hoursSynced: 2 });
    const after = await runInDurableObject(stub, async (_instance, state) => {
      new SyncState(state.storage).begin(await begin("resume-4"));
      while (await new SyncRunner(deps(new SyncState(state.storage))).tick());
      return new WarehouseSyncStore(env.DB).get("resume-4");
    });
    expect(after).toMatchObject({ status: "succeeded", hoursTotal: 1, rowsWritten: 6 });
    expect((await files(id)).map((file) => file.rows)).toEqual([3, 3, 3, 3, 3, 3, 3, 3]);
  });

  it("follows a sync asked for while one runs with another, which lists the archive afresh", async () => {
    const source = await createSource("Asked twice");
    await archive(source.id, "12", "a", [event(source.id, "12", 1, { type: "track", userId: "u", event: "Played", properties: {} })]);
    const stub = env.WAREHOUSE_SYNCS.get(env.WAREHOUSE_SYNCS.idFromName(source.id));
    const request = { sourceId: source.id, trigger: "manual" as const, full: false };
    const [first, second] = await runInDurableObject(stub, (instance) =>
      Promise.all([instance.begin(request), instance.begin({ ...request, trigger: "regulation" })]),
    );
    expect(second).toBe(first);
    const syncs = await waitUntil(
      "a second sync after the first",
      async () => (await admin<{ syncs: (Sync & { trigger: string })[] }>("GET", `/warehouse/syncs?sourceId=${source.id}`)).body.syncs,
      (list) => list.length === 2 && list.every((sync) => sync.status !== "running"),
      { timeoutMs: 30_000 },
    );
    expect(syncs.map((sync) => [sync.trigger, sync.status])).toEqual([
      ["regulation", "succeeded"],
      ["manual", "succeeded"],
    ]);
  });

  it("is synced again by a deletion as soon as Sluice's own stores are erased, and the person leaves its tables", async () => {
    const source = await createSource("Erased");
    const [gone, stays] = [uniqueId("gone"), uniqueId("stays")];
    const events = [gone, stays].map((userId) => acceptedEvent(source.id, uniqueId("m"), { userId, event: "Played" }));
    // Through the EVENTS consumer, so the archive objects are indexed for the deletion to find.
    await worker.queue(createMessageBatch("sluice-events", [{ id: uniqueId("q"), timestamp: new Date(), attempts: 1, body: eventsMessage(events) }]), env);
    await waitForArchived(source.id, 2);
    await sync(source.id);
    const trackRows = async () => (await files(source.id)).filter((file) => file.table === "tracks").reduce((sum, file) => sum + file.rows, 0);
    expect(await trackRows()).toBe(2);

    const regulation = await startRegulation("DELETE_ARCHIVE_ONLY", [gone], [`user_id:${gone}`]);
    const done = await waitForRegulation(regulation.id);
    expect(done).toMatchObject({ status: "FINISHED", error: null });
    // Asked for once, without an error; when, so a sync created since is known to have read the erased archive.
    expect(Object.keys(done.progress.warehouse ?? {})).toEqual(["requestedAt"]);
    const requestedAt = done.progress.warehouse!.requestedAt;
    const syncs = await waitUntil(
      "the sync the deletion asked for to end",
      async () => (await admin<{ syncs: (Sync & { trigger: string; createdAt: string })[] }>("GET", `/warehouse/syncs?sourceId=${source.id}`)).body.syncs,
      (list) => list.some((sync) => sync.trigger === "regulation" && sync.createdAt >= requestedAt && sync.status !== "running"),
      { timeoutMs: 30_000 },
    );
    expect(syncs.find((sync) => sync.trigger === "regulation")).toMatchObject({ status: "succeeded" });
    expect(await trackRows()).toBe(1);
  });

  it("gives sources of one name distinct slugs when their first syncs race, as the Cron starts them", async () => {
    const name = `Same Name ${uniqueId("n")}`;
    const sources = await Promise.all(Array.from({ length: 6 }, () => createSource(name)));
    const store = new WarehouseSourceStore(env.DB);
    const now = new Date();
    const ensured = await Promise.all(sources.flatMap(({ id }) => [store.ensure({ id, name }, now), store.ensure({ id, name }, now)]));
    const slugOf = new Map(ensured.map((found) => [found.sourceId, found.slug]));
    // Both looks at one source agree, and no two sources share a slug.
    for (const [index, found] of ensured.entries()) expect(found.slug).toBe(slugOf.get(sources[Math.floor(index / 2)]!.id));
    expect(new Set(slugOf.values()).size).toBe(sources.length);
    const base = slugFromName(name, () => false);
    expect([...slugOf.values()].sort()).toEqual(sources.map((_, index) => (index === 0 ? base : `${base}_${index + 1}`)).sort());
  });

  it("fails a sync on a damaged archive object, naming it, and writes nothing of that hour", async () => {
    const source = await createSource("Damaged");
    const key = archiveKey(source.id, `${DAY}/13`, "broken");
    await env.ARCHIVE.put(key, await encodeNdjsonGzip(['{"type":"track"', "}"]));
    const started = await admin<{ sync: Sync }>("POST", "/warehouse/syncs", { sourceId: source.id });
    const done = await waitUntil(
      "the sync to end",
      async () => (await admin<{ sync: Sync }>("GET", `/warehouse/syncs/${started.body.sync.id}`)).body.sync,
      (sync) => sync.status !== "running",
      { timeoutMs: 30_000 },
    );
    expect(done.status).toBe("failed");
    expect(done.error).toContain(`archive object ${key}, line 1, is not JSON`);
    expect(await files(source.id)).toEqual([]);
  });

  it("refuses what it cannot do with a 4xx that names the problem", async () => {
    expect((await admin<{ error: string }>("POST", "/warehouse/syncs", { sourceId: "nope" })).status).toBe(404);
    const bad = await admin<{ error: string; field?: string }>("POST", "/warehouse/syncs", { source: "x" });
    expect(bad.status).toBe(400);
    const source = await createSource("Slugged");
    const taken = await createSource("Other");
    const takenSlug = (await admin<{ source: { slug: string } }>("GET", `/warehouse/sources/${taken.id}`)).body.source.slug;
    const conflict = await admin<{ error: string; field: string }>("PUT", `/warehouse/sources/${source.id}`, { slug: takenSlug });
    expect(conflict.status).toBe(409);
    expect(conflict.body.field).toBe("slug");
    // A slug another source's files still sit under (renamed, not synced since) is not free yet.
    await archive(taken.id, "14", "a", [event(taken.id, "14", 1, { type: "track", userId: "u", event: "Played", properties: {} })]);
    await sync(taken.id);
    expect((await admin("PUT", `/warehouse/sources/${taken.id}`, { slug: `${takenSlug}_moved` })).status).toBe(200);
    expect((await admin<{ field: string }>("PUT", `/warehouse/sources/${source.id}`, { slug: takenSlug })).status).toBe(409);
    await sync(taken.id);
    expect((await files(taken.id)).every((file) => file.key.startsWith(`warehouse/${takenSlug}_moved/`))).toBe(true);
    expect((await admin("PUT", `/warehouse/sources/${source.id}`, { slug: takenSlug })).status).toBe(200);
    const invalid = await admin<{ error: string; field: string }>("PUT", `/warehouse/sources/${source.id}`, { slug: "profiles" });
    expect(invalid.status).toBe(400);
    expect(invalid.body.field).toBe("slug");
  });
});
