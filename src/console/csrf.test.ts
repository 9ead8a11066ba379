import { describe, expect, it } from "vitest";
import { csrfTokenFor, isCsrfTokenValid, isSameOriginPost } from "./csrf";
import { issueSession } from "./session";

const TOKEN = "admin-token";
const NOW = 1_767_225_600;

const sessionWith = async (csrfSecret: string, token = TOKEN) => (await issueSession(token, { subject: "admin", now: NOW, csrfSecret })).session;

describe("CSRF tokens", () => {
  it("accept the session's own token", async () => {
    const session = await sessionWith("AAAAAAAAAAAAAAAAAAAAAA");
    const token = await csrfTokenFor(TOKEN, session);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await isCsrfTokenValid(TOKEN, session, token)).toBe(true);
  });

  it("refuse a missing, malformed or altered token", async () => {
    const session = await sessionWith("AAAAAAAAAAAAAAAAAAAAAA");
    const token = await csrfTokenFor(TOKEN, session);
    for (const presented of [undefined, "", "not base64!", token.slice(0, -1), (token.startsWith("A") ? "B" : "A") + token.slice(1)]) {
      expect(await isCsrfTokenValid(TOKEN, session, presented)).toBe(false);
    }
  });

  it("refuse another session's token, and a token made under another admin token", async () => {
    const mine = await sessionWith("AAAAAAAAAAAAAAAAAAAAAA");
    const theirs = await sessionWith("BBBBBBBBBBBBBBBBBBBBBB");
    expect(await isCsrfTokenValid(TOKEN, mine, await csrfTokenFor(TOKEN, theirs))).toBe(false);
    expect(await isCsrfTokenValid(TOKEN, mine, await csrfTokenFor("old-admin-token", mine))).toBe(false);
  });

  it("is not the session's secret itself (the cookie's payload is readable, the token is derived)", async () => {
    const session = await sessionWith("AAAAAAAAAAAAAAAAAAAAAA");
    expect(await isCsrfTokenValid(TOKEN, session, session.csrf)).toBe(false);
  });
});

describe("the origin check of console POSTs", () => {
  const url = "https://data.example.com/console/sign-out";
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it("accepts same-origin POSTs by Sec-Fetch-Site, or by Origin when Sec-Fetch-Site is absent", () => {
    expect(isSameOriginPost(url, headers({ "Sec-Fetch-Site": "same-origin", Origin: "https://data.example.com" }))).toBe(true);
    expect(isSameOriginPost(url, headers({ Origin: "https://data.example.com" }))).toBe(true);
  });

  it("refuses cross-site and same-site (another subdomain) POSTs, and Origin null", () => {
    expect(isSameOriginPost(url, headers({ "Sec-Fetch-Site": "cross-site" }))).toBe(false);
    expect(isSameOriginPost(url, headers({ "Sec-Fetch-Site": "same-site", Origin: "https://shop.example.com" }))).toBe(false);
    expect(isSameOriginPost(url, headers({ "Sec-Fetch-Site": "none" }))).toBe(false);
    expect(isSameOriginPost(url, headers({ Origin: "https://evil.example.net" }))).toBe(false);
    expect(isSameOriginPost(url, headers({ Origin: "http://data.example.com" }))).toBe(false);
    expect(isSameOriginPost(url, headers({ Origin: "null" }))).toBe(false);
  });

  it("trusts Sec-Fetch-Site over Origin when both are sent", () => {
    expect(isSameOriginPost(url, headers({ "Sec-Fetch-Site": "cross-site", Origin: "https://data.example.com" }))).toBe(false);
  });

  it("leaves requests from no browser (neither header) to the token check", () => {
    expect(isSameOriginPost(url, headers({}))).toBe(true);
  });
});
