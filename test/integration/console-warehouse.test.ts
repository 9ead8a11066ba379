import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveKey } from "../../src/archive/archive-key";
import { encodeNdjsonGzip } from "../../src/archive/ndjson";
import { WarehouseSyncStore, type WarehouseSync } from "../../src/warehouse/store/warehouse-syncs";
import { openConsoleSession, requestSignedOut, unescapeHtml, type ConsoleSession } from "../support/workerd/console";
import { createSource, unique } from "../support/workerd/profiles";
import { waitUntil } from "../support/wait-until";

/**
 * The console's Warehouse pages in workerd: real D1, R2 and the source's WarehouseSyncObject.
 * Archive objects are written as the pipeline writes them; Sync now starts a real sync, which
 * the pages then show with the tables it wrote.
 */
const DAY = "2026-03-21";
const hostile = `<script>alert("wh")</script>&'`;

async function archiveHour(sourceId: string): Promise<void> {
  const at = (minute: number) => `${DAY}T09:${String(minute).padStart(2, "0")}:00.000Z`;
  const events = [
    { type: "track", event: "Order Completed", userId: "ada", properties: { revenue: 12.5, gift: true }, timestamp: at(1), receivedAt: at(1) },
    { type: "track", event: "Order Completed", userId: "bob", properties: { revenue: 3.25 }, timestamp: at(2), receivedAt: at(2) },
    { type: "page", name: "Home", anonymousId: "anon-1", properties: { path: "/" }, timestamp: at(3), receivedAt: at(3) },
  ].map((event, index) => JSON.stringify({ ...event, messageId: `${sourceId}-${index}`, projectId: sourceId, context: {} }));
  await env.ARCHIVE.put(archiveKey(sourceId, `${DAY}/09`, unique("shard")), await encodeNdjsonGzip(events), { customMetadata: { events: "3" } });
}

/** Presses Sync now on the list; answers where it redirected. */
async function syncNow(session: ConsoleSession, sourceId: string, back = "list"): Promise<string> {
  const response = await session.post(`/console/warehouse/${sourceId}/sync`, { back });
  expect(response.status, await response.clone().text()).toBe(303);
  return response.headers.get("Location")!;
}

async function syncEnded(sourceId: string): Promise<WarehouseSync> {
  return waitUntil(
    `the warehouse sync of ${sourceId} to end`,
    async () => (await new WarehouseSyncStore(env.DB).list(sourceId, 1))[0],
    (sync) => sync !== undefined && sync.status !== "running",
    { timeoutMs: 30_000 },
  ) as Promise<WarehouseSync>;
}

describe("console: Warehouse", () => {
  it("signed out, the section redirects to sign-in", async () => {
    const response = await requestSignedOut("/console/warehouse");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/console");
  });

  it("lists every source with its schema name, its name as text, and an empty state before any sync", async () => {
    const session = await openConsoleSession();
    const source = await createSource(`Web Shop ${hostile}`);
    const response = await session.get("/console/warehouse");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain(`<script>alert("wh")`);
    expect(html).toContain("Web Shop &lt;script&gt;alert(&quot;wh&quot;)&lt;/script&gt;&amp;&#39;");
    expect(html).toContain(`<a href="/console/warehouse/${source.id}">`);
    // The slug the warehouse gave it, as the admin API gives it.
    expect(html).toMatch(/<code>web_shop_script_alert_wh_script(_\d+)?<\/code>/);
    expect(html).toContain('<a href="/console/warehouse" aria-current="page">Warehouse</a>');
    expect(html).toContain("every 60 minutes");
    expect(unescapeHtml(html)).toContain(`/api/v1/warehouse/files?sourceId=`);

    const page = await (await session.get(`/console/warehouse/${source.id}`)).text();
    expect(page).toContain("No sync yet");
    expect(page).toContain("Sync now, or wait for the schedule");
  });

  it("Sync now starts a sync, redirects back with a notice, and the source's page shows the tables it wrote", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console warehouse shop");
    await archiveHour(source.id);

    const location = await syncNow(session, source.id);
    expect(location).toBe(`/console/warehouse?done=started&source=${source.id}`);
    const [started] = await new WarehouseSyncStore(env.DB).list(source.id, 5);
    expect(started).toMatchObject({ sourceId: source.id, trigger: "manual", full: false });
    expect(await (await session.get(location)).text()).toContain("Sync of Console warehouse shop started");

    const ended = await syncEnded(source.id);
    expect(ended).toMatchObject({ id: started!.id, status: "succeeded", hoursTotal: 1, hoursSynced: 1 });
    expect(ended.rowsWritten).toBeGreaterThan(0);

    const list = await (await session.get("/console/warehouse")).text();
    expect(list).toContain('<span class="pill pill-ok">succeeded</span>');
    expect(list).toContain(`1 of 1 hour · ${ended.rowsWritten} rows · ${ended.filesWritten} files`);

    const page = await (await session.get(`/console/warehouse/${source.id}`)).text();
    expect(page).toContain("<code>tracks</code>");
    expect(page).toMatch(/<code>order_completed<\/code> <span class="muted">2 rows · 1 file · [\d.]+ (B|KB) · \d+ columns<\/span>/);
    expect(page).toMatch(/<code>pages<\/code> <span class="muted">1 row · 1 file/);
    expect(page).toContain("<td><code>revenue</code></td><td>double</td>");
    expect(page).toContain("<td><code>gift</code></td><td>boolean</td>");
    expect(page).toContain('<td class="wide">manual</td>');
    expect(page).toContain("Identity tables (space-wide)");

    // From the source's page, back to it.
    expect(await syncNow(session, source.id, "source")).toMatch(new RegExp(`^/console/warehouse/${source.id}\\?done=(started|running)$`));
    await syncEnded(source.id);
  });

  it("a failed sync's error is shown in full, as text", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console warehouse failing");
    const store = new WarehouseSyncStore(env.DB);
    await store.add({ id: unique("whs"), sourceId: source.id, trigger: "schedule", full: false, createdAt: new Date().toISOString() });
    const [sync] = await store.list(source.id, 1);
    await store.finish(sync!.id, { status: "failed", error: `R2 put failed: ${hostile}` }, new Date());

    const list = await (await session.get("/console/warehouse")).text();
    expect(list).toContain("Failed: R2 put failed: &lt;script&gt;alert(&quot;wh&quot;)&lt;/script&gt;&amp;&#39;");
    const page = await (await session.get(`/console/warehouse/${source.id}`)).text();
    expect(page).toContain('<span class="pill pill-bad">failed</span>');
    expect(page).toContain("Error: R2 put failed: &lt;script&gt;");
    expect(page).not.toContain(`<script>alert("wh")`);
  });

  it("refuses Sync now without the CSRF token, and starts nothing", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console warehouse CSRF");
    const refused = await session.post(`/console/warehouse/${source.id}/sync`, { back: "list" }, { csrf: false });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("This form has expired or did not come from this console.");
    expect(await new WarehouseSyncStore(env.DB).list(source.id, 5)).toEqual([]);
  });

  it("answers 404 for a source that does not exist, on its page and on Sync now", async () => {
    const session = await openConsoleSession();
    const page = await session.get("/console/warehouse/src_nope");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("/console/warehouse/src_nope");
    expect((await session.post("/console/warehouse/src_nope/sync", { back: "list" })).status).toBe(404);
    expect(await new WarehouseSyncStore(env.DB).list("src_nope", 5)).toEqual([]);
  });
});
