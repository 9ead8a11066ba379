import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { emptyDeliveryMetrics, histogramQuantile, readAllDeliveryMetrics, readDeliveryMetrics, recordDeliveryStats } from "./delivery-stats";

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

describe("delivery metrics in D1", () => {
  it("reads one destination's metrics, and every destination's in one round trip, alike", async () => {
    const [a, b] = [`dest_${crypto.randomUUID().slice(0, 8)}`, `dest_${crypto.randomUUID().slice(0, 8)}`];
    const now = new Date("2026-11-30T12:00:00Z");
    const earlier = new Date(now.getTime() - 30 * 3_600_000); // outside the 24-hour window
    await recordDeliveryStats(env.DB, [{ destinationId: a, outcome: "delivered", count: 1 }], new Map(), earlier);
    await recordDeliveryStats(env.DB, [{ destinationId: a, outcome: "retrying", count: 2 }], new Map(), earlier);
    await recordDeliveryStats(
      env.DB,
      [
        { destinationId: a, outcome: "delivered", count: 9 },
        { destinationId: a, outcome: "discarded:consent", count: 3 },
        { destinationId: a, outcome: "retrying", count: -1 },
        { destinationId: b, outcome: "failed", count: 4 },
      ],
      new Map([[a, [40, 40, 3_000]]]),
      now,
    );

    const one = await readDeliveryMetrics(env.DB, a, now);
    expect(one).toMatchObject({ delivered: 9, discarded: 3, discardedByReason: { consent: 3 }, retrying: 1, failed: 0 });
    expect(one.p95LatencyMs).toBeGreaterThan(2_000);
    const all = await readAllDeliveryMetrics(env.DB, now);
    expect(all.get(a)).toEqual(one);
    expect(all.get(b)).toEqual(await readDeliveryMetrics(env.DB, b, now));
    expect(all.get(b)).toMatchObject({ failed: 4, delivered: 0, p95LatencyMs: null });
    expect(await readDeliveryMetrics(env.DB, "dest_never", now)).toEqual(emptyDeliveryMetrics());
  });
});
