import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RegulationStore } from "./regulation-store";

describe("RegulationStore (D1)", () => {
  it("creates, reads back, pages newest first and records progress", async () => {
    const store = new RegulationStore(env.DB);
    const first = await store.create({ regulationType: "SUPPRESS_ONLY", subjectIds: ["u1"], covered: ["user_id:u1"], now: new Date("2026-11-30T10:00:00Z") });
    const second = await store.create({
      regulationType: "DELETE_ONLY",
      subjectIds: ["u2"],
      covered: ["user_id:u2", "anonymous_id:a2"],
      now: new Date("2026-11-30T11:00:00Z"),
    });
    expect(first.id).toMatch(/^reg_[A-Za-z0-9]{22}$/);
    expect(await store.get(second.id)).toEqual(second);
    expect(await store.get("reg_missing")).toBeNull();

    const page = await store.list(100);
    expect(page.findIndex((r) => r.id === second.id)).toBeLessThan(page.findIndex((r) => r.id === first.id));
    expect((await store.list(100, second.createdAt)).some((r) => r.id === second.id)).toBe(false);

    const progress = { stores: { archive: { status: "done" as const, removed: { events: 3, objects: 2 } } }, destinations: {} };
    await store.saveProgress(second.id, "FINISHED", progress, new Date("2026-11-30T11:05:00Z"));
    expect(await store.get(second.id)).toMatchObject({ status: "FINISHED", progress, updatedAt: "2026-11-30T11:05:00.000Z" });
  });
});

describe("RegulationStore.list paging", () => {
  it("continues after the last page's regulation even when others share its creation time", async () => {
    const store = new RegulationStore(env.DB);
    const now = new Date("2020-01-01T00:00:00Z");
    const made = await Promise.all([1, 2, 3].map(() => store.create({ regulationType: "SUPPRESS_ONLY", subjectIds: ["u"], covered: ["user_id:u"], now })));
    const expected = made
      .map((r) => r.id)
      .sort()
      .reverse();
    const seen: string[] = [];
    let last: { createdAt: string; id: string } | undefined;
    for (let page = 0; page < 10; page += 1) {
      const found = (await store.list(1, last?.createdAt ?? "2020-01-01T00:00:00.001Z", last?.id)).filter((r) => r.createdAt === now.toISOString());
      if (found.length === 0) break;
      seen.push(found[0]!.id);
      last = found[0]!;
    }
    expect(seen).toEqual(expected);
  });
});
