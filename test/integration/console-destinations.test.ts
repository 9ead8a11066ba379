import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { debuggerFor } from "../../src/debugger/debugger-stub";
import type { DebuggerEntry } from "../../src/debugger/entry";
import { DestinationStore } from "../../src/destinations/destination-store";
import { webhookSignature } from "../../src/destinations/webhook-signature";
import { admin } from "../support/workerd/admin";
import { requestSignedOut, openConsoleSession, unescapeHtml } from "../support/workerd/console";
import { createSource, sendBatch, unique } from "../support/workerd/profiles";
import { received } from "../support/workerd/received";
import { waitUntil } from "../support/wait-until";

/** The destinations section through the Worker: forms in, pages out, checked by the admin API's own code. */
describe("console destinations", () => {
  it("signed out, the section and its forms redirect to sign-in", async () => {
    for (const path of ["/console/destinations", "/console/destinations/anything"]) {
      const response = await requestSignedOut(path);
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe("/console");
    }
  });

  it("creates a webhook destination from the form, masks its secret, adds a filter and previews it", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console destinations source");
    const hook = `/hooks/${unique("console")}`;
    const name = unique("Console hook");

    const list = await (await session.get("/console/destinations")).text();
    expect(list).toContain("Create a destination");
    expect(list).toContain(source.id);

    const created = await session.post("/console/destinations", {
      name,
      type: "webhook",
      url: `${inject("receiverUrl")}${hook}`,
      sharedSecret: "top-secret-value",
      headers: "X-Team: growth",
      sourceIds: [source.id],
      consentCategories: "Analytics, Advertising",
    });
    expect(created.status).toBe(303);
    const path = created.headers.get("Location")!;
    expect(path).toMatch(/^\/console\/destinations\/.+/);
    const id = decodeURIComponent(path.split("/").at(-1)!);
    const stored = await admin<{ destination: { settings: Record<string, unknown>; sourceIds: string[]; consentCategories: string[] } }>(
      "GET",
      `/destinations/${id}`,
    );
    expect(stored.body.destination.sourceIds).toEqual([source.id]);
    expect(stored.body.destination.consentCategories).toEqual(["Analytics", "Advertising"]);
    expect(stored.body.destination.settings).toMatchObject({ headers: { "X-Team": "growth" }, sharedSecret: "********" });

    const page = await (await session.get(path)).text();
    expect(page).toContain(name);
    expect(page).toContain("********");
    expect(page).not.toContain("top-secret-value");
    expect(page).toContain("No filters");
    expect(page).toContain("No dead letters");
    expect(page).toContain("No deliveries in the last 24 hours");
    expect((await session.get("/console/destinations")).status).toBe(200);
    expect(await (await session.get("/console/destinations")).text()).toContain(name);

    const refused = await session.post(`${path}/filters`, { title: "Broken", if: 'event = "unterminated', action: "DROP" });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain("Condition:");
    expect(refusedPage).toContain('value="event = &quot;unterminated"'); // kept as typed

    const added = await session.post(`${path}/filters`, { title: "No test events", if: 'event = "Sluice Test Event"', action: "DROP" });
    expect(added.status).toBe(303);
    const filters = await admin<{ filters: { title: string; if: string; actions: object[] }[] }>("GET", `/destinations/${id}/filters`);
    expect(filters.body.filters).toEqual([
      expect.objectContaining({ title: "No test events", if: 'event = "Sluice Test Event"', actions: [{ type: "DROP" }] }),
    ]);
    expect(await (await session.get(path)).text()).toContain("No test events");

    const event = JSON.stringify({ type: "track", event: "Order Completed", properties: { email: "a@example.com", total: 3 } });
    const kept = await (
      await session.post(`${path}/preview`, { if: 'event = "Order Completed"', action: "DROP_PROPERTIES", fields: "properties.email", event })
    ).text();
    expect(kept).toContain("Matched");
    expect(kept).toContain("&quot;total&quot;: 3");
    expect(kept).not.toContain("&quot;email&quot;: &quot;a@example.com&quot;");

    const dropped = await (await session.post(`${path}/preview`, { if: "all", action: "DROP", event })).text();
    expect(dropped).toContain("Dropped");

    const unmatched = await (await session.post(`${path}/preview`, { if: 'event = "Signed Up"', action: "", event })).text();
    expect(unmatched).toContain("Not matched");

    const badEvent = await session.post(`${path}/preview`, { if: "all", action: "", event: "{not json" });
    expect(badEvent.status).toBe(400);
    expect(await badEvent.text()).toContain("Event: not JSON");

    const tested = await (await session.post(`${path}/test`, { event: JSON.stringify({ type: "track", event: "Tester", messageId: unique("t") }) })).text();
    expect(tested).toContain("Outcome: <b>delivered</b>");
    expect(tested).toContain("X-Signature: ");
    expect(tested).toContain("Came back");
    expect((await received(hook)).length).toBe(1);

    const disabled = await session.post(`${path}/enabled`, { enabled: "false" });
    expect(disabled.status).toBe(303);
    expect((await admin<{ destination: { enabled: boolean } }>("GET", `/destinations/${id}`)).body.destination.enabled).toBe(false);
  });

  it("shows a dead letter with what was sent, refuses a re-drive without CSRF, and re-drives it to the destination", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console dead letters source");
    const hook = `/hooks/${unique("redrive")}`;
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Console re-drive",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}${hook}` },
    });
    const id = created.body.destination.id;
    const messageId = unique("dead");
    // As the DLQ consumer keeps a refused delivery (src/queues/dead-letter.ts).
    await env.ARCHIVE.put(
      `dead-letter/sluice-deliveries-dlq/${encodeURIComponent(id)}/2026-05-01/${messageId}.json`,
      JSON.stringify({
        queue: "sluice-deliveries-dlq",
        messageId,
        reason: "answered 400: <b>bad</b>",
        attempts: 1,
        deadLetteredAt: "2026-05-01T10:00:00.000Z",
        body: {
          destinationId: id,
          event: {
            type: "track",
            event: "<script>x</script>",
            messageId,
            projectId: source.id,
            userId: "u1",
            receivedAt: new Date().toISOString(),
            properties: {},
            context: {},
          },
        },
      }),
    );
    const path = `/console/destinations/${encodeURIComponent(id)}`;
    const page = await (await session.get(path)).text();
    expect(page).toContain("answered 400: &lt;b&gt;bad&lt;/b&gt;");
    expect(page).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(page).not.toContain("<script>x");

    expect((await session.post(`${path}/dead-letters/redrive`, {}, { csrf: false })).status).toBe(403);
    const redriven = await session.post(`${path}/dead-letters/redrive`, {});
    expect(redriven.status).toBe(200);
    expect(await redriven.text()).toContain("Re-drove 1 dead letter(s), 1 event(s).");
    await waitUntil(
      "the re-driven event delivered",
      () => admin<{ delivered: number }>("GET", `/destinations/${id}/delivery`),
      (answer) => answer.body.delivered === 1,
      { timeoutMs: 20_000 },
    );
    expect((await received(hook)).map((request) => request.body.messageId)).toEqual([messageId]);
    expect(await (await session.get(path)).text()).toContain("No dead letters");
  });

  it("edits a destination: a blank secret keeps the stored one, an error shows next to its field, the next event goes to the new URL", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console edit source");
    const [oldHook, newHook] = [`/hooks/${unique("before-edit")}`, `/hooks/${unique("after-edit")}`];
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Before the edit",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}${oldHook}`, sharedSecret: "stored-secret" },
    });
    const id = created.body.destination.id;
    const path = `/console/destinations/${encodeURIComponent(id)}`;
    const page = await (await session.get(path)).text();
    expect(page).toContain('action="/console/destinations/' + encodeURIComponent(id) + '/settings#edit"');
    expect(page).toContain('value="Before the edit"');
    expect(page).not.toContain("stored-secret");

    const edit = {
      name: "After <the> edit",
      enabled: "on",
      url: `${inject("receiverUrl")}${newHook}`,
      sharedSecret: "",
      headers: "X-Team: growth",
      sourceIds: [source.id],
      consentCategories: "",
    };
    expect((await session.post(`${path}/settings`, edit, { csrf: false })).status).toBe(403);
    const refused = await session.post(`${path}/settings`, { ...edit, url: "ftp://example.com/<b>" });
    expect(refused.status).toBe(400);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain('<p class="field-error" id="edit-url-error" role="alert">settings.url: must be an http(s) URL</p>');
    expect(refusedPage).toContain('value="ftp://example.com/&lt;b&gt;"'); // kept as typed
    expect(refusedPage).toContain('value="After &lt;the&gt; edit"');
    const unknownSource = await session.post(`${path}/settings`, { ...edit, sourceIds: [source.id, "src_gone"] });
    expect(unknownSource.status).toBe(400);
    expect(await unknownSource.text()).toContain('id="edit-sourceIds-error" role="alert">sourceIds: no source with id src_gone.');
    expect((await new DestinationStore(env.DB).get(id))?.name).toBe("Before the edit");

    const saved = await session.post(`${path}/settings`, edit);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toBe(`${path}?saved=1#edit`);
    const stored = await new DestinationStore(env.DB).get(id);
    expect(stored).toMatchObject({
      name: "After <the> edit",
      enabled: true,
      settings: { url: `${inject("receiverUrl")}${newHook}`, sharedSecret: "stored-secret", headers: { "X-Team": "growth" } },
    });
    const after = await (await session.get(saved.headers.get("Location")!)).text();
    expect(after).toContain("Changes saved");
    expect(after).toContain("After &lt;the&gt; edit");
    expect(after).not.toContain("stored-secret");

    const messageId = unique("edited");
    await sendBatch(source.writeKey, [{ type: "track", event: "After Edit", userId: "u1", messageId }]);
    const requests = await waitUntil(
      `the event at ${newHook}`,
      () => received(newHook),
      (list) => list.length === 1,
      { timeoutMs: 20_000 },
    );
    expect(requests[0]!.body.messageId).toBe(messageId);
    expect(requests[0]!.headers["x-team"]).toBe("growth");
    expect(requests[0]!.headers["x-signature"]).toBe(await webhookSignature("stored-secret", requests[0]!.raw));
    expect(await received(oldHook)).toEqual([]);
  });

  it("re-drives one dead letter by its own button, leaving the others listed", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console one dead letter source");
    const hook = `/hooks/${unique("redrive-one")}`;
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Console re-drive one",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: `${inject("receiverUrl")}${hook}` },
    });
    const id = created.body.destination.id;
    const [chosen, left] = [unique("chosen"), unique("left")];
    const keys = [await putDeadLetter(id, source.id, chosen), await putDeadLetter(id, source.id, left)];
    const path = `/console/destinations/${encodeURIComponent(id)}`;
    const page = await (await session.get(path)).text();
    for (const key of keys) expect(page).toContain(`<input type="hidden" name="id" value="${key}"/>`);

    const redriven = await session.post(`${path}/dead-letters/redrive`, { id: keys[0]! });
    expect(redriven.status).toBe(200);
    const after = await redriven.text();
    expect(after).toContain("Re-drove the dead letter: 1 event(s) queued again as first attempts.");
    expect(after).not.toContain(`value="${keys[0]}"`);
    expect(after).toContain(`value="${keys[1]}"`);
    await waitUntil(
      "the chosen dead letter delivered",
      () => admin<{ delivered: number }>("GET", `/destinations/${id}/delivery`),
      (answer) => answer.body.delivered === 1,
      { timeoutMs: 20_000 },
    );
    expect((await received(hook)).map((request) => request.body.messageId)).toEqual([chosen]);
    const letters = await admin<{ deadLetters: { id: string }[] }>("GET", `/destinations/${id}/dead-letters`);
    expect(letters.body.deadLetters.map((letter) => letter.id)).toEqual([keys[1]]);

    const again = await session.post(`${path}/dead-letters/redrive`, { id: keys[0]! });
    expect(await again.text()).toContain("Nothing to re-drive: that dead letter is gone");
    const foreign = await session.post(`${path}/dead-letters/redrive`, { id: "dead-letter/sluice-deliveries-dlq/other/x.json" });
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain("is not one of destination");
  });

  it("previews a filter on an event picked from a source's debugger, as a page (no script) and as JSON (the live preview)", async () => {
    const session = await openConsoleSession();
    const source = await createSource("Console preview <b>source</b>");
    const created = await admin<{ destination: { id: string } }>("POST", "/destinations", {
      name: "Console preview",
      type: "webhook",
      sourceIds: [source.id],
      settings: { url: "https://example.com/hook" },
    });
    const path = `/console/destinations/${encodeURIComponent(created.body.destination.id)}`;
    const order = debuggerEntry(source.id, "2026-05-01T10:00:03.000Z", {
      type: "track",
      event: "Order <Completed>",
      userId: "u1",
      properties: { email: "a@b.c", total: 3 },
    });
    const visit = debuggerEntry(source.id, "2026-05-01T10:00:05.000Z", { type: "page", name: "Pricing", anonymousId: "a1" });
    const refused = { ...debuggerEntry(source.id, "2026-05-01T10:00:06.000Z", { type: "track" }), kind: "invalid" as const };
    await debuggerFor(env, source.id).record([order, visit, refused]);

    const page = await (await session.get(path)).text();
    expect(page).toContain(`<option value="${source.id}" selected="">Console preview &lt;b&gt;source&lt;/b&gt;</option>`);
    expect(page).toContain(`<option value="${order.id}">track &quot;Order &lt;Completed&gt;&quot; · user u1 · 2026-05-01 10:00:03 UTC</option>`);
    expect(page).toContain(`<option value="${visit.id}">page &quot;Pricing&quot; · anonymous a1 · 2026-05-01 10:00:05 UTC</option>`);
    expect(page).not.toContain(`value="${refused.id}"`);
    expect(page.indexOf(visit.id)).toBeLessThan(page.indexOf(order.id)); // newest first

    const form = { if: 'event = "Order <Completed>"', action: "DROP_PROPERTIES", fields: "properties.email", event: "{}", debuggerSource: source.id };
    const previewed = await session.post(`${path}/preview`, { ...form, entry: order.id });
    expect(previewed.status).toBe(200);
    const html = await previewed.text();
    expect(html).toContain("Tried on track &quot;Order &lt;Completed&gt;&quot; · user u1");
    expect(html).toContain('<span class="pill pill-ok">Matched</span>');
    expect(html).toContain(`<option value="${order.id}" selected="">`);
    expect(html).toContain("&quot;total&quot;: 3");
    expect(html).toContain("&quot;email&quot;: &quot;a@b.c&quot;"); // the picked event, in the JSON field
    expect(unescapeHtml(html.slice(html.indexOf('id="preview-result"')))).not.toContain('"email"'); // but not in what is delivered

    const live = await session.post(`${path}/preview.json`, { ...form, entry: order.id });
    expect(live.status).toBe(200);
    const answer = await live.json<{ outcome: { result: { matched: boolean; event: Record<string, unknown> }; against: string }; picked: string }>();
    expect(answer.outcome.result.matched).toBe(true);
    expect(answer.outcome.result.event.properties).toEqual({ total: 3 });
    expect(answer.outcome.against).toBe('track "Order <Completed>" · user u1 · 2026-05-01 10:00:03 UTC');
    expect(JSON.parse(answer.picked)).toEqual(order.event);

    const onJson = await session.post(`${path}/preview.json`, { ...form, entry: "", event: JSON.stringify(visit.event) });
    expect(await onJson.json()).toEqual({ outcome: { result: { matched: false, event: visit.event } } });
    const broken = await session.post(`${path}/preview.json`, { ...form, if: 'event = "x' });
    expect(broken.status).toBe(400);
    expect((await broken.json<{ outcome: { error: string } }>()).outcome.error).toMatch(/^Condition: /);
    const gone = await session.post(`${path}/preview`, { ...form, entry: "m-not-in-the-buffer" });
    expect(gone.status).toBe(400);
    expect(await gone.text()).toContain("Event: the one picked is no longer among the newest events");
    expect((await session.post(`${path}/preview.json`, { ...form, entry: order.id }, { csrf: false })).status).toBe(403);

    const script = await session.get("/console/assets/filter-preview.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain("preview-result");
  });

  it("keeps what was typed and says what to fix when the settings do not pass the type's schema", async () => {
    const session = await openConsoleSession();
    const response = await session.post("/console/destinations", { name: "Bad <b>url</b>", type: "webhook", url: "ftp://example.com" });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain("settings.url: must be an http(s) URL");
    expect(page).toContain('value="Bad &lt;b&gt;url&lt;/b&gt;"');
    const segment = await session.post("/console/destinations", { name: "Segment", type: "segment", writeKey: "" });
    expect(await segment.text()).toContain("settings.writeKey");
  });

  it("refuses a POST without the CSRF token", async () => {
    const session = await openConsoleSession();
    const name = unique("no-csrf");
    const response = await session.post("/console/destinations", { name, type: "webhook", url: "https://example.com/hook" }, { csrf: false });
    expect(response.status).toBe(403);
    const list = await admin<{ destinations: { name: string }[] }>("GET", "/destinations");
    expect(list.body.destinations.map((destination) => destination.name)).not.toContain(name);
  });

  it("answers 404 for a destination that does not exist", async () => {
    const session = await openConsoleSession();
    expect((await session.get("/console/destinations/dst_missing")).status).toBe(404);
  });
});

/** A refused delivery as the DLQ consumer keeps it (src/queues/dead-letter.ts); answers its key. */
async function putDeadLetter(destinationId: string, sourceId: string, messageId: string): Promise<string> {
  const key = `dead-letter/sluice-deliveries-dlq/${encodeURIComponent(destinationId)}/2026-05-01/${messageId}.json`;
  await env.ARCHIVE.put(
    key,
    JSON.stringify({
      queue: "sluice-deliveries-dlq",
      messageId,
      reason: "answered 400",
      attempts: 1,
      deadLetteredAt: "2026-05-01T10:00:00.000Z",
      body: {
        destinationId,
        event: {
          type: "track",
          event: "Refused",
          messageId,
          projectId: sourceId,
          userId: "u1",
          receivedAt: new Date().toISOString(),
          properties: {},
          context: {},
        },
      },
    }),
  );
  return key;
}

function debuggerEntry(sourceId: string, receivedAt: string, event: Record<string, unknown>): DebuggerEntry {
  const id = unique("m");
  return { id, messageId: id, sourceId, receivedAt, kind: "accepted", event: { ...event, messageId: id }, journey: {} };
}
