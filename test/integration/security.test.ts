import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { createSource } from "../support/workerd/profiles";

/**
 * Credentials open only their own API, for every route there is: the admin and Profile API
 * routes come from the OpenAPI document and the console's from the app's routing table, so a new
 * route is covered as soon as it is added. A foreign origin never gets credentialed CORS access,
 * and no console page can be framed.
 */

const HOST = "https://data.example.com";
const EVIL = "https://evil.example";
const ADMIN_TOKEN = "test_admin_token";
const PROFILE_TOKEN = "test_profile_token";

const basic = (user: string) => `Basic ${btoa(`${user}:`)}`;
const bearer = (token: string) => `Bearer ${token}`;

interface Route {
  method: string;
  path: string;
}

let writeKey: string;
let sourceId: string;
let apiRoutes: Route[];
let consolePaths: string[];
let sessionCookie: string;

/** A documented path with its parameters filled in. */
function concrete(template: string): string {
  return template
    .replace("{spaceId}", env.SPACE_ID)
    .replace("{collection}", "users")
    .replace("{identifier}", "user_id:someone")
    .replace("{slug}", "webhook")
    .replace(/\{\w+\}/g, sourceId);
}

/** A console route of the routing table (`/console/sources/:id`, `/console/assets/:name{…}`) with its parameters filled in. */
function consolePath(route: string): string {
  return route
    .replace(/:name\{[^}]*\}/g, "debugger.js")
    .replace(/:\w+(\{[^}]*\})?/g, sourceId)
    .replace(/\*$/, "anything");
}

beforeAll(async () => {
  ({ writeKey, id: sourceId } = await createSource("Security checks"));
  const document = await (await app.request("/api/v1/openapi.json", {}, env)).json<{ paths: Record<string, Record<string, unknown>> }>();
  apiRoutes = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => ({ method: method.toUpperCase(), path: concrete(path) })),
  );
  consolePaths = [
    ...new Set(app.routes.filter((route) => route.method === "GET" && route.path.startsWith("/console")).map((route) => consolePath(route.path))),
  ];
  const signIn = await app.request(
    `${HOST}/console/sign-in`,
    {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: HOST, "CF-Connecting-IP": "198.51.100.200" },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    },
    env,
  );
  expect(signIn.status).toBe(303);
  sessionCookie = signIn.headers
    .getSetCookie()
    .find((cookie) => cookie.startsWith("sluice_session="))!
    .split(";")[0]!;
});

function call(route: Route, headers: Record<string, string>): Promise<Response> {
  const body = ["GET", "HEAD"].includes(route.method) ? {} : { body: "{}" };
  return Promise.resolve(
    app.request(`${HOST}${route.path}`, { method: route.method, headers: { "Content-Type": "application/json", ...headers }, ...body }, env),
  );
}

const isProfileRoute = (route: Route) => route.path.startsWith("/v1/spaces/");

/** Console answers anyone may have: the stylesheet of the sign-in page. */
const PUBLIC_CONSOLE = new Set(["/console/console.css"]);

/** What the console answers someone without a session: the sign-in page, a redirect to it, or a refusal. */
async function expectConsoleRefused(response: Response, what: string): Promise<void> {
  if (response.status === 303) {
    expect(response.headers.get("location"), what).toBe("/console");
    return;
  }
  const html = await response.text();
  if (response.status === 200) {
    expect(html, `${what}: only the sign-in form answers 200`).toMatch(/name="token"/);
    expect(html, what).not.toMatch(/sign-out/);
  } else {
    expect([401, 403, 404], `${what} → ${response.status}`).toContain(response.status);
  }
}

describe("credentials open only their own API", () => {
  it("covers every documented admin and Profile API route and every console page", () => {
    expect(apiRoutes.filter((route) => route.path.startsWith("/api/v1/")).length).toBeGreaterThan(40);
    expect(apiRoutes.filter(isProfileRoute).length).toBeGreaterThan(4);
    expect(apiRoutes.map((route) => route.path)).toContain(`/api/v1/archive`);
    expect(apiRoutes.map((route) => route.path)).toContain(`/api/v1/sources/${sourceId}/debugger`);
    expect(consolePaths.length).toBeGreaterThan(15);
  });

  it("a write key, as Basic or Bearer, reads and changes nothing outside the Tracking API", async () => {
    for (const route of apiRoutes) {
      for (const authorization of [basic(writeKey), bearer(writeKey)]) {
        const response = await call(route, { Authorization: authorization });
        expect(response.status, `${route.method} ${route.path} with ${authorization.split(" ")[0]} write key`).toBe(401);
      }
    }
    const socket = await app.request(
      `${HOST}/api/v1/sources/${sourceId}/debugger`,
      { headers: { Upgrade: "websocket", Authorization: bearer(writeKey) } },
      env,
    );
    expect(socket.status, "the debugger's live stream").toBe(401);
    for (const path of consolePaths.filter((path) => !PUBLIC_CONSOLE.has(path))) {
      const forged: Record<string, string>[] = [
        { Authorization: basic(writeKey) },
        { Authorization: bearer(writeKey) },
        { Cookie: `sluice_session=${writeKey}` },
      ];
      for (const headers of forged) {
        await expectConsoleRefused(await app.request(`${HOST}${path}`, { headers }, env), `GET ${path} with ${JSON.stringify(headers)}`);
      }
    }
  });

  it("the admin token opens no Profile API route and the Profile API token no admin route or console page", async () => {
    for (const route of apiRoutes) {
      const tokens = isProfileRoute(route) ? [basic(ADMIN_TOKEN), bearer(ADMIN_TOKEN)] : [bearer(PROFILE_TOKEN), basic(PROFILE_TOKEN)];
      for (const authorization of tokens) {
        const response = await call(route, { Authorization: authorization });
        expect(response.status, `${route.method} ${route.path} with ${authorization}`).toBe(401);
        if (isProfileRoute(route)) expect(await response.json()).toMatchObject({ error: { code: "authentication_error" } });
      }
    }
    for (const path of consolePaths.filter((path) => !PUBLIC_CONSOLE.has(path))) {
      await expectConsoleRefused(await app.request(`${HOST}${path}`, { headers: { Authorization: bearer(PROFILE_TOKEN) } }, env), `GET ${path}`);
    }
    const signIn = await app.request(
      `${HOST}/console/sign-in`,
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", Origin: HOST, "CF-Connecting-IP": "198.51.100.201" },
        body: new URLSearchParams({ token: PROFILE_TOKEN }),
      },
      env,
    );
    expect(signIn.status, "signing in to the console with the Profile API token").toBe(403);
    expect(signIn.headers.getSetCookie()).toEqual([]);
  });
});

describe("CORS", () => {
  /** A preflight and the request itself from a foreign origin, with the right credentials. */
  async function foreignAnswers(route: Route, authorization: string): Promise<Response[]> {
    const preflight = await app.request(
      `${HOST}${route.path}`,
      {
        method: "OPTIONS",
        headers: { Origin: EVIL, "Access-Control-Request-Method": route.method, "Access-Control-Request-Headers": "authorization,content-type" },
      },
      env,
    );
    return [preflight, await call(route, { Origin: EVIL, Authorization: authorization, Cookie: sessionCookie })];
  }

  it("never lets a foreign origin read an admin, Profile API or console answer", async () => {
    const routes = [...apiRoutes, ...consolePaths.map((path) => ({ method: "GET", path }))];
    for (const route of routes) {
      const authorization = isProfileRoute(route) ? basic(PROFILE_TOKEN) : bearer(ADMIN_TOKEN);
      for (const response of await foreignAnswers(route, authorization)) {
        const what = `${route.method} ${route.path} from ${EVIL} → ${response.status}`;
        expect(response.headers.get("access-control-allow-origin"), what).not.toBe(EVIL);
        expect(response.headers.get("access-control-allow-origin"), what).not.toBe("*");
        expect(response.headers.get("access-control-allow-credentials"), what).toBeNull();
      }
    }
  });

  it("answers a foreign origin on the public routes with * only, which browsers never pair with credentials", async () => {
    for (const path of ["/v1/track", "/v1/batch", "/v1/pixel/track", `/v1/projects/${writeKey}/settings`, `/analytics.js/v1/${writeKey}/analytics.min.js`]) {
      for (const method of ["OPTIONS", "GET", "POST"]) {
        const response = await app.request(
          `${HOST}${path}`,
          {
            method,
            headers: { Origin: EVIL, "Access-Control-Request-Method": "POST", "Content-Type": "text/plain" },
            ...(method === "POST" ? { body: "{}" } : {}),
          },
          env,
        );
        const allowed = response.headers.get("access-control-allow-origin");
        expect(allowed === null || allowed === "*", `${method} ${path} from ${EVIL}: ${allowed}`).toBe(true);
      }
    }
  });
});

describe("framing", () => {
  it("no console page, signed in or out, and not the API reference, may be framed", async () => {
    const pages = [...consolePaths, "/console/sign-in", "/console/no-such-page", "/api/v1/docs"];
    for (const path of pages) {
      for (const cookie of ["", sessionCookie]) {
        const response = await app.request(`${HOST}${path}`, { headers: cookie ? { Cookie: cookie } : {} }, env);
        const policy = response.headers.get("content-security-policy") ?? "";
        expect(policy, `GET ${path} ${cookie ? "signed in" : "signed out"} → ${response.status}`).toMatch(/frame-ancestors 'none'/);
      }
    }
  });
});
