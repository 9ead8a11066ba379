import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { consoleApp, CONSOLE_CSP } from "../../src/console/routes";
import { app } from "../../workers/app";

const HOST = "https://data.example.com";
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const SAME_ORIGIN = { ...FORM, "Sec-Fetch-Site": "same-origin", Origin: HOST };
let ipCounter = 0;
/** Each test signs in from its own address, so the throttle's count is the test's own. */
const nextIp = () => `198.51.100.${++ipCounter}`;

type Fetcher = { request: (url: string, init: RequestInit, env: object) => Response | Promise<Response> };

function signIn(token: string, ip: string, headers: Record<string, string> = SAME_ORIGIN, via: Fetcher = app, bindings: object = env) {
  return via.request(
    `${HOST}/console/sign-in`,
    { method: "POST", headers: { ...headers, "CF-Connecting-IP": ip }, body: new URLSearchParams({ token }) },
    bindings,
  );
}

/** The session cookie a response sets: its value and its attributes, lower-cased. */
function sessionCookieOf(response: Response): { value: string; attributes: string[] } | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith("sluice_session="));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(/;\s*/);
  return { value: pair!.slice("sluice_session=".length), attributes: attributes.map((attribute) => attribute.toLowerCase()) };
}

async function signedIn(ip = nextIp()): Promise<string> {
  const response = await signIn("test_admin_token", ip);
  expect(response.status).toBe(303);
  return sessionCookieOf(response)!.value;
}

const home = (cookie: string, via: Fetcher = app, bindings: object = env, headers: Record<string, string> = {}) =>
  via.request(`${HOST}/console`, { headers: { ...headers, ...(cookie ? { Cookie: `sluice_session=${cookie}` } : {}) } }, bindings);

/** The CSRF token of the signed-in home page's sign-out form. */
async function csrfOf(cookie: string): Promise<string> {
  const page = await (await home(cookie)).text();
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  expect(match, "the home page holds a sign-out form with the CSRF field").not.toBeNull();
  return match![1]!;
}

function signOut(cookie: string, form: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) {
  return app.request(
    `${HOST}/console/sign-out`,
    { method: "POST", headers: { ...headers, Cookie: `sluice_session=${cookie}` }, body: new URLSearchParams(form) },
    env,
  );
}

function expectConsoleHeaders(response: Response) {
  expect(response.headers.get("Content-Security-Policy")).toBe(CONSOLE_CSP);
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
}

describe("console sign-in", () => {
  it("GET /console signed out shows the sign-in form, with an input named token, under the strict CSP", async () => {
    const response = await home("");
    expect(response.status).toBe(200);
    expectConsoleHeaders(response);
    const page = await response.text();
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<form method="post" action="/console/sign-in">');
    expect(page).toMatch(/<input[^>]*name="token"[^>]*type="password"/);
    expect(page).not.toContain("<script");
    expect(page).not.toMatch(/ style=/);
  });

  it("the right token sets an HttpOnly, SameSite=Strict, Secure cookie for /console and the home page shows", async () => {
    const response = await signIn("test_admin_token", nextIp());
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/console");
    expectConsoleHeaders(response);
    const cookie = sessionCookieOf(response)!;
    expect(cookie.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/console", "secure", "max-age=43200"]));

    const page = await home(cookie.value);
    expect(page.status).toBe(200);
    expectConsoleHeaders(page);
    const text = await page.text();
    expect(text).toContain("<h1>Overview</h1>");
    for (const section of ["Overview", "Sources", "Schema", "Tracking plans", "Destinations", "Profiles", "Replays"]) expect(text).toContain(section);
    expect(text).toContain('href="/api/v1/docs"');
    expect(text).toMatch(/<form method="post" action="\/console\/sign-out"[^>]*><input type="hidden" name="csrf" value="[A-Za-z0-9_-]{43}"/);
  });

  it("over plain http (local development) the cookie is not Secure", async () => {
    const response = await app.request(
      "http://localhost:8787/console/sign-in",
      {
        method: "POST",
        headers: { ...FORM, "Sec-Fetch-Site": "same-origin", "CF-Connecting-IP": nextIp() },
        body: new URLSearchParams({ token: "test_admin_token" }),
      },
      env,
    );
    expect(response.status).toBe(303);
    expect(sessionCookieOf(response)!.attributes).not.toContain("secure");
  });

  it("a wrong token shows the form again with an error, and sets no cookie", async () => {
    const response = await signIn("not_the_token", nextIp());
    expect(response.status).toBe(403);
    expectConsoleHeaders(response);
    expect(sessionCookieOf(response)).toBeUndefined();
    const page = await response.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain("not this deployment&#39;s admin token");
    expect(page).toMatch(/name="token"/);
  });

  it("a forged or foreign cookie is not a session", async () => {
    for (const cookie of ["garbage", "eyJ2IjoxfQ.AAAA"]) {
      expect(await (await home(cookie)).text()).toContain('action="/console/sign-in"');
    }
  });

  it("after 5 failed attempts from one address, the 6th is 429 with Retry-After, even with the right token", async () => {
    const ip = nextIp();
    for (let attempt = 1; attempt <= 5; attempt++) expect((await signIn(`wrong ${attempt}`, ip)).status).toBe(403);
    const sixth = await signIn("wrong 6", ip);
    expect(sixth.status).toBe(429);
    expectConsoleHeaders(sixth);
    const retryAfter = Number(sixth.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await sixth.text()).toContain("Too many sign-in attempts");
    expect((await signIn("test_admin_token", ip)).status).toBe(429);
    // Another address is not held.
    expect((await signIn("test_admin_token", nextIp())).status).toBe(303);
  });

  it("a successful sign-in clears the address's count", async () => {
    const ip = nextIp();
    for (let attempt = 1; attempt <= 4; attempt++) expect((await signIn("wrong", ip)).status).toBe(403);
    expect((await signIn("test_admin_token", ip)).status).toBe(303);
    for (let attempt = 1; attempt <= 5; attempt++) expect((await signIn("wrong", ip)).status).toBe(403);
  });

  it("a deployment without ADMIN_TOKEN says how to set it up, and signs nobody in", async () => {
    const bindings = { ...env, ADMIN_TOKEN: "" };
    const page = await app.request(`${HOST}/console`, {}, bindings);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("wrangler secret put ADMIN_TOKEN");
    const response = await signIn("", nextIp(), SAME_ORIGIN, app, bindings);
    expect(response.status).toBe(503);
    expect(sessionCookieOf(response)).toBeUndefined();
  });

  it("a sign-in posted from another site is refused", async () => {
    const response = await signIn("test_admin_token", nextIp(), { ...FORM, "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example.net" });
    expect(response.status).toBe(403);
    expect(sessionCookieOf(response)).toBeUndefined();
  });

  it("serves its stylesheet itself", async () => {
    const response = await app.request(`${HOST}/console/console.css`, {}, env);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/css; charset=utf-8");
    expectConsoleHeaders(response);
  });
});

describe("console sign-out and CSRF", () => {
  it("sign-out without the CSRF token is refused (403) and the session stays", async () => {
    const cookie = await signedIn();
    const response = await signOut(cookie, {});
    expect(response.status).toBe(403);
    expectConsoleHeaders(response);
    expect(sessionCookieOf(response)).toBeUndefined();
    expect((await signOut(cookie, { csrf: "AAAA" })).status).toBe(403);
    expect(await (await home(cookie)).text()).toContain("<h1>Overview</h1>");
  });

  it("another session's CSRF token is refused", async () => {
    const mine = await signedIn();
    const theirs = await csrfOf(await signedIn());
    expect((await signOut(mine, { csrf: theirs })).status).toBe(403);
  });

  it("sign-out with the CSRF token clears the cookie and goes back to the sign-in form", async () => {
    const cookie = await signedIn();
    const response = await signOut(cookie, { csrf: await csrfOf(cookie) });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/console");
    const cleared = sessionCookieOf(response)!;
    expect(cleared.value).toBe("");
    expect(cleared.attributes).toEqual(expect.arrayContaining(["max-age=0", "path=/console"]));
  });

  it("a cross-site POST is refused even with a valid session cookie and CSRF token", async () => {
    const cookie = await signedIn();
    const csrf = await csrfOf(cookie);
    for (const headers of [
      { ...FORM, Origin: "https://evil.example.net" },
      { ...FORM, "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example.net" },
      { ...FORM, "Sec-Fetch-Site": "same-site", Origin: "https://shop.example.com" },
    ]) {
      const response = await signOut(cookie, { csrf }, headers);
      expect(response.status).toBe(403);
      expect(sessionCookieOf(response)).toBeUndefined();
    }
  });

  it("an unknown console page is an HTML 404 under the same headers; signed out, it asks to sign in first", async () => {
    const signedOut = await app.request(`${HOST}/console/nowhere`, {}, env);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/console");
    expectConsoleHeaders(signedOut);

    const cookie = await signedIn();
    const response = await app.request(`${HOST}/console/nowhere`, { headers: { Cookie: `sluice_session=${cookie}` } }, env);
    expect(response.status).toBe(404);
    expectConsoleHeaders(response);
    expect(await response.text()).toContain("<code>/console/nowhere</code>");
  });
});

describe("console sign-in through Cloudflare Access", () => {
  const TEAM = "acme.cloudflareaccess.com";
  const AUD = "console-aud-tag";
  const accessEnv = { ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD };
  let teamKey: CryptoKey;
  let foreignKey: CryptoKey;
  let withAccess: Hono;

  beforeAll(async () => {
    const team = await generateKeyPair("RS256", { extractable: true });
    teamKey = team.privateKey;
    foreignKey = (await generateKeyPair("RS256")).privateKey;
    const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(team.publicKey)), kid: "k1", alg: "RS256" }] });
    // The console as workers/app.ts mounts it, with the team's keys generated here.
    withAccess = new Hono().route("/console", consoleApp({ accessKeys: () => keys }));
  });

  const assertion = (key: CryptoKey, audience = AUD) =>
    new SignJWT({ email: "ada@example.com" })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setAudience(audience)
      .setIssuer(`https://${TEAM}`)
      .setSubject("ada")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(key);

  it("a valid Cf-Access-Jwt-Assertion signs the person in: home page and a session cookie", async () => {
    const response = await home("", withAccess, accessEnv, { "Cf-Access-Jwt-Assertion": await assertion(teamKey) });
    expect(response.status).toBe(200);
    expectConsoleHeaders(response);
    const page = await response.text();
    expect(page).toContain("<h1>Overview</h1>");
    expect(page).toContain("ada@example.com");
    const cookie = sessionCookieOf(response)!;
    expect(cookie.attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "secure"]));
    expect(await (await home(cookie.value, withAccess, accessEnv)).text()).toContain("ada@example.com");
  });

  it("an assertion for another application, or signed by another key, signs nobody in", async () => {
    for (const token of [await assertion(teamKey, "another-app"), await assertion(foreignKey)]) {
      const response = await home("", withAccess, accessEnv, { "Cf-Access-Jwt-Assertion": token });
      expect(await response.text()).toContain('action="/console/sign-in"');
      expect(sessionCookieOf(response)).toBeUndefined();
    }
  });

  it("without ACCESS_TEAM_DOMAIN and ACCESS_AUD the header is ignored", async () => {
    const response = await home("", withAccess, env, { "Cf-Access-Jwt-Assertion": await assertion(teamKey) });
    expect(await response.text()).toContain('action="/console/sign-in"');
    expect(sessionCookieOf(response)).toBeUndefined();
  });
});
