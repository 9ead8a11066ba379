import { describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "./base64url";
import { issueSession, newCsrfSecret, SESSION_TTL_SECONDS, verifySession } from "./session";

const TOKEN = "admin-token-one";
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const CSRF = "AAAAAAAAAAAAAAAAAAAAAA";

const issue = (overrides: { token?: string; now?: number; ttlSeconds?: number } = {}) =>
  issueSession(overrides.token ?? TOKEN, {
    subject: "admin",
    now: overrides.now ?? NOW,
    csrfSecret: CSRF,
    ...(overrides.ttlSeconds ? { ttlSeconds: overrides.ttlSeconds } : {}),
  });

describe("console sessions", () => {
  it("round-trips: a value issued now verifies to the same session", async () => {
    const { session, value } = await issue();
    expect(session).toEqual({ v: 1, sub: "admin", iat: NOW, exp: NOW + SESSION_TTL_SECONDS, csrf: CSRF });
    expect(await verifySession(TOKEN, value, NOW + 1)).toEqual(session);
    expect(value).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it("lasts 12 hours: valid a second before expiry, refused at it and after", async () => {
    const { value } = await issue();
    expect(await verifySession(TOKEN, value, NOW + SESSION_TTL_SECONDS - 1)).not.toBeNull();
    expect(await verifySession(TOKEN, value, NOW + SESSION_TTL_SECONDS)).toBeNull();
    expect(await verifySession(TOKEN, value, NOW + 30 * 24 * 3600)).toBeNull();
  });

  it("refuses a session issued well in the future (a clock far off, or a forged iat)", async () => {
    const { value } = await issue({ now: NOW + 3600 });
    expect(await verifySession(TOKEN, value, NOW)).toBeNull();
  });

  it("refuses a tampered payload (a later expiry, another subject) and a tampered signature", async () => {
    const { value } = await issue();
    const [payload, signature] = value.split(".") as [string, string];
    const claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(payload)!)) as Record<string, unknown>;
    for (const change of [{ exp: NOW + 10 * SESSION_TTL_SECONDS }, { sub: "someone else" }]) {
      const forged = encodeBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, ...change })));
      expect(await verifySession(TOKEN, `${forged}.${signature}`, NOW)).toBeNull();
    }
    const flipped = (signature.startsWith("A") ? "B" : "A") + signature.slice(1);
    expect(await verifySession(TOKEN, `${payload}.${flipped}`, NOW)).toBeNull();
    expect(await verifySession(TOKEN, `${payload}.${signature.slice(0, -2)}`, NOW)).toBeNull();
  });

  it("refuses a session signed under another admin token: rotating the token ends every session", async () => {
    const { value } = await issue({ token: "admin-token-two" });
    expect(await verifySession(TOKEN, value, NOW)).toBeNull();
  });

  it("refuses malformed values", async () => {
    for (const value of ["", ".", "abc", "a.b.c", "!!!.???", `${encodeBase64Url(new TextEncoder().encode("not json"))}.x`]) {
      expect(await verifySession(TOKEN, value, NOW)).toBeNull();
    }
  });

  it("makes a new random CSRF secret each time", () => {
    const a = newCsrfSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newCsrfSecret()).not.toBe(a);
  });
});
