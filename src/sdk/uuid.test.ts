import { describe, expect, it } from "vitest";
import { uuid } from "./uuid";

describe("uuid", () => {
  it("is a random (version 4, RFC 4122 variant) UUID in the 8-4-4-4-12 form, new each time", () => {
    const ids = Array.from({ length: 50 }, uuid);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
