import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readSchemaPage } from "./read-page";
import { MAX_EVENTS_PER_SOURCE, readSchema, recordTallies } from "./store";
import { tallyEvents, type TallyInput } from "./tally";

const uniqueSource = () => `src_${crypto.randomUUID().slice(0, 8)}`;

describe("readSchemaPage (D1)", () => {
  it("pages a full source (4,000 events) newest first, with the same counts as readSchema, and one event's properties", async () => {
    const sourceId = uniqueSource();
    const now = new Date("2026-03-31T12:00:00Z");
    const inputs: TallyInput[] = [];
    for (let i = 0; i < MAX_EVENTS_PER_SOURCE; i += 1) {
      const seenAt = new Date(now.getTime() - (i % 90) * 86_400_000 - i * 1000).toISOString();
      inputs.push({
        event: { type: "track", event: `Event ${String(i).padStart(4, "0")}`, properties: { n: i, label: "x" } },
        sourceId,
        seenAt,
        blocked: false,
      });
    }
    for (let offset = 0; offset < inputs.length; offset += 500) await recordTallies(env.DB, tallyEvents(inputs.slice(offset, offset + 500)), now);

    const full = await readSchema(env.DB, sourceId, now);
    expect(full.events).toHaveLength(MAX_EVENTS_PER_SOURCE);
    const page = await readSchemaPage(env.DB, sourceId, now, { offset: 50, limit: 50, expand: { type: "track", name: full.events[60]!.name } });
    expect(page.total).toBe(MAX_EVENTS_PER_SOURCE);
    expect(page.events).toHaveLength(50);
    expect(page.events).toEqual(
      full.events
        .slice(50, 100)
        .map(({ type, name, count24h, count30d, count60d, blocked, lastSeen }) => ({ type, name, count24h, count30d, count60d, blocked, lastSeen })),
    );
    expect(page.properties!.map((property) => [property.path, property.types])).toEqual([
      ["label", ["string"]],
      ["n", ["integer"]],
    ]);
    const last = await readSchemaPage(env.DB, sourceId, now, { offset: 3_950, limit: 50 });
    expect(last.events.map((event) => event.name)).toEqual(full.events.slice(3_950).map((event) => event.name));
    expect(last.properties).toBeNull();
  });

  it("a source without events: an empty page", async () => {
    expect(await readSchemaPage(env.DB, uniqueSource(), new Date(), { offset: 0, limit: 50 })).toEqual({
      events: [],
      total: 0,
      offset: 0,
      limit: 50,
      properties: null,
    });
  });
});
