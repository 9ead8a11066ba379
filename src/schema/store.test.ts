import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingDb } from "../../test/support/workerd/counting-db";
import { archiveSchemaEvent, MAX_EVENTS_PER_SOURCE, MAX_PATHS_PER_SCHEMA_EVENT, readSchema, recordTallies } from "./store";
import { tallyEvents, type TallyInput } from "./tally";

const uniqueSource = () => `src_${crypto.randomUUID().slice(0, 8)}`;

const track = (sourceId: string, name: string, properties: object, seenAt: string, blocked = false): TallyInput => ({
  event: { type: "track", event: name, properties },
  sourceId,
  seenAt,
  blocked,
});

describe("schema store (D1)", () => {
  it("records events, paths and types, and counts them in the 24-hour, 30-day and 60-day windows", async () => {
    const sourceId = uniqueSource();
    const now = new Date("2026-03-31T12:00:00Z");
    const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();
    await recordTallies(env.DB, tallyEvents([track(sourceId, "Viewed", { id: 1 }, ago(50 * 24))]), now);
    await recordTallies(
      env.DB,
      tallyEvents([track(sourceId, "Viewed", { id: "x" }, ago(10 * 24)), track(sourceId, "Viewed", { id: 2, tags: ["a"] }, ago(2))]),
      now,
    );
    await recordTallies(env.DB, tallyEvents([track(sourceId, "Viewed", {}, ago(1), true)]), now);

    const { events } = await readSchema(env.DB, sourceId, now);
    expect(events).toEqual([
      {
        type: "track",
        name: "Viewed",
        count24h: 2,
        count30d: 3,
        count60d: 4,
        total: 4,
        blocked: 1,
        firstSeen: ago(50 * 24),
        lastSeen: ago(1),
        archived: false,
        properties: [
          { path: "id", types: ["string", "integer"], firstSeen: ago(50 * 24), lastSeen: ago(2) },
          { path: "tags", types: ["array"], firstSeen: ago(2), lastSeen: ago(2) },
          { path: "tags.$", types: ["string"], firstSeen: ago(2), lastSeen: ago(2) },
        ],
      },
    ]);
  });

  it("costs a bounded number of statements: 1,000 events with 20 names", async () => {
    const sourceId = uniqueSource();
    const inputs = Array.from({ length: 1_000 }, (_, i) =>
      track(sourceId, `Event ${i % 20}`, { order: i, total: i / 3, nested: { a: i } }, "2026-03-01T10:00:00.000Z"),
    );
    const { db, statements } = countingDb(env.DB);
    await recordTallies(db, tallyEvents(inputs), new Date("2026-03-01T10:30:00Z"));
    // 3 reads + events (2) + counts (2 rows per name: 2) + paths (80 rows: 6) + pruning (2).
    expect(statements()).toBeLessThanOrEqual(16);
    const { events } = await readSchema(env.DB, sourceId, new Date("2026-03-01T10:30:00Z"));
    expect(events).toHaveLength(20);
    expect(events.every((event) => event.total === 50 && event.properties.length === 4)).toBe(true);
  });

  it("keeps at most 300 paths per event and 4,000 events per source, and reports what it left out", async () => {
    const sourceId = uniqueSource();
    const now = new Date("2026-03-01T10:30:00Z");
    const wide = (from: number) => Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${from + i}`, i]));
    await recordTallies(env.DB, tallyEvents([track(sourceId, "Wide", wide(0), now.toISOString())]), now);
    await recordTallies(env.DB, tallyEvents([track(sourceId, "Wide", wide(200), now.toISOString())]), now);
    const wideView = await readSchema(env.DB, sourceId, now);
    expect(wideView.events[0]!.properties).toHaveLength(MAX_PATHS_PER_SCHEMA_EVENT);
    expect(wideView.limits.propertiesNotRecorded).toBe(100);

    const many = Array.from({ length: MAX_EVENTS_PER_SOURCE + 5 }, (_, i) => track(sourceId, `Name ${i}`, {}, now.toISOString()));
    for (let offset = 0; offset < many.length; offset += 500) await recordTallies(env.DB, tallyEvents(many.slice(offset, offset + 500)), now);
    const full = await readSchema(env.DB, sourceId, now);
    expect(full.events).toHaveLength(MAX_EVENTS_PER_SOURCE);
    expect(full.limits.eventsNotRecorded).toBe(6);
  });

  it("archives an event until it is seen again", async () => {
    const sourceId = uniqueSource();
    const now = new Date("2026-03-01T10:30:00Z");
    await recordTallies(env.DB, tallyEvents([track(sourceId, "Old", {}, now.toISOString())]), now);
    expect(await archiveSchemaEvent(env.DB, sourceId, "track", "Old", true)).toBe(true);
    expect((await readSchema(env.DB, sourceId, now)).events).toEqual([]);
    expect((await readSchema(env.DB, sourceId, now, { includeArchived: true })).events[0]!.archived).toBe(true);
    await recordTallies(env.DB, tallyEvents([track(sourceId, "Old", {}, now.toISOString())]), now);
    expect((await readSchema(env.DB, sourceId, now)).events.map((event) => event.name)).toEqual(["Old"]);
    expect(await archiveSchemaEvent(env.DB, sourceId, "track", "Never Seen", true)).toBe(false);
  });
});
