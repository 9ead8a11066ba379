import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { DestinationStore } from "../../src/destinations/destination-store";
import { admin } from "../support/workerd/admin";
import { openConsoleSession, requestSignedOut, unescapeHtml } from "../support/workerd/console";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";
import { received } from "../support/workerd/received";
import { waitUntil } from "../support/wait-until";

interface StoredSubscription {
  name: string;
  subscribe: string;
  partnerAction: string;
  mapping: Record<string, unknown>;
  enabled: boolean;
}

/** The list version a page's mapping forms carry. */
const versionOf = (html: string) => /name="version" value="([^"]+)"/.exec(html)?.[1] ?? "";

/**
 * The catalog and an Actions destination's page through the Worker: Segment's Webhook (Actions)
 * destination set up from its generated form, a mapping added, refused and changed, the requests
 * previewed, and an event delivered as the mapping says; every check the admin API's own.
 */
describe("console catalog and Actions destinations", () => {
  it("signed out, the catalog and the mapping forms redirect to sign-in", async () => {
    for (const path of ["/console/catalog", "/console/catalog/webhook"]) {
      const response = await requestSignedOut(path);
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe("/console");
    }
  });

  it("lists the catalog, filters it without script, and answers 404 for a destination it does not run", async () => {
    const session = await openConsoleSession();
    const all = await (await session.get("/console/catalog")).text();
    expect(all).toContain("<h1>Catalog</h1>");
    expect(all).toMatch(/1–48 of 1\d\d destinations/);
    const found = await (await session.get("/console/catalog?q=webhook")).text();
    expect(found).toContain('<a href="/console/catalog/webhook">');
    expect(found).toContain("3 destinations match “webhook”"); // webhook, webhook-audiences, webhook-extensible
    expect(found).not.toContain('<a href="/console/catalog/amplitude">');
    expect(await (await session.get("/console/catalog?q=zzzz-nothing")).text()).toContain("No destination matches");
    expect((await session.get("/console/catalog/kafka")).status).toBe(404);
    expect(await (await session.get("/console/destinations")).text()).toContain('<a href="/console/catalog">Catalog</a>');
  });

  it("creates a destination from its setup page with its automatic presets, a field error next to its field and no secret sent back", async () => {
    const session = await openConsoleSession();
    const setup = await (await session.get("/console/catalog/amplitude")).text();
    expect(setup).toContain('<label for="setup-setting-apiKey">API Key<span class="req" aria-hidden="true"> *</span></label>');
    expect(setup).toMatch(/<input type="password" value="" autocomplete="off" id="setup-setting-secretKey" name="settings.secretKey" required=""/);
    expect(setup).toContain('<select id="setup-setting-endpoint" name="settings.endpoint"');
    const presets = [...setup.matchAll(/name="presets" value="(\d+)" checked=""/g)].map((match) => match[1]!);
    expect(presets.length).toBeGreaterThan(0);

    const name = unique("Amplitude <EU>");
    const refused = await session.post("/console/catalog/amplitude", {
      name,
      "settings.secretKey": "typed-amp-secret",
      "settings.endpoint": "europe",
      presets,
    });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain('<p class="field-error" id="setup-setting-apiKey-error" role="alert">API Key is required.</p>');
    expect(refusedPage).toContain('aria-invalid="true" aria-describedby="setup-setting-apiKey-hint setup-setting-apiKey-error"');
    expect(refusedPage).not.toContain("typed-amp-secret");
    expect(refusedPage).toContain("Type it again");
    expect(refusedPage).toContain('<option value="europe" selected="">Europe</option>');
    expect(unescapeHtml(refusedPage)).toContain(`value="${name}"`);

    const created = await session.post("/console/catalog/amplitude", {
      name,
      "settings.apiKey": "amp-key",
      "settings.secretKey": "typed-amp-secret",
      "settings.endpoint": "europe",
      presets: presets.slice(0, 1),
    });
    expect(created.status).toBe(303);
    const path = created.headers.get("Location")!;
    const id = decodeURIComponent(path.split("/").at(-1)!);
    const stored = await new DestinationStore(env.DB).get(id);
    expect(stored).toMatchObject({ name, type: "actions:amplitude", settings: { apiKey: "amp-key", secretKey: "typed-amp-secret", endpoint: "europe" } });
    expect((stored!.settings.subscriptions as StoredSubscription[]).length).toBe(1);
    const page = await (await session.get(path)).text();
    expect(page).not.toContain("typed-amp-secret");
    expect(page).not.toContain("amp-key");
    expect(page).toContain("One is stored: leave blank to keep it");
  });

  it("sets up Segment's Webhook (Actions), adds, refuses and changes a mapping, previews the requests, and delivers as mapped", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console actions source");
    const hook = `/hooks/${unique("console-actions")}`;
    const url = `${inject("receiverUrl")}${hook}`;

    const created = await session.post("/console/catalog/webhook", {
      name: "Orders hook",
      "settings.sharedSecret": "hook-secret-value",
      sourceIds: [source.id],
    });
    expect(created.status).toBe(303);
    const path = created.headers.get("Location")!;
    const id = decodeURIComponent(path.split("/").at(-1)!);
    const read = await admin<{ destination: { type: string; settings: Record<string, unknown>; subscriptions: StoredSubscription[] } }>(
      "GET",
      `/destinations/${id}`,
    );
    expect(read.body.destination).toMatchObject({ type: "actions:webhook", settings: { sharedSecret: "********" }, subscriptions: [] });

    let page = await (await session.get(path)).text();
    expect(page).toContain('<h2 id="mappings">Mappings</h2>');
    expect(page).toContain("No mappings: this destination sends nothing");
    expect(page).toContain('<h2 id="requests">Preview the requests</h2>');
    expect(page).not.toContain("hook-secret-value");
    // A new mapping starts from the action's defaults.
    expect(unescapeHtml(page)).toContain('"@path": "$."');

    const mapping = { url, method: "POST", data: { order: { "@path": "$.properties" }, messageId: { "@path": "$.messageId" } } };
    const add = {
      version: versionOf(page),
      name: "Orders",
      partnerAction: "send",
      subscribe: 'type = "track" and (',
      mapping: JSON.stringify(mapping),
      enabled: "on",
    };
    const badCondition = await session.post(`${path}/mappings`, add);
    expect(badCondition.status).toBe(400);
    const badPage = await badCondition.text();
    expect(badPage).toMatch(/<p class="field-error" id="mapping-subscribe-error" role="alert">Not a valid condition: .*Write FQL such as/);
    expect(badPage).toContain('value="type = &quot;track&quot; and ("'); // kept as typed
    const badJson = await session.post(`${path}/mappings`, { ...add, subscribe: 'type = "track"', mapping: "{oops" });
    expect(badJson.status).toBe(400);
    expect(await badJson.text()).toContain('id="mapping-mapping-error" role="alert">Not JSON');
    expect((await session.post(`${path}/mappings`, { ...add, subscribe: 'type = "track"' }, { csrf: false })).status).toBe(403);

    const added = await session.post(`${path}/mappings`, { ...add, subscribe: 'type = "track"' });
    expect(added.status).toBe(303);
    expect(added.headers.get("Location")).toBe(`${path}?done=mapping-added#mappings`);
    page = await (await session.get(added.headers.get("Location")!)).text();
    expect(page).toContain("Mapping added");
    expect(page).toContain("<b>Orders</b>");

    // Change it: only orders from now on.
    const edit = await (await session.get(`${path}?mapping=0`)).text();
    expect(edit).toContain("Change the mapping Orders");
    expect(edit).toContain('<input type="hidden" name="index" value="0"/>');
    const stale = await session.post(`${path}/mappings`, { ...add, index: "0", version: "stale", subscribe: 'event = "Order Completed"' });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("The mappings changed since this page was loaded");
    const saved = await session.post(`${path}/mappings`, {
      ...add,
      index: "0",
      version: versionOf(edit),
      subscribe: 'type = "track" and event = "Order Completed"',
    });
    expect(saved.status).toBe(303);
    const stored = await admin<{ destination: { subscriptions: StoredSubscription[] } }>("GET", `/destinations/${id}`);
    expect(stored.body.destination.subscriptions).toEqual([
      { name: "Orders", subscribe: 'type = "track" and event = "Order Completed"', partnerAction: "send", mapping, enabled: true },
    ]);

    // The preview: what the mapping would send for an order, and that a page view matches nothing.
    const order = { type: "track", event: "Order Completed", messageId: "m-preview", userId: "u1", properties: { total: 3 } };
    const preview = await session.post(`${path}/requests`, { event: JSON.stringify(order) });
    expect(preview.status).toBe(200);
    const previewed = unescapeHtml(await preview.text());
    expect(previewed).toContain("1 of 1 mapping matches this event");
    expect(previewed).toContain("Matched");
    expect(previewed).toContain(`<b>POST</b> <code>${url}</code>`);
    expect(previewed).toMatch(/x-signature: [0-9a-f]{40}/i);
    expect(previewed).toContain('"total": 3');
    expect(previewed).not.toContain("hook-secret-value");
    const live = await session.post(`${path}/requests.json`, { event: JSON.stringify({ type: "page", name: "Home" }) });
    const answer = await live.json<{ outcome: { mappings: { name: string; matched: boolean; requests: unknown[] }[] } }>();
    expect(answer.outcome.mappings).toEqual([expect.objectContaining({ name: "Orders", matched: false, requests: [] })]);
    const broken = await session.post(`${path}/requests`, { event: "{not json" });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain("Event: not JSON");

    // Settings saved with the secret left blank keep it, and the mappings.
    const settingsSaved = await session.post(`${path}/settings`, { name: "Orders hook", enabled: "on", "settings.sharedSecret": "", sourceIds: [source.id] });
    expect(settingsSaved.status).toBe(303);
    const afterSettings = await new DestinationStore(env.DB).get(id);
    expect(afterSettings?.settings).toMatchObject({ sharedSecret: "hook-secret-value", subscriptions: [expect.objectContaining({ name: "Orders" })] });

    // Delivered as mapped: the order goes, the page view does not.
    const messageId = unique("order");
    await sendBatch(source.writeKey, [
      { type: "page", name: "Home", userId: "u1", messageId: unique("page") },
      { type: "track", event: "Order Completed", userId: "u1", messageId, properties: { total: 9 } },
    ]);
    const requests = await waitUntil(
      `the order at ${hook}`,
      () => received(hook),
      (list) => list.length === 1,
      { timeoutMs: 20_000 },
    );
    expect(requests[0]!.body).toEqual({ order: { total: 9 }, messageId });

    // Disable, then delete.
    page = await (await session.get(path)).text();
    const disabled = await session.post(`${path}/mappings/enabled`, { index: "0", enabled: "false", version: versionOf(page) });
    expect(disabled.status).toBe(303);
    expect(disabled.headers.get("Location")).toBe(`${path}?done=mapping-disabled#mappings`);
    page = await (await session.get(path)).text();
    expect(page).toContain('<span class="pill pill-off">Disabled</span>');
    const disabledPreview = await (await session.post(`${path}/requests`, { event: JSON.stringify(order) })).text();
    expect(disabledPreview).toContain("0 of 1 mapping matches this event");
    const staleDelete = await session.post(`${path}/mappings/delete`, { index: "0", version: "stale" });
    expect(staleDelete.status).toBe(409);
    expect(await staleDelete.text()).toContain('<p class="error" role="alert">The mappings changed since this page was loaded');
    expect((await session.post(`${path}/mappings/delete`, { index: "0", version: versionOf(page) })).status).toBe(303);
    expect((await admin<{ destination: { subscriptions: unknown[] } }>("GET", `/destinations/${id}`)).body.destination.subscriptions).toEqual([]);
  });

  it("a built-in destination has no mapping forms", async () => {
    const session = await openConsoleSession();
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Plain hook",
      type: "webhook",
      settings: { url: "https://example.com/h" },
    });
    const path = `/console/destinations/${encodeURIComponent(created.body.destination.id)}`;
    expect(await (await session.get(path)).text()).not.toContain('id="mappings"');
    expect((await session.post(`${path}/mappings`, { name: "x", partnerAction: "send", subscribe: 'type = "track"' })).status).toBe(404);
  });
});
