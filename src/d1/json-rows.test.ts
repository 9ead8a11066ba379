import { describe, expect, it } from "vitest";
import { jsonChunks } from "./json-rows";

describe("jsonChunks", () => {
  it("splits values into JSON arrays under the size bound, in order, losing none", () => {
    const values = Array.from({ length: 1_000 }, (_, i) => [`key-${i}`, `subject-${i % 7}`]);
    const chunks = jsonChunks(values, 2_000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.length <= 2_000)).toBe(true);
    expect(chunks.flatMap((chunk) => JSON.parse(chunk) as unknown[])).toEqual(values);
  });

  it("keeps a value longer than the bound whole, alone in its chunk, and answers nothing for nothing", () => {
    expect(jsonChunks(["x".repeat(50), "y"], 10)).toEqual([`["${"x".repeat(50)}"]`, `["y"]`]);
    expect(jsonChunks([])).toEqual([]);
  });
});
