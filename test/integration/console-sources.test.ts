import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { app } from "../../workers/app";
import worker from "../../workers/index";
import { acceptedEvent, eventsMessage, uniqueId } from "../support/workerd/events";

const HOST = "https://data.example.com";
const SAME_ORIGIN = { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: HOST };
let ipCounter = 0;

interface ApiSource {
  id: string;
  name: string;
  writeKey: string;
  enabled: boolean;
  scriptAlias?: string;
}

async function signedIn(): Promise<string> {
  const response = await app.request(
    `${HOST}/console/sign-in`,
    { method: "POST", headers: { ...SAME_ORIGIN, "CF-Connecting-IP": `203.0.113.${++ipCounter}` }, body: new URLSearchParams({ token: "test_admin_token" }) },
    env,
  );
  expect(response.status).toBe(303);
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith("sluice_session="));
  return cookie!.split(";")[0]!;
}

const get = (cookie: string, path: string) => app.request(`${HOST}${path}`, { headers: { Cookie: cookie } }, env);
const post = (cookie: string, path: string, form: Record<string, string>) =>
  app.request(`${HOST}${path}`, { method: "POST", headers: { ...SAME_ORIGIN, Cookie: cookie }, body: new URLSearchParams(form) }, env);

async function csrfOf(cookie: string, path = "/console/sources"): Promise<string> {
  const match = /name="csrf" value="([^"]+)"/.exec(await (await get(cookie, path)).text());
  expect(match).not.toBeNull();
  return match![1]!;
}

async function apiSources(): Promise<ApiSource[]> {
  const response = await app.request(`${HOST}/api/v1/sources`, { headers: { Authorization: "Bearer test_admin_token" } }, env);
  return (await response.json<{ sources: ApiSource[] }>()).sources;
}

async function createSource(cookie: string, name: string): Promise<ApiSource> {
  const response = await post(cookie, "/console/sources", { name, csrf: await csrfOf(cookie) });
  expect(response.status).toBe(303);
  const source = (await apiSources()).find((candidate) => candidate.name === name);
  expect(source, "the source created in the console is in the admin API").toBeDefined();
  expect(response.headers.get("Location")).toBe(`/console/sources/${source!.id}`);
  return source!;
}

describe("console: sources", () => {
  it("signed out, the sources pages go to sign-in", async () => {
    for (const path of ["/console/sources", "/console/sources/anything"]) {
      const response = await app.request(`${HOST}${path}`, {}, env);
      expect(response.status, path).toBe(303);
      expect(response.headers.get("Location")).toBe("/console");
    }
    const response = await app.request(`${HOST}/console/sources`, { method: "POST", headers: SAME_ORIGIN, body: "name=x" }, env);
    expect(response.status).toBe(303);
  });

  it("creates a source through the form; the list and its page show it with its write key and snippet", async () => {
    const cookie = await signedIn();
    const source = await createSource(cookie, "Console <site>");
    expect(source.enabled).toBe(true);

    const list = await (await get(cookie, "/console/sources")).text();
    expect(list).toContain("Console &lt;site&gt;");
    expect(list).toContain(`value="${source.writeKey}"`);

    const page = await get(cookie, `/console/sources/${source.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`value="${source.writeKey}"`);
    expect(html).toContain(`analytics.load(&quot;${source.writeKey}&quot;);`);
    expect(html).toContain(`${HOST}/analytics.js/v1/`);
    expect(html).toContain(`href="/console/sources/${source.id}/debugger"`);
  });

  it("an empty name is refused with the reason, keeping the form", async () => {
    const cookie = await signedIn();
    const response = await post(cookie, "/console/sources", { name: "   ", csrf: await csrfOf(cookie) });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Enter a name for the source");
  });

  it("a POST without the CSRF field is refused and changes nothing", async () => {
    const cookie = await signedIn();
    const response = await post(cookie, "/console/sources", { name: "No CSRF" });
    expect(response.status).toBe(403);
    expect((await apiSources()).some((source) => source.name === "No CSRF")).toBe(false);
    const source = await createSource(cookie, "CSRF target");
    expect((await post(cookie, `/console/sources/${source.id}/enabled`, { enabled: "false" })).status).toBe(403);
    expect((await apiSources()).find((candidate) => candidate.id === source.id)!.enabled).toBe(true);
  });

  it("disables and enables a source", async () => {
    const cookie = await signedIn();
    const source = await createSource(cookie, "To disable");
    const csrf = await csrfOf(cookie);
    const disabled = await post(cookie, `/console/sources/${source.id}/enabled`, { enabled: "false", csrf });
    expect(disabled.status).toBe(303);
    expect((await apiSources()).find((candidate) => candidate.id === source.id)!.enabled).toBe(false);
    // The write key's cached entry was evicted: its settings are refused at once.
    expect((await app.request(`${HOST}/v1/projects/${source.writeKey}/settings`, {}, env)).status).toBe(403);
    expect(await (await get(cookie, `/console/sources/${source.id}`)).text()).toContain("Enable source");

    expect((await post(cookie, `/console/sources/${source.id}/enabled`, { enabled: "true", csrf })).status).toBe(303);
    expect((await apiSources()).find((candidate) => candidate.id === source.id)!.enabled).toBe(true);
  });

  it("sets a script alias (served at once), refuses a malformed or taken one keeping what was typed, and removes it", async () => {
    const cookie = await signedIn();
    const source = await createSource(cookie, "Aliased");
    const other = await createSource(cookie, "Other");
    const csrf = await csrfOf(cookie);
    const alias = `assets-${crypto.randomUUID().slice(0, 8)}`;

    // A miss cached before the alias exists must not outlive setting it.
    expect((await app.request(`${HOST}/s/${alias}.js`, {}, env)).status).toBe(404);
    expect((await post(cookie, `/console/sources/${source.id}/alias`, { scriptAlias: alias, csrf })).status).toBe(303);
    expect((await apiSources()).find((candidate) => candidate.id === source.id)!.scriptAlias).toBe(alias);
    expect((await app.request(`${HOST}/s/${alias}.js`, {}, env)).status).toBe(200);
    expect(await (await get(cookie, `/console/sources/${source.id}`)).text()).toContain(`${HOST}/s/${alias}.js`);

    const malformed = await post(cookie, `/console/sources/${other.id}/alias`, { scriptAlias: "Not OK!", csrf });
    expect(malformed.status).toBe(400);
    const malformedPage = await malformed.text();
    expect(malformedPage).toContain("3 to 40 lower-case letters");
    expect(malformedPage).toContain('value="Not OK!"');

    const taken = await post(cookie, `/console/sources/${other.id}/alias`, { scriptAlias: alias, csrf });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain(`The alias ${alias} is taken by another source`);

    expect((await post(cookie, `/console/sources/${source.id}/alias`, { remove: "1", csrf })).status).toBe(303);
    expect((await apiSources()).find((candidate) => candidate.id === source.id)!.scriptAlias).toBeUndefined();
    expect((await app.request(`${HOST}/s/${alias}.js`, {}, env)).status).toBe(404);
  });

  it("an unknown source is a 404 page", async () => {
    const cookie = await signedIn();
    expect((await get(cookie, "/console/sources/nope")).status).toBe(404);
    expect((await post(cookie, "/console/sources/nope/enabled", { enabled: "false", csrf: await csrfOf(cookie) })).status).toBe(404);
  });

  it("the overview shows each source's events per minute, as the EVENTS consumer counted them, and each destination's delivery health", async () => {
    const cookie = await signedIn();
    const source = await createSource(cookie, "Overview source");
    const events = Array.from({ length: 42 }, (_, i) => acceptedEvent(source.id, uniqueId(`overview-${i}`)));
    const batch = createMessageBatch("sluice-events", [{ id: uniqueId("m"), timestamp: new Date(), attempts: 1, body: eventsMessage(events) }]);
    await worker.queue(batch, env);
    expect(await getQueueResult(batch, createExecutionContext())).toMatchObject({ explicitAcks: [batch.messages[0]!.id] });

    const response = await get(cookie, "/console");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Overview source");
    expect(html).toMatch(/Overview source, events per minute over the last 24 hours: 42 events, at most (42|2\d) in one minute/); // a batch may straddle a minute
    expect(html).toContain("Delivery health, last 24 hours");
  });
});
