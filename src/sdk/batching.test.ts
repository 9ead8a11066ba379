import { describe, expect, it } from "vitest";
import { MAX_BATCH_BYTES, MAX_KEEPALIVE_BYTES, splitIntoBatches } from "./batching";

describe("splitIntoBatches", () => {
  const size = (n: number) => n;
  it("keeps each batch within the byte limit and order intact", () => {
    const items = Array.from({ length: 50 }, () => 20 * 1024);
    const batches = splitIntoBatches(items, size, MAX_BATCH_BYTES);
    for (const batch of batches) expect(batch.reduce((sum, n) => sum + n + 1, 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(batches.flat()).toEqual(items);
    expect(batches.length).toBe(3);
  });

  it("fits keepalive's 64 KB budget when the page is unloading", () => {
    const batches = splitIntoBatches(
      Array.from({ length: 10 }, () => 25 * 1024),
      size,
      MAX_KEEPALIVE_BYTES,
    );
    expect(batches.map((b) => b.length)).toEqual([2, 2, 2, 2, 2]);
    expect(MAX_KEEPALIVE_BYTES).toBeLessThan(64 * 1024);
  });

  it("caps the number of events per batch", () => {
    expect(
      splitIntoBatches(
        Array.from({ length: 250 }, () => 10),
        size,
        MAX_BATCH_BYTES,
      ).map((b) => b.length),
    ).toEqual([100, 100, 50]);
  });
});
