import { describe, expect, it } from "vitest";
import { waitUntil } from "../support/wait-until";
import { admin } from "../support/workerd/admin";
import { getSignedOut, signInToConsole } from "../support/workerd/console";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";

describe("console: schema", () => {
  it("signed out, every section page and form goes to the sign-in page", async () => {
    for (const path of ["/console/schema", "/console/schema/src_x", "/console/tracking-plans", "/console/profiles"]) {
      const page = await getSignedOut(path);
      expect(page.status, path).toBe(303);
      expect(page.location).toBe("/console");
    }
  });

  it("lists the sources, then a source's sent events with counts; an event expands to its properties", async () => {
    const ui = await signInToConsole();
    const source = await createSource(unique("Console schema"));
    expect((await ui.get("/console/schema")).html).toContain(`href="/console/schema/${source.id}"`);
    const empty = await ui.get(`/console/schema/${source.id}`);
    expect(empty.html).toContain("No events seen yet");
    expect(empty.html).toContain(source.writeKey);

    await sendBatch(source.writeKey, [
      { type: "track", event: "Order Completed", userId: "u1", properties: { total: 12.5, sku: "A" } },
      { type: "track", event: "Order Completed", userId: "u2", properties: { total: 20 } },
    ]);
    const page = await waitUntil(
      "Order Completed on the schema page",
      () => ui.get(`/console/schema/${source.id}`),
      (answer) => answer.html.includes("Order Completed"),
      { describe: (answer) => `${answer.status}` },
    );
    expect(page.status).toBe(200);
    expect(page.html).toContain("1–1 of 1 events");
    expect(page.html).toMatch(/Order Completed<\/a><\/th><td>track<\/td><td class="num">2<\/td><td class="num">2<\/td><td class="num">2<\/td>/);

    const expanded = await ui.get(`/console/schema/${source.id}?page=1&event=${encodeURIComponent("track:Order Completed")}`);
    expect(expanded.html).toContain("<code>total</code>");
    expect(expanded.html).toContain("integer, number");
    expect(expanded.html).toContain("<code>sku</code>");
  });

  it("blocks and unblocks an event through the form, as the admin API does; a POST without the CSRF token is refused", async () => {
    const ui = await signInToConsole();
    const source = await createSource(unique("Console blocks"));
    const form = { type: "track", name: "Page Viewed", blocked: "true", page: "1" };

    const refused = await ui.post(`/console/schema/${source.id}/blocks`, form);
    expect(refused.status).toBe(403);
    const forged = await ui.post(`/console/schema/${source.id}/blocks`, { ...form, csrf: "AAAA" });
    expect(forged.status).toBe(403);
    expect((await admin<{ blocks: { events: unknown[] } }>("GET", `/sources/${source.id}/schema/blocks`)).body.blocks.events).toEqual([]);

    const blocked = await ui.post(`/console/schema/${source.id}/blocks`, { ...form, csrf: ui.csrf });
    expect(blocked.status).toBe(303);
    expect(blocked.location).toBe(`/console/schema/${source.id}?page=1`);
    expect((await admin<{ blocks: { events: unknown[] } }>("GET", `/sources/${source.id}/schema/blocks`)).body.blocks.events).toEqual([
      { type: "track", name: "Page Viewed" },
    ]);

    await sendBatch(source.writeKey, [{ type: "page", name: "Home", anonymousId: "a1" }]);
    const page = await waitUntil(
      "the blocked page call on the schema page",
      () => ui.get(`/console/schema/${source.id}`),
      (answer) => answer.html.includes("Page Viewed"),
      { describe: (answer) => `${answer.status}` },
    );
    expect(page.html).toContain('aria-label="Unblock Page Viewed"');
    expect(page.html).toContain("1 dropped");

    expect((await ui.post(`/console/schema/${source.id}/blocks`, { ...form, blocked: "false", csrf: ui.csrf })).status).toBe(303);
    expect((await admin<{ blocks: { events: unknown[] } }>("GET", `/sources/${source.id}/schema/blocks`)).body.blocks.events).toEqual([]);
  });

  it("blocks an identify trait through the form, as the admin API does", async () => {
    const ui = await signInToConsole();
    const source = await createSource(unique("Console trait blocks"));
    const blocked = await ui.post(`/console/schema/${source.id}/trait-blocks`, { type: "identify", name: "ssn", blocked: "true", page: "1", csrf: ui.csrf });
    expect(blocked.status).toBe(303);
    expect(blocked.location).toBe(`/console/schema/${source.id}?page=1&event=identify%3A`);
    expect((await admin<{ blocks: { traits: unknown[] } }>("GET", `/sources/${source.id}/schema/blocks`)).body.blocks.traits).toEqual([
      { type: "identify", name: "ssn" },
    ]);
    expect((await ui.post(`/console/schema/${source.id}/trait-blocks`, { type: "identify", name: "ssn", blocked: "false" })).status).toBe(403);
    expect((await ui.post(`/console/schema/${source.id}/trait-blocks`, { type: "identify", name: "ssn", blocked: "false", csrf: ui.csrf })).status).toBe(303);
    expect((await admin<{ blocks: { traits: unknown[] } }>("GET", `/sources/${source.id}/schema/blocks`)).body.blocks.traits).toEqual([]);
  });

  it("an unknown source is a 404 page; a malformed block form says what to do", async () => {
    const ui = await signInToConsole();
    expect((await ui.get("/console/schema/src_nope")).status).toBe(404);
    const source = await createSource(unique("Console bad form"));
    const bad = await ui.post(`/console/schema/${source.id}/blocks`, { type: "pageview", name: "x", blocked: "true", csrf: ui.csrf });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Reload the schema page");
  });
});
