import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MINUTE_MS, MINUTES_KEPT, MINUTES_SHOWN, minuteOf, minuteSeries, readMinuteSeries, recordMinuteCounts, tallyMinutes } from "./minutes";

const uniqueSource = () => `src_${crypto.randomUUID().slice(0, 8)}`;
const now = new Date("2026-11-30T12:30:20Z");
const ago = (minutes: number) => new Date(now.getTime() - minutes * MINUTE_MS).toISOString();

describe("tallyMinutes / minuteSeries (pure)", () => {
  it("counts events per source and receive minute, skipping unreadable times", () => {
    const counts = tallyMinutes([
      { sourceId: "a", receivedAt: "2026-11-30T12:30:01Z" },
      { sourceId: "a", receivedAt: "2026-11-30T12:30:59.999Z" },
      { sourceId: "a", receivedAt: "2026-11-30T12:31:00Z" },
      { sourceId: "b", receivedAt: "2026-11-30T12:30:30Z" },
      { sourceId: "b", receivedAt: "not a time" },
    ]);
    const at = (iso: string) => minuteOf(Date.parse(iso));
    expect(counts).toEqual([
      { sourceId: "a", minute: at("2026-11-30T12:30:00Z"), count: 2 },
      { sourceId: "a", minute: at("2026-11-30T12:31:00Z"), count: 1 },
      { sourceId: "b", minute: at("2026-11-30T12:30:00Z"), count: 1 },
    ]);
  });

  it("places counts in a 24-hour series ending at the current minute and drops what lies outside", () => {
    const current = minuteOf(now.getTime());
    const series = minuteSeries(
      [
        { sourceId: "a", minute: current, count: 3 },
        { sourceId: "a", minute: current - (MINUTES_SHOWN - 1), count: 2 },
        { sourceId: "a", minute: current - MINUTES_SHOWN, count: 100 }, // 24 h and a minute ago
        { sourceId: "a", minute: current + 1, count: 100 }, // a clock ahead of ours
      ],
      now,
    );
    const values = series.get("a")!;
    expect(values).toHaveLength(MINUTES_SHOWN);
    expect(values[MINUTES_SHOWN - 1]).toBe(3);
    expect(values[0]).toBe(2);
    expect(values.reduce((sum, value) => sum + value, 0)).toBe(5);
    expect(series.has("b")).toBe(false);
  });
});

describe("minute counts in D1", () => {
  it("adds batches up per minute and reads every source's last 24 hours", async () => {
    const [a, b] = [uniqueSource(), uniqueSource()];
    await recordMinuteCounts(env.DB, tallyMinutes([a, a, b].map((sourceId) => ({ sourceId, receivedAt: ago(0) }))), now);
    await recordMinuteCounts(
      env.DB,
      tallyMinutes([
        { sourceId: a, receivedAt: ago(0) },
        { sourceId: a, receivedAt: ago(90) },
      ]),
      now,
    );

    const series = await readMinuteSeries(env.DB, now);
    expect(series.get(a)![MINUTES_SHOWN - 1]).toBe(3);
    expect(series.get(a)![MINUTES_SHOWN - 91]).toBe(1);
    expect(series.get(b)![MINUTES_SHOWN - 1]).toBe(1);
  });

  it("drops a source's minutes older than the kept window when it is written again", async () => {
    const source = uniqueSource();
    const earlier = new Date(now.getTime() - 2 * MINUTES_KEPT * MINUTE_MS);
    await recordMinuteCounts(env.DB, tallyMinutes([{ sourceId: source, receivedAt: earlier.toISOString() }]), earlier);
    const rowsOf = async () =>
      (await env.DB.prepare("SELECT minute FROM source_minute_counts WHERE source_id = ?").bind(source).all<{ minute: number }>()).results.map((r) => r.minute);
    expect(await rowsOf()).toEqual([minuteOf(earlier.getTime())]);

    await recordMinuteCounts(env.DB, tallyMinutes([{ sourceId: source, receivedAt: ago(0) }]), now);
    expect(await rowsOf()).toEqual([minuteOf(now.getTime())]);
  });
});
