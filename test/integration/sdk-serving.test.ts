import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SDK_SOURCE } from "../../src/sdk/bundle.generated";
import { app } from "../../workers/app";

const ADMIN = { Authorization: "Bearer test_admin_token", "Content-Type": "application/json" };
const HOST = "https://data.example.com";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type SourceJson = { id: string; writeKey: string; name: string; enabled: boolean; scriptAlias?: string };

async function createSource(name = "Website") {
  const response = await app.request("/api/v1/sources", { method: "POST", headers: ADMIN, body: JSON.stringify({ name }) }, env);
  expect(response.status).toBe(201);
  return (await response.json<{ source: SourceJson }>()).source;
}

const patchSource = (id: string, body: object) => app.request(`/api/v1/sources/${id}`, { method: "PATCH", headers: ADMIN, body: JSON.stringify(body) }, env);

const get = (url: string, headers: Record<string, string> = {}) => app.request(url, { headers }, env);
const bundleUrl = (writeKey: string, host = HOST) => `${host}/analytics.js/v1/${writeKey}/analytics.min.js`;

/** Set-Cookie headers by cookie name: `{ ajs_anonymous_id: { value, attributes } }`. */
function cookiesOf(response: Response): Record<string, { value: string; attributes: string }> {
  const cookies: Record<string, { value: string; attributes: string }> = {};
  for (const header of response.headers.getSetCookie()) {
    const [pair, ...attributes] = header.split("; ");
    const [name, value] = pair!.split("=") as [string, string];
    cookies[name] = { value, attributes: attributes.join("; ") };
  }
  return cookies;
}

const SITE_COOKIE = "Max-Age=31536000; Domain=example.com; Path=/; Secure; SameSite=Lax";

describe("analytics.js bundle", () => {
  it("serves the SDK with the source's settings embedded, privately cacheable, with a strong ETag", async () => {
    const source = await createSource();
    const response = await get(bundleUrl(source.writeKey));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("private, max-age=300, stale-while-revalidate=86400");
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    const body = await response.text();
    expect(body.startsWith("(function(__sluice){")).toBe(true);
    expect(body).toContain(SDK_SOURCE);
    const { version, ...settings } = JSON.parse(body.slice(body.lastIndexOf("})(") + 3, -2)) as Record<string, string>;
    expect(settings).toEqual({
      writeKey: source.writeKey,
      apiHost: "https://data.example.com/v1",
      cookieDomain: "example.com",
      sourceId: source.id,
    });
    expect(typeof version).toBe("string");
  });

  it("answers 304 to a matching If-None-Match, still refreshing the cookies", async () => {
    const source = await createSource();
    const first = await get(bundleUrl(source.writeKey));
    const etag = first.headers.get("etag")!;
    const again = await get(bundleUrl(source.writeKey), { "If-None-Match": etag, Cookie: "ajs_anonymous_id=visitor-1" });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("cache-control")).toMatch(/^private/);
    expect(cookiesOf(again).ajs_anonymous_id).toEqual({ value: "visitor-1", attributes: SITE_COOKIE });
    expect((await get(bundleUrl(source.writeKey), { "If-None-Match": '"stale"' })).status).toBe(200);
  });

  it("differs per host: apiHost, cookie domain and ETag follow the request", async () => {
    const source = await createSource();
    const local = await get(bundleUrl(source.writeKey, "http://localhost:8787"));
    const body = await local.text();
    expect(body).toContain('"apiHost":"http://localhost:8787/v1"');
    expect(body).toContain('"cookieDomain":""');
    expect(local.headers.get("etag")).not.toBe((await get(bundleUrl(source.writeKey))).headers.get("etag"));
    // Host-only and not Secure on localhost.
    expect(cookiesOf(local).ajs_anonymous_id!.attributes).toBe("Max-Age=31536000; Path=/; SameSite=Lax");
  });

  it("mints an anonymous id, refreshes an existing one, and rewrites a legacy quoted one plain", async () => {
    const source = await createSource();
    const minted = cookiesOf(await get(bundleUrl(source.writeKey)));
    expect(minted.ajs_anonymous_id!.value).toMatch(UUID_V4);
    expect(minted.ajs_anonymous_id!.attributes).toBe(SITE_COOKIE);
    expect(minted.ajs_user_id).toBeUndefined();

    const kept = cookiesOf(await get(bundleUrl(source.writeKey), { Cookie: "ajs_anonymous_id=anon-7; ajs_user_id=user%40example.com" }));
    expect(kept.ajs_anonymous_id!.value).toBe("anon-7");
    expect(kept.ajs_user_id).toEqual({ value: "user%40example.com", attributes: SITE_COOKIE });

    const legacy = cookiesOf(await get(bundleUrl(source.writeKey), { Cookie: "ajs_anonymous_id=%22legacy-id%22; ajs_user_id=%22u1%22" }));
    expect(legacy.ajs_anonymous_id!.value).toBe("legacy-id");
    expect(legacy.ajs_user_id!.value).toBe("u1");
  });

  it("never reflects a crafted cookie raw and replaces an implausible one", async () => {
    const source = await createSource();
    const response = await get(bundleUrl(source.writeKey), {
      Cookie: "ajs_anonymous_id=x%3BDomain%3Devil.com; ajs_user_id=a%0D%0ASet-Cookie%3A%20evil%3D1",
    });
    const headers = response.headers.getSetCookie();
    expect(headers).toHaveLength(1);
    expect(headers[0]).toBe(`ajs_anonymous_id=x%3BDomain%3Devil.com; ${SITE_COOKIE}`);
    expect(await response.text()).not.toContain("evil");
  });

  it("answers 404 for an unknown or malformed key and 403 for a disabled source, as JavaScript comments", async () => {
    const unknown = await get(bundleUrl("no-such-key"));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(unknown.headers.getSetCookie()).toEqual([]);
    expect(await unknown.text()).toMatch(/^\/\* Sluice: unknown write key/);

    const crafted = await get(bundleUrl("%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"));
    expect(crafted.status).toBe(404);
    expect(await crafted.text()).not.toMatch(/[<>]/);

    const source = await createSource();
    expect((await patchSource(source.id, { enabled: false })).status).toBe(200);
    const disabled = await get(bundleUrl(source.writeKey));
    expect(disabled.status).toBe(403);
    expect(await disabled.text()).toMatch(/disabled/);
  });
});

describe("script alias", () => {
  it("serves the same bundle under /s/<alias>.js once set, and stops when removed", async () => {
    const source = await createSource();
    const alias = `k${crypto.randomUUID().slice(0, 8)}`;
    expect((await get(`${HOST}/s/${alias}.js`)).status).toBe(404); // a cached miss, evicted by the PATCH

    const patched = await patchSource(source.id, { scriptAlias: alias });
    expect(patched.status).toBe(200);
    expect((await patched.json<{ source: SourceJson }>()).source.scriptAlias).toBe(alias);

    const byAlias = await get(`${HOST}/s/${alias}.js`);
    const byKey = await get(bundleUrl(source.writeKey));
    expect(byAlias.status).toBe(200);
    expect(byAlias.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(byAlias.headers.get("etag")).toBe(byKey.headers.get("etag"));
    expect(await byAlias.text()).toBe(await byKey.text());
    expect(cookiesOf(byAlias).ajs_anonymous_id!.value).toMatch(UUID_V4);

    // An alias is not a write key, nor the reverse.
    expect((await get(bundleUrl(alias))).status).toBe(404);

    const removed = await patchSource(source.id, { scriptAlias: null });
    expect(removed.status).toBe(200);
    expect((await removed.json<{ source: SourceJson }>()).source).toEqual(source); // back to the shape DESIGN.md gives
    expect((await get(`${HOST}/s/${alias}.js`)).status).toBe(404);
  });

  it("validates the alias and keeps it unique", async () => {
    const [first, second] = [await createSource(), await createSource()];
    const alias = `dup-${crypto.randomUUID().slice(0, 8)}`;
    for (const bad of ["ab", "Upper", "has_underscore", "x".repeat(41), 42]) {
      const response = await patchSource(first.id, { scriptAlias: bad });
      expect(response.status, String(bad)).toBe(400);
      expect(await response.json()).toMatchObject({ field: "scriptAlias" });
    }
    expect((await patchSource(first.id, { scriptAlias: alias })).status).toBe(200);
    expect((await patchSource(first.id, { scriptAlias: alias })).status).toBe(200); // its own alias again
    const taken = await patchSource(second.id, { scriptAlias: alias });
    expect(taken.status).toBe(409);
    const takenAnswer = await taken.json<{ success?: boolean; field?: string; error: string }>();
    expect(takenAnswer).toMatchObject({ field: "scriptAlias" });
    expect(takenAnswer.error).toContain("taken");
    expect((await patchSource("no-such-source", { scriptAlias: `${alias}-x` })).status).toBe(404);
    expect((await get(`${HOST}/s/${alias}`)).status).toBe(404); // .js is part of the path
  });
});

describe("analytics-next settings endpoint", () => {
  it("answers the settings analytics-next loads, public and cacheable, CORS * without credentials", async () => {
    const source = await createSource();
    const response = await get(`${HOST}/v1/projects/${source.writeKey}/settings`, { Origin: "https://www.example.com" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.json()).toEqual({
      integrations: {
        "Segment.io": {
          apiKey: source.writeKey,
          apiHost: "data.example.com/v1",
          protocol: "https",
          unbundledIntegrations: [],
          addBundledMetadata: true,
          maybeBundledConfigIds: {},
          versionSettings: { version: "4.4.7", componentTypes: ["browser"] },
        },
      },
      plan: {
        track: { __default: { enabled: true, integrations: {} } },
        identify: { __default: { enabled: true } },
        group: { __default: { enabled: true } },
      },
      edgeFunction: {},
      analyticsNextEnabled: true,
      middlewareSettings: {},
      enabledMiddleware: {},
      metrics: { sampleRate: 0 },
      legacyVideoPluginsEnabled: false,
      remotePlugins: [],
    });

    const local = await (
      await get(`http://localhost:8787/v1/projects/${source.writeKey}/settings`)
    ).json<{
      integrations: Record<string, { apiHost: string; protocol: string }>;
    }>();
    expect(local.integrations["Segment.io"]).toMatchObject({ apiHost: "localhost:8787/v1", protocol: "http" });
  });

  it("answers 404 JSON for an unknown key and public CORS preflights", async () => {
    const unknown = await get(`${HOST}/v1/projects/nope/settings`, { Origin: "https://elsewhere.test" });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("access-control-allow-origin")).toBe("*");
    const unknownAnswer = await unknown.json<{ success?: boolean; field?: string; error: string }>();
    expect(unknownAnswer).toMatchObject({ success: false });
    expect(unknownAnswer.error).toContain("write key");

    const preflight = await app.request(
      `${HOST}/v1/projects/x/settings`,
      {
        method: "OPTIONS",
        headers: { Origin: "https://www.example.com", "Access-Control-Request-Method": "GET" },
      },
      env,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("identity cookies on collection", () => {
  const track = (url: string, body: object, headers: Record<string, string>) =>
    app.request(url, { method: "POST", headers: { "Content-Type": "text/plain", ...headers }, body: JSON.stringify(body) }, env);

  it("refreshes the ids the browser sent on the registrable domain, with credentialed CORS for the site", async () => {
    const source = await createSource();
    const response = await track(
      "https://data.shop.example.co.uk/v1/track",
      { writeKey: source.writeKey, anonymousId: "anon-1", userId: "user-1", event: "Viewed" },
      { Origin: "https://www.shop.example.co.uk", Cookie: "ajs_anonymous_id=anon-1; ajs_user_id=%22user-1%22" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://www.shop.example.co.uk");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("access-control-expose-headers")).toMatch(/Retry-After/);
    const attributes = "Max-Age=31536000; Domain=example.co.uk; Path=/; Secure; SameSite=Lax";
    expect(cookiesOf(response)).toEqual({
      ajs_anonymous_id: { value: "anon-1", attributes },
      ajs_user_id: { value: "user-1", attributes },
    });
  });

  it("never takes ids from events: an alias, a per-call anonymousId or a reset() stays the SDK's call", async () => {
    const source = await createSource();
    const response = await track(
      `${HOST}/v1/batch`,
      {
        writeKey: source.writeKey,
        batch: [
          { type: "alias", anonymousId: "anon-1", userId: "aliased", previousId: "anon-1" },
          { type: "track", anonymousId: "override-once", userId: "someone", event: "E" },
        ],
      },
      { Origin: "https://www.example.com", Cookie: "ajs_anonymous_id=anon-1" },
    );
    expect(response.status).toBe(200);
    expect(cookiesOf(response)).toEqual({ ajs_anonymous_id: { value: "anon-1", attributes: SITE_COOKIE } });

    const noCookies = await track(`${HOST}/v1/track`, { writeKey: source.writeKey, userId: "u", event: "E" }, { Origin: "https://www.example.com" });
    expect(noCookies.headers.getSetCookie()).toEqual([]);
  });

  it("sets none for server libraries (no Origin), failed requests or pixel GETs", async () => {
    const source = await createSource();
    const event = { writeKey: source.writeKey, anonymousId: "anon-2", event: "E" };
    expect((await track(`${HOST}/v1/track`, event, {})).headers.getSetCookie()).toEqual([]);
    const refused = await track(`${HOST}/v1/track`, { ...event, writeKey: "wrong" }, { Origin: "https://www.example.com" });
    expect(refused.status).toBe(401);
    expect(refused.headers.getSetCookie()).toEqual([]);
    const data = btoa(JSON.stringify(event));
    const pixel = await get(`${HOST}/v1/pixel/track?data=${encodeURIComponent(data)}`, { Origin: "https://www.example.com" });
    expect(pixel.status).toBe(200);
    expect(pixel.headers.getSetCookie()).toEqual([]);
  });

  it("gives credentialed CORS to the site's own origins only", async () => {
    const preflight = (url: string, origin: string) =>
      app.request(url, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST" } }, env);
    const sameSite = await preflight(`${HOST}/v1/t`, "https://www.example.com");
    expect(sameSite.headers.get("access-control-allow-origin")).toBe("https://www.example.com");
    expect(sameSite.headers.get("access-control-allow-credentials")).toBe("true");
    const local = await preflight("http://localhost:8787/v1/t", "http://localhost:3000");
    expect(local.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    for (const origin of ["https://example.com.evil.test", "http://www.example.com"]) {
      expect((await preflight(`${HOST}/v1/t`, origin)).headers.get("access-control-allow-origin"), origin).toBe("*");
    }
  });
});
