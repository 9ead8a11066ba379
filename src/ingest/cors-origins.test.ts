import { describe, expect, it } from "vitest";
import { corsOriginFor, originMatches } from "./cors-origins";

describe("CORS origins", () => {
  const configured = "https://shop.example.com, https://*.example.org,http://localhost:*";

  it("echoes configured origins so credentialed requests work", () => {
    expect(corsOriginFor("https://shop.example.com", configured)).toBe("https://shop.example.com");
    expect(corsOriginFor("https://www.example.org", configured)).toBe("https://www.example.org");
    expect(corsOriginFor("http://localhost:3000", configured)).toBe("http://localhost:3000");
  });

  it("answers * to everyone else", () => {
    expect(corsOriginFor("https://evil.com", configured)).toBe("*");
    expect(corsOriginFor("https://example.org.evil.com", configured)).toBe("*");
    expect(corsOriginFor("https://a.b.example.org", configured)).toBe("*");
    expect(corsOriginFor("https://shop.example.com", "")).toBe("*");
  });

  it("echoes the site's own origins without configuration: same registrable domain and scheme", () => {
    const request = "https://data.example.co.uk/v1/t";
    expect(corsOriginFor("https://www.example.co.uk", "", request)).toBe("https://www.example.co.uk");
    expect(corsOriginFor("https://example.co.uk", undefined, request)).toBe("https://example.co.uk");
    expect(corsOriginFor("https://a.b.example.co.uk:8443", "", request)).toBe("https://a.b.example.co.uk:8443");
    expect(corsOriginFor("https://other.co.uk", "", request)).toBe("*");
    expect(corsOriginFor("http://www.example.co.uk", "", request)).toBe("*");
    expect(corsOriginFor("https://example.co.uk.evil.com", "", request)).toBe("*");
    expect(corsOriginFor("null", "", request)).toBe("*");
  });

  it("on localhost and IPs, echoes the same host on any port only", () => {
    expect(corsOriginFor("http://localhost:3000", "", "http://localhost:8787/v1/t")).toBe("http://localhost:3000");
    expect(corsOriginFor("http://127.0.0.1:3000", "", "http://127.0.0.1:8787/v1/t")).toBe("http://127.0.0.1:3000");
    expect(corsOriginFor("http://localhost:3000", "", "http://127.0.0.1:8787/v1/t")).toBe("*");
    expect(corsOriginFor("https://evil.com", configured, "http://localhost:8787/v1/t")).toBe("*");
  });

  it("treats dots literally", () => {
    expect(originMatches("https://shopXexample.com", "https://shop.example.com")).toBe(false);
  });
});
