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

  it("treats dots literally", () => {
    expect(originMatches("https://shopXexample.com", "https://shop.example.com")).toBe(false);
  });
});
