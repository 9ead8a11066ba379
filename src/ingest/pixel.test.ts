import { describe, expect, it } from "vitest";
import { decodePixelData } from "./pixel";

describe("decodePixelData", () => {
  const event = { writeKey: "wk", userId: "ü-1", event: "Opened?" };
  const standard = btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(event))));

  it("decodes standard, URL-safe, unpadded and form-mangled base64", () => {
    expect(decodePixelData(standard)).toEqual(event);
    expect(decodePixelData(standard.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""))).toEqual(event);
    expect(decodePixelData(standard.replace(/\+/g, " "))).toEqual(event);
  });

  it("explains what is wrong", () => {
    expect(() => decodePixelData(undefined)).toThrow(/data is required/);
    expect(() => decodePixelData("%%%")).toThrow(/base64/);
    expect(() => decodePixelData(btoa("not json"))).toThrow(/JSON/);
  });
});
