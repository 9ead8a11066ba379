import { describe, expect, it } from "vitest";
import { buildIdentityCookies, cookieScopeFor, identityForBundle, isAcceptableId, normalizeIdValue, readIdentityCookies } from "./identity-cookies";

const site = { domain: "example.com", secure: true };

describe("reading identity cookies", () => {
  it("reads plain values and legacy JSON-quoted ones (raw or percent-encoded)", () => {
    expect(readIdentityCookies("ajs_anonymous_id=abc-123; ajs_user_id=u1")).toEqual({ anonymousId: "abc-123", userId: "u1" });
    expect(readIdentityCookies('ajs_anonymous_id="abc-123"')).toEqual({ anonymousId: "abc-123" });
    expect(readIdentityCookies("ajs_anonymous_id=%22abc-123%22; ajs_user_id=%22user%40example.com%22")).toEqual({
      anonymousId: "abc-123",
      userId: "user@example.com",
    });
    expect(readIdentityCookies("other=1")).toEqual({});
    expect(readIdentityCookies(undefined)).toEqual({});
  });

  it("drops values that are empty, too long, hold control characters or are broken legacy JSON", () => {
    expect(readIdentityCookies("ajs_anonymous_id=" + "a".repeat(201))).toEqual({});
    expect(readIdentityCookies("ajs_anonymous_id=" + "a".repeat(200))).toEqual({ anonymousId: "a".repeat(200) });
    expect(readIdentityCookies("ajs_anonymous_id=x%0D%0ASet-Cookie%3A%20a%3Db")).toEqual({});
    expect(readIdentityCookies("ajs_anonymous_id=x%00")).toEqual({});
    expect(readIdentityCookies("ajs_anonymous_id=")).toEqual({});
    expect(normalizeIdValue('"abc\\"')).toBeUndefined();
    expect(normalizeIdValue('"\\u000d"')).toBeUndefined();
    expect(isAcceptableId("ok")).toBe(true);
  });
});

describe("writing identity cookies", () => {
  it("sets a year-long, site-wide, Lax cookie on the registrable domain, Secure over https", () => {
    expect(buildIdentityCookies({ anonymousId: "abc", userId: "u 1" }, site)).toEqual([
      "ajs_anonymous_id=abc; Max-Age=31536000; Domain=example.com; Path=/; Secure; SameSite=Lax",
      "ajs_user_id=u%201; Max-Age=31536000; Domain=example.com; Path=/; Secure; SameSite=Lax",
    ]);
  });

  it("is host-only without a domain and not Secure over http", () => {
    expect(buildIdentityCookies({ anonymousId: "abc" }, { domain: "", secure: false })).toEqual([
      "ajs_anonymous_id=abc; Max-Age=31536000; Path=/; SameSite=Lax",
    ]);
    expect(cookieScopeFor(new URL("http://localhost:8787/x"))).toEqual({ domain: "", secure: false });
    expect(cookieScopeFor(new URL("https://a.b.example.co.uk/x"))).toEqual({ domain: "example.co.uk", secure: true });
  });

  it("never lets a crafted value shape the header", () => {
    const [cookie] = buildIdentityCookies({ anonymousId: "x;Domain=evil.com; Secure" }, site);
    expect(cookie).toBe("ajs_anonymous_id=x%3BDomain%3Devil.com%3B%20Secure; Max-Age=31536000; Domain=example.com; Path=/; Secure; SameSite=Lax");
    expect(buildIdentityCookies({ anonymousId: "a\r\nSet-Cookie: b=c", userId: "x".repeat(201) }, site)).toEqual([]);
    const [script] = buildIdentityCookies({ userId: "</script><script>alert(1)</script>" }, site);
    expect(script).not.toMatch(/[<>]/);
    // A crafted cookie read back is refreshed encoded, never raw.
    const read = readIdentityCookies("ajs_anonymous_id=x%3BDomain%3Devil.com");
    expect(read).toEqual({ anonymousId: "x;Domain=evil.com" });
    expect(buildIdentityCookies(read, site)[0]).toMatch(/^ajs_anonymous_id=x%3BDomain%3Devil.com; Max-Age/);
  });
});

describe("the bundle's identity", () => {
  it("for the bundle: keeps the visitor's anonymous id (plain) or mints one, keeps the user id", () => {
    const mint = () => "minted";
    expect(identityForBundle(undefined, mint)).toEqual({ anonymousId: "minted" });
    expect(identityForBundle("ajs_anonymous_id=%22old%22; ajs_user_id=u1", mint)).toEqual({ anonymousId: "old", userId: "u1" });
    expect(identityForBundle("ajs_anonymous_id=" + "z".repeat(300), mint)).toEqual({ anonymousId: "minted" });
  });
});
