import { describe, expect, it } from "vitest";
import { candidateDomains, detectCookieDomain, isWithinDomain } from "./cookie-domain";
import { readCookie } from "./storage";

describe("cookie domain", () => {
  it("tries parent domains from the top down", () => {
    expect(candidateDomains("a.b.example.co.uk")).toEqual(["co.uk", "example.co.uk", "b.example.co.uk", "a.b.example.co.uk"]);
    expect(candidateDomains("localhost")).toEqual([]);
    expect(candidateDomains("127.0.0.1")).toEqual([]);
  });

  it("takes the first domain the browser accepts (it refuses public suffixes)", () => {
    const browserAccepts = (domain: string) => domain !== "co.uk";
    expect(detectCookieDomain("a.b.example.co.uk", "", browserAccepts)).toBe("example.co.uk");
    expect(detectCookieDomain("localhost", "", browserAccepts)).toBe("");
  });

  it("uses the edge's registrable domain when the page is under it", () => {
    const neverProbed = () => {
      throw new Error("should not probe");
    };
    expect(detectCookieDomain("www.example.com", "example.com", neverProbed)).toBe("example.com");
    expect(isWithinDomain("badexample.com", "example.com")).toBe(false);
  });
});

describe("readCookie", () => {
  it("reads plain, URI-encoded and legacy JSON-quoted values", () => {
    const cookies = 'a=1; ajs_user_id=%22user%2042%22; ajs_anonymous_id=abc-123; ajs_group_id="g1"';
    expect(readCookie(cookies, "ajs_user_id")).toBe("user 42");
    expect(readCookie(cookies, "ajs_anonymous_id")).toBe("abc-123");
    expect(readCookie(cookies, "ajs_group_id")).toBe("g1");
    expect(readCookie(cookies, "missing")).toBeUndefined();
  });
});
