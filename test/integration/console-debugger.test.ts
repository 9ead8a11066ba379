import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { debuggerFor } from "../../src/debugger/debugger-stub";
import type { DebuggerEntry } from "../../src/debugger/entry";
import { CONSOLE_CSP } from "../../src/console/routes";
import { waitUntil } from "../support/wait-until";
import { createSource, unique } from "../support/workerd/profiles";
import { collectStream } from "../support/workerd/stream";

/**
 * The console's live debugger through the Worker's fetch handler: the page (signed in, entries
 * escaped, 404 for an unknown source), its script, and the stream's session and Origin checks.
 */

const HOST = "https://console.sluice.test";
let ipCounter = 0;

async function signIn(): Promise<string> {
  const response = await SELF.fetch(`${HOST}/console/sign-in`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "CF-Connecting-IP": `203.0.113.${++ipCounter}` },
    body: new URLSearchParams({ token: "test_admin_token" }),
    redirect: "manual",
  });
  expect(response.status).toBe(303);
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith("sluice_session="));
  return cookie!.split(";")[0]!;
}

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${HOST}${path}`, { headers, redirect: "manual" });

function entry(sourceId: string, fields: Partial<DebuggerEntry> & { event: unknown }): DebuggerEntry {
  const id = unique("m");
  return { id, messageId: id, sourceId, receivedAt: new Date().toISOString(), kind: "accepted", journey: {}, ...fields };
}

describe("the console's live debugger", () => {
  it("renders the buffer newest first, every value as text, with journeys and errors, under the strict CSP", async () => {
    const cookie = await signIn();
    const source = await createSource("Console debugger <b>page</b>");
    const xss = "<img src=x onerror=alert(1)>";
    const older = entry(source.id, {
      receivedAt: "2026-01-01T10:00:00.000Z",
      event: {
        type: "track",
        event: "Order Completed",
        userId: "u1",
        properties: { note: xss, total: 42 },
        context: { campaign: { name: "spring-only-in-context" } },
      },
      journey: {
        plan: { verdict: "violated", violations: [{ type: "Invalid Type", field: "properties.total", description: "must be string" }] },
        archived: true,
      },
    });
    const newer = entry(source.id, {
      receivedAt: "2026-01-01T10:00:05.000Z",
      kind: "invalid",
      messageId: null,
      event: { type: "track", userId: "u1" },
      error: { message: "A track call needs an event name: set event.", field: "event" },
    });
    await debuggerFor(env, source.id).record([older, newer]);

    const response = await get(`/console/sources/${source.id}/debugger`, { Cookie: cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Security-Policy")).toBe(CONSOLE_CSP);
    const page = await response.text();
    expect(page).toContain('<input type="search"');
    expect(page).toContain('<script type="module" src="/console/assets/debugger.js"></script>');
    expect(page).toContain("Console debugger &lt;b&gt;page&lt;/b&gt;: live debugger");
    // The payload is text: escaped in the raw JSON and in the call, never markup.
    expect(page).not.toContain(xss);
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page).toContain("analytics.track(&quot;Order Completed&quot;");
    expect(page).toContain("spring-only-in-context");
    expect(page).toContain("Invalid Type: properties.total: must be string");
    expect(page).toContain("The client was told: A track call needs an event name: set event.");
    expect(page.indexOf(`data-id="${newer.id}"`)).toBeLessThan(page.indexOf(`data-id="${older.id}"`));
    expect(page).toMatch(/id="debugger-empty"[^>]*hidden/);
  });

  it("says how to send a first event when there is none, and 404s for an unknown source", async () => {
    const cookie = await signIn();
    const source = await createSource("Quiet source");
    const page = await (await get(`/console/sources/${source.id}/debugger`, { Cookie: cookie })).text();
    expect(page).toContain("No events yet.");
    expect(page).toContain("/v1/track");
    expect(page).not.toMatch(/id="debugger-empty"[^>]*hidden/);

    const missing = await get("/console/sources/src_nope/debugger", { Cookie: cookie });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Not found");
  });

  it("sends the page to sign-in without a session", async () => {
    const source = await createSource("Signed out");
    const response = await get(`/console/sources/${source.id}/debugger`);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/console");
  });

  it("serves the page script as JavaScript", async () => {
    const response = await get("/console/assets/debugger.js", { Cookie: await signIn() });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/javascript/);
    const code = await response.text();
    expect(code).toContain("WebSocket");
    expect(code).not.toContain("innerHTML");
    const copy = await get("/console/assets/copy.js", { Cookie: await signIn() });
    expect(copy.status).toBe(200);
    expect(await copy.text()).toContain("clipboard");
    expect((await get("/console/assets/nope.js", { Cookie: await signIn() })).status).toBe(404);
  });

  it("answers the buffer as JSON for a page catching up after a reconnection, with a session only", async () => {
    const cookie = await signIn();
    const source = await createSource("Catch up");
    const recorded = entry(source.id, { event: { type: "track", event: "Missed", userId: "u1" } });
    await debuggerFor(env, source.id).record([recorded]);
    const path = `/console/sources/${source.id}/debugger/entries`;
    const response = await get(path, { Cookie: cookie });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ entries: [recorded] });
    expect((await get(path)).status).toBe(303);
    expect((await get("/console/sources/src_nope/debugger/entries", { Cookie: cookie })).status).toBe(404);
  });

  it("the stream refuses a request without a session, and one from another origin", async () => {
    const cookie = await signIn();
    const source = await createSource("Stream guard");
    const path = `/console/sources/${source.id}/debugger/stream`;
    const noSession = await get(path, { Upgrade: "websocket", Origin: HOST });
    expect(noSession.status).toBe(303);
    expect(noSession.webSocket).toBeNull();
    const foreign = await get(path, { Upgrade: "websocket", Origin: "https://evil.example", Cookie: cookie });
    expect(foreign.status).toBe(403);
    expect(foreign.webSocket).toBeNull();
    const noOrigin = await get(path, { Upgrade: "websocket", Cookie: cookie });
    expect(noOrigin.status).toBe(403);
    expect((await get("/console/sources/src_nope/debugger/stream", { Upgrade: "websocket", Origin: HOST, Cookie: cookie })).status).toBe(404);
  });

  it("the stream, opened with the session from the console's origin, carries new entries", async () => {
    const cookie = await signIn();
    const source = await createSource("Stream open");
    const { socket, received } = collectStream(
      await get(`/console/sources/${source.id}/debugger/stream`, { Upgrade: "websocket", Origin: HOST, Cookie: cookie }),
    );

    const live = entry(source.id, { event: { type: "track", event: "Live", userId: "u1" } });
    await debuggerFor(env, source.id).record([live]);
    await waitUntil(
      "the entry on the socket",
      () => received.flatMap(({ entries }) => entries),
      (entries) => entries.some(({ id }) => id === live.id),
    );
    socket.close(1000, "done");
  });
});
