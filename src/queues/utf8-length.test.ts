import { describe, expect, it } from "vitest";
import { utf8Length } from "./utf8-length";

const encoded = (text: string) => new TextEncoder().encode(text).byteLength;

describe("utf8Length", () => {
  it("counts UTF-8 bytes of short and long texts, outside ASCII too", () => {
    for (const text of ["", "plain", "Zürich 🚲 東京", "x".repeat(32 * 1024), "é".repeat(32 * 1024), "🚲".repeat(20_000), "\ud800 lone"]) {
      expect(utf8Length(text), text.slice(0, 20)).toBe(encoded(text));
    }
  });
});
