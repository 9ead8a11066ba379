import { describe, expect, it } from "vitest";
import { hourFingerprint, planHours } from "./archive-hours";

const object = (key: string, etag: string) => ({ key, etag, uploaded: new Date(0) });

describe("hourFingerprint", () => {
  it("changes with any object's key or etag and with the settings, and only then", async () => {
    const objects = [object("archive/s/2026-03-14/09/a.ndjson.gz", "e1"), object("archive/s/2026-03-14/09/b.ndjson.gz", "e2")];
    const settings = { slug: "web", excludedEvents: [] };
    const base = await hourFingerprint(objects, settings);
    expect(
      await hourFingerprint(
        objects.map((o) => ({ ...o, uploaded: new Date() })),
        settings,
      ),
    ).toBe(base);
    expect(await hourFingerprint([objects[0]!, { ...objects[1]!, etag: "e3" }], settings)).not.toBe(base);
    expect(await hourFingerprint([...objects, object("archive/s/2026-03-14/09/c.ndjson.gz", "e4")], settings)).not.toBe(base);
    expect(await hourFingerprint(objects.slice(0, 1), settings)).not.toBe(base);
    expect(await hourFingerprint(objects, { ...settings, excludedEvents: ["pages"] })).not.toBe(base);
  });
});

describe("planHours", () => {
  const listed = new Map([
    ["2026-03-14/09", "a"],
    ["2026-03-14/10", "b"],
    ["2026-03-14/11", "c"],
  ]);

  it("plans the hours that are new or changed, and removes the ones the archive lost", () => {
    const written = new Map([
      ["2026-03-14/08", "x"],
      ["2026-03-14/09", "a"],
      ["2026-03-14/10", "old"],
    ]);
    expect(planHours(listed, written, false)).toEqual([
      { hour: "2026-03-14/08", fingerprint: null },
      { hour: "2026-03-14/10", fingerprint: "b" },
      { hour: "2026-03-14/11", fingerprint: "c" },
    ]);
  });

  it("plans nothing when every hour was written from what the archive holds, and everything when full", () => {
    expect(planHours(listed, listed, false)).toEqual([]);
    expect(planHours(listed, listed, true).map((plan) => plan.hour)).toEqual([...listed.keys()]);
  });
});
