import { describe, expect, it } from "vitest";
import type { ProfileView } from "../identity/profile-view";
import { eventsPartName, exportStep, initialExportState, PROFILES_PART_NAME, type ExportDeps, type ExportState } from "./export-runner";
import type { SubjectExport } from "./subject-export-store";

const subject: SubjectExport = {
  id: "exp_1",
  subjectType: "USER_ID",
  subjectIds: ["u1"],
  covered: ["user_id:u1", "anonymous_id:a1"],
  status: "RUNNING",
  progress: { objectsRead: 0, events: 0, profiles: 0 },
  error: null,
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T10:00:00.000Z",
};

const line = (event: object) => JSON.stringify(event);

/** An archive of `count` objects, each holding one event of u1 (as a1 in odd ones) and one of someone else. */
function world(count: number) {
  const objects = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const key = `archive/src/2026-11-30/${String(i % 24).padStart(2, "0")}/shard-${String(i).padStart(4, "0")}.ndjson.gz`;
    objects.set(key, [
      line(i % 2 ? { type: "track", anonymousId: "a1", messageId: `m${i}` } : { type: "track", userId: "u1", messageId: `m${i}` }),
      line({ type: "track", userId: "u2" }),
    ]);
  }
  const parts = new Map<string, string>();
  const reads: string[] = [];
  const deps: ExportDeps = {
    indexPage: (cursor, limit) =>
      Promise.resolve(
        [...objects.keys()]
          .sort()
          .filter((key) => key > cursor)
          .slice(0, limit),
      ),
    readLines: (key) => (reads.push(key), Promise.resolve(objects.get(key) ?? null)),
    profiles: () => Promise.resolve([{ id: "use_1", traits: {}, identifiers: [], links: [], metadata: null, consent: null } as unknown as ProfileView]),
    writePart: (name, ndjson) => (parts.set(name, ndjson), Promise.resolve()),
  };
  return { objects, parts, reads, deps };
}

async function runToEnd(deps: ExportDeps, state: ExportState = initialExportState(), stopAfter = Infinity) {
  let steps = 0;
  while (state.phase !== "done" && steps < stopAfter) {
    state = await exportStep(subject, state, deps);
    steps += 1;
  }
  return state;
}

describe("the subject export job", () => {
  it("reads each indexed object once, page by page, and writes the person's events then their profile", async () => {
    const { parts, reads, deps } = world(45);
    const done = await runToEnd(deps);
    expect(done.progress).toEqual({ objectsRead: 45, events: 45, profiles: 1 });
    expect(new Set(reads).size).toBe(45);
    expect(reads).toHaveLength(45);
    expect([...parts.keys()].sort()).toEqual([eventsPartName(1), eventsPartName(2), eventsPartName(3), PROFILES_PART_NAME]);
    const exported = [...parts.values()]
      .join("")
      .trim()
      .split("\n")
      .map((text) => JSON.parse(text) as { record: string; event?: { userId?: string } });
    expect(exported.filter((record) => record.record === "event")).toHaveLength(45);
    expect(exported.some((record) => record.event?.userId === "u2")).toBe(false);
  });

  it("after a crash, resumes from the last saved state and ends with the same export", async () => {
    const whole = world(45);
    await runToEnd(whole.deps);
    const crashed = world(45);
    const saved = await runToEnd(crashed.deps, initialExportState(), 2);
    // The step after `saved` ran and wrote its part, but its state was never saved: it runs again.
    await exportStep(subject, saved, crashed.deps);
    const done = await runToEnd(crashed.deps, saved);
    expect(done.progress).toEqual({ objectsRead: 45, events: 45, profiles: 1 });
    expect(crashed.parts).toEqual(whole.parts);
  });

  it("skips objects that are gone since they were indexed", async () => {
    const { objects, deps } = world(3);
    objects.delete([...objects.keys()][1]!);
    const indexed = [...objects.keys(), "archive/src/2026-11-30/23/zz-gone.ndjson.gz"].sort();
    deps.indexPage = (cursor, limit) => Promise.resolve(indexed.filter((key) => key > cursor).slice(0, limit));
    expect((await runToEnd(deps)).progress).toEqual({ objectsRead: 2, events: 2, profiles: 1 });
  });
});
