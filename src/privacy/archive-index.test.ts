import { describe, expect, it } from "vitest";
import { planArchiveIndex, subjectKeysOfLine } from "./archive-index";
import { hashSubjectKey } from "./subject-keys";

describe("planArchiveIndex", () => {
  it("has one row per person's key per object, however many of their events the object holds", async () => {
    const lines = [
      JSON.stringify({ type: "track", event: "A", userId: "u1", anonymousId: "a1" }),
      JSON.stringify({ type: "track", event: "B", userId: "u1" }),
      JSON.stringify({ type: "track", event: "C", anonymousId: "a2" }),
      "not json",
      "[1, 2]",
    ];
    const rows = await planArchiveIndex([
      { key: "archive/s/2026-01-01/10/x.ndjson.gz", lines },
      { key: "archive/s/2026-01-01/11/x.ndjson.gz", lines: [lines[0]!] },
    ]);
    const hash = (key: string) => hashSubjectKey(key);
    expect(rows.sort()).toEqual(
      [
        [await hash("user_id:u1"), "archive/s/2026-01-01/10/x.ndjson.gz"],
        [await hash("anonymous_id:a1"), "archive/s/2026-01-01/10/x.ndjson.gz"],
        [await hash("anonymous_id:a2"), "archive/s/2026-01-01/10/x.ndjson.gz"],
        [await hash("user_id:u1"), "archive/s/2026-01-01/11/x.ndjson.gz"],
        [await hash("anonymous_id:a1"), "archive/s/2026-01-01/11/x.ndjson.gz"],
      ].sort(),
    );
  });

  it("reads nobody in a line that is not an event", () => {
    expect(subjectKeysOfLine("{")).toEqual([]);
    expect(subjectKeysOfLine('"u1"')).toEqual([]);
    expect(subjectKeysOfLine('{"type":"identify","userId":"u1"}')).toEqual(["user_id:u1"]);
  });
});
