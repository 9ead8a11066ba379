import { describe, expect, it } from "vitest";
import { histogramQuantile } from "./delivery-stats";

describe("histogramQuantile", () => {
  it("interpolates inside the bucket that holds the quantile", () => {
    // 100 deliveries: 90 under 5 s, 10 between 5 and 10 s; the 95th is half-way into the second bucket.
    expect(
      histogramQuantile(
        [
          { bucket_ms: 5_000, count: 90 },
          { bucket_ms: 10_000, count: 10 },
        ],
        0.95,
      ),
    ).toBe(7_500);
    // Only buckets with deliveries have rows: the bound below 10 s is still 5 s, not 50 ms.
    expect(
      histogramQuantile(
        [
          { bucket_ms: 50, count: 90 },
          { bucket_ms: 10_000, count: 10 },
        ],
        0.95,
      ),
    ).toBe(7_500);
    expect(histogramQuantile([{ bucket_ms: 50, count: 20 }], 0.95)).toBe(48);
    expect(histogramQuantile([{ bucket_ms: 5_000, count: 4 }], 0.5)).toBe(3_500);
  });

  it("has no answer without deliveries or past the last finite bound", () => {
    expect(histogramQuantile([], 0.95)).toBeNull();
    expect(
      histogramQuantile(
        [
          { bucket_ms: 50, count: 1 },
          { bucket_ms: Number.MAX_SAFE_INTEGER, count: 99 },
        ],
        0.95,
      ),
    ).toBeNull();
  });
});
