import { describe, expect, it } from "vitest";
import { flushIdFor, planArchiveObjects, type OutboxRow } from "./outbox-flush";

const row = (seq: number, sourceId: string, partition: string, timestamp: string): OutboxRow => ({
  seq,
  sourceId,
  partition,
  timestamp,
  body: JSON.stringify({ seq }),
});

describe("planArchiveObjects", () => {
  it("writes one object per source-hour, lines in timestamp order, keyed by the flush", () => {
    const flushId = flushIdFor("default-dedupe-03", 41);
    const plan = planArchiveObjects(
      [
        row(41, "a", "2026-01-01/10", "2026-01-01T10:05:00.000Z"),
        row(42, "b", "2026-01-01/10", "2026-01-01T10:01:00.000Z"),
        row(43, "a", "2026-01-01/10", "2026-01-01T09:59:00.000Z"),
        row(44, "a", "2026-01-01/11", "2026-01-01T11:00:00.000Z"),
      ],
      flushId,
    );
    expect(plan).toEqual([
      { key: "archive/a/2026-01-01/10/default-dedupe-03-000000000041.ndjson.gz", lines: ['{"seq":43}', '{"seq":41}'] },
      { key: "archive/b/2026-01-01/10/default-dedupe-03-000000000041.ndjson.gz", lines: ['{"seq":42}'] },
      { key: "archive/a/2026-01-01/11/default-dedupe-03-000000000041.ndjson.gz", lines: ['{"seq":44}'] },
    ]);
  });
});
