import { describe, expect, it } from "vitest";
import { cookieDomainFor, isSameSite, registrableDomainOf } from "./site";

describe("registrable domain (cookie Domain)", () => {
  it("follows the Public Suffix List, multi-label suffixes included", () => {
    expect(cookieDomainFor("a.b.example.co.uk")).toBe("example.co.uk");
    expect(cookieDomainFor("data.shop.example.co.uk")).toBe("example.co.uk");
    expect(cookieDomainFor("data.example.com")).toBe("example.com");
    expect(cookieDomainFor("example.com")).toBe("example.com");
    expect(cookieDomainFor("Data.Example.COM")).toBe("example.com");
  });

  it("counts the list's private section, as browsers do", () => {
    expect(cookieDomainFor("sluice.acme.workers.dev")).toBe("acme.workers.dev");
    expect(cookieDomainFor("shop.pages.dev")).toBe("shop.pages.dev");
  });

  it("is host-only for localhost, IPs, single labels and public suffixes", () => {
    for (const host of ["localhost", "app.localhost", "127.0.0.1", "[::1]", "10.0.0.12", "intranet", "co.uk", "workers.dev"]) {
      expect(cookieDomainFor(host), host).toBe("");
    }
  });

  it("gives no domain for hosts that are not plain DNS names", () => {
    for (const host of ["x;domain=evil.com", "a;b.example.com", "evil.com\r\nSet-Cookie: x=1", "a b.example.com", "</script>.example.com"]) {
      expect(registrableDomainOf(host), host).toBeUndefined();
    }
  });
});

describe("same site", () => {
  it("accepts the same host and other hosts under the same registrable domain", () => {
    expect(isSameSite("https://data.example.com", "https://data.example.com/v1/t")).toBe(true);
    expect(isSameSite("https://www.example.com", "https://data.example.com/v1/t")).toBe(true);
    expect(isSameSite("https://example.com", "https://data.example.com/v1/t")).toBe(true);
    expect(isSameSite("https://a.b.example.co.uk", "https://data.example.co.uk/v1/t")).toBe(true);
  });

  it("on localhost and IPs, accepts the same host on any port only", () => {
    expect(isSameSite("http://localhost:3000", "http://localhost:8787/v1/t")).toBe(true);
    expect(isSameSite("http://127.0.0.1:5173", "http://127.0.0.1:8787/v1/t")).toBe(true);
    expect(isSameSite("http://app.localhost:3000", "http://localhost:8787/v1/t")).toBe(false);
    expect(isSameSite("http://127.0.0.2:3000", "http://127.0.0.1:8787/v1/t")).toBe(false);
  });

  it("refuses other sites, look-alikes, other tenants of a shared suffix, other schemes and null", () => {
    expect(isSameSite("https://example.com.evil.com", "https://data.example.com/v1/t")).toBe(false);
    expect(isSameSite("https://evilexample.com", "https://data.example.com/v1/t")).toBe(false);
    expect(isSameSite("https://other.co.uk", "https://data.example.co.uk/v1/t")).toBe(false);
    expect(isSameSite("https://attacker.pages.dev", "https://sluice.pages.dev/v1/t")).toBe(false);
    expect(isSameSite("http://www.example.com", "https://data.example.com/v1/t")).toBe(false);
    expect(isSameSite("null", "https://data.example.com/v1/t")).toBe(false);
    expect(isSameSite("", "https://data.example.com/v1/t")).toBe(false);
  });
});
